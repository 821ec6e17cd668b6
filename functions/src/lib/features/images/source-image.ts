// An input image as a caller gives it (a data URI or a URL), turned into what Gemini is sent: the bytes
// are read whole (a data URI's base64 decoded, a URL fetched under the SSRF guard, both capped at
// IMAGE_SOURCE_MAX_BYTES), then normalized (input-normalize.ts: upright, metadata stripped, downscaled,
// a format Gemini takes). Everything here happens before Gemini is called, so a bad input is a plain
// 4xx that cost no upstream work.
import { isDataUri, parseDataUri } from './data-uri.js';
import { inputDecodeGate } from './decode-gate.js';
import { SourceImageError } from './errors.js';
import { normalizeInputImage, type InputImagePolicy, type NormalizedImage } from './input-normalize.js';
import { assertFetchableUrl, fetchSourceImage, type SourceFetchPolicy } from './source-fetch.js';

export type SourceImagePolicy = SourceFetchPolicy & InputImagePolicy;

/** An input image ready for a Gemini request. */
export type SourceImage = NormalizedImage;

function parseSourceUrl(value: string, policy: SourceFetchPolicy, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SourceImageError(400, 'invalid_image', `${field} must be a data URI or an https URL`, { field });
  }
  assertFetchableUrl(url, policy, field);
  return url;
}

/** The image's bytes, whole, and the type its first bytes have. */
async function readSource(
  value: string,
  policy: SourceFetchPolicy,
  field: string,
  signal: AbortSignal,
): Promise<{ mimeType: string; bytes: Buffer }> {
  if (isDataUri(value)) {
    const { mimeType, base64 } = parseDataUri(value, policy.maxBytes, field);
    return { mimeType, bytes: Buffer.from(base64, 'base64') };
  }
  const fetched = await fetchSourceImage(parseSourceUrl(value, policy, field), policy, field, signal);
  try {
    return { mimeType: fetched.mimeType, bytes: await readAll(fetched.body, fetched.declaredBytes, field) };
  } finally {
    fetched.close();
  }
}

/** The body in one buffer; with a declared length it is filled in place (no second copy at the end). */
async function readAll(
  body: AsyncIterable<Uint8Array>,
  declaredBytes: number | undefined,
  field: string,
): Promise<Buffer> {
  if (declaredBytes === undefined) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk); // capped at maxBytes by the body
    return Buffer.concat(chunks);
  }
  const whole = Buffer.allocUnsafe(declaredBytes);
  let filled = 0;
  for await (const chunk of body) {
    if (filled + chunk.length > declaredBytes) {
      throw new SourceImageError(422, 'source_unavailable', `${field} sent more than its Content-Length`, { field });
    }
    whole.set(chunk, filled);
    filled += chunk.length;
  }
  return whole.subarray(0, filled);
}

export async function loadSourceImage(
  value: string,
  policy: SourceImagePolicy,
  field: string,
  signal: AbortSignal,
): Promise<SourceImage> {
  const { mimeType, bytes } = await readSource(value, policy, field, signal);
  return inputDecodeGate.run(() => normalizeInputImage(bytes, mimeType, policy, field), signal);
}

/** Loads several sources one after the other (one decode at a time per request). */
export async function loadSourceImages(
  inputs: readonly { value: string; field: string }[],
  policy: SourceImagePolicy,
  signal: AbortSignal,
): Promise<SourceImage[]> {
  const loaded: SourceImage[] = [];
  for (const input of inputs) loaded.push(await loadSourceImage(input.value, policy, input.field, signal));
  return loaded;
}
