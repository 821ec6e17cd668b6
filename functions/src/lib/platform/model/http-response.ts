// What every backend's streaming client does with a fetch Response, whatever the protocol: read a
// bounded prefix of an error body, read a Retry-After header, and hand the body on with its read
// failures classified as the request's were.
import { systemClock, type Clock } from '../clock.js';

/** Reads at most `maxBytes` of the body, then cancels the rest (releasing the connection). */
export async function readPrefix(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
  } catch {
    // A broken error body still leaves the status to report.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

/** Retry-After: delay-seconds or an HTTP date. */
export function retryAfterHeaderMs(value: string | null, clock: Clock = systemClock): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - clock());
}

/**
 * The body, with read failures classified like the request's. A hand-written iterator rather than an
 * async generator: it costs one promise per body chunk, and `return()` goes straight to the stream.
 */
export function classifiedBody(
  body: AsyncIterable<Uint8Array>,
  classify: (error: unknown) => unknown,
): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      const source = body[Symbol.asyncIterator]();
      const fault = (error: unknown): never => {
        throw classify(error);
      };
      return {
        next: () => source.next().then(undefined, fault),
        return: (value?: unknown) => source.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
      };
    },
  };
}
