// streamModelReply against a scripted transport: what it retries is what the error says (isRetryable),
// never a guess from the error's class; deadlines are ModelTimeoutErrors with their phase.
import { describe, expect, it } from 'vitest';
import { streamModelReply, type ModelCallOptions } from '../../../../src/lib/features/chat/model-stream.js';
import { GeminiChatModel } from '../../../../src/lib/features/chat/backends/gemini-model.js';
import { GeminiHttpError, GeminiNetworkError } from '../../../../src/lib/platform/gemini/errors.js';
import { ModelTimeoutError } from '../../../../src/lib/platform/model/errors.js';
import type { GeminiStreamRequest, GeminiTransport } from '../../../../src/lib/platform/gemini/streaming-client.js';

type Reply = { chunks: string[]; stallAfter?: number } | { reject: unknown };

const sse = (text: string, finishReason?: string): string =>
  `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finishReason ? { finishReason } : {}) }] })}\r\n\r\n`;
const reply = (...texts: string[]): Reply => ({
  chunks: texts.map((text, i) => sse(text, i === texts.length - 1 ? 'STOP' : undefined)),
});

/** Each fetch takes the next scripted reply; a stalled body waits for its signal. */
function scripted(...replies: Reply[]): GeminiTransport & { requests: GeminiStreamRequest[] } {
  const requests: GeminiStreamRequest[] = [];
  return {
    requests,
    fetch: async (request) => {
      requests.push(request);
      const next = replies.shift();
      if (!next) throw new Error('no scripted reply left');
      if ('reject' in next) throw next.reject;
      const { chunks, stallAfter } = next;
      async function* body(): AsyncGenerator<Uint8Array> {
        for (const [index, chunk] of chunks.entries()) {
          if (stallAfter === index) {
            await new Promise((_, reject) =>
              request.signal?.addEventListener('abort', () => reject(request.signal?.reason), { once: true }),
            );
          }
          yield Buffer.from(chunk);
        }
      }
      return { status: 200, headers: new Headers(), body: body() };
    },
  };
}

async function run(client: GeminiTransport, overrides: Partial<ModelCallOptions> = {}) {
  const texts: string[] = [];
  const retries: unknown[] = [];
  const end = await streamModelReply({
    model: new GeminiChatModel(client),
    prompt: {
      model: 'gemini-test',
      request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
      maxOutputTokens: 100,
    },
    signal: new AbortController().signal,
    timeouts: { firstChunkMs: 5_000, idleMs: 5_000, totalMs: 10_000 },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 5_000 },
    onText: (text) => void texts.push(text),
    onRetry: ({ error }) => void retries.push(error),
    ...overrides,
  });
  return { end, texts, retries };
}

describe('streamModelReply retries', () => {
  it('retries a network fault the transport classified, then streams the reply', async () => {
    const fault = new GeminiNetworkError('ECONNRESET', { cause: new TypeError('fetch failed') });
    const client = scripted({ reject: fault }, reply('Hel', 'lo'));
    const { end, texts, retries } = await run(client);
    expect(texts.join('')).toBe('Hello');
    expect(end.finishReason).toBe('STOP');
    expect(retries).toEqual([fault]);
    expect(client.requests).toHaveLength(2);
  });

  it('does not retry an unclassified TypeError (only errors that say they are retryable are)', async () => {
    const bug = new TypeError('x is not a function');
    const client = scripted({ reject: bug }, reply('never'));
    await expect(run(client)).rejects.toBe(bug);
    expect(client.requests).toHaveLength(1);
  });

  it('retries 503 and honours its own retry facts; a 400 is final', async () => {
    const busy = scripted({ reject: new GeminiHttpError({ status: 503, retryAfterMs: 1 }) }, reply('ok'));
    expect((await run(busy)).texts).toEqual(['ok']);
    expect(busy.requests).toHaveLength(2);

    const invalid = new GeminiHttpError({ status: 400, googleStatus: 'INVALID_ARGUMENT' });
    const bad = scripted({ reject: invalid }, reply('never'));
    await expect(run(bad)).rejects.toBe(invalid);
    expect(bad.requests).toHaveLength(1);
  });

  it('a stalled first attempt times out (first-chunk) and is retried', async () => {
    const client = scripted({ chunks: [sse('late', 'STOP')], stallAfter: 0 }, reply('on time'));
    const { texts, retries } = await run(client, { timeouts: { firstChunkMs: 30, idleMs: 5_000, totalMs: 10_000 } });
    expect(texts).toEqual(['on time']);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toBeInstanceOf(ModelTimeoutError);
    expect(retries[0]).toMatchObject({ phase: 'first-chunk', timeoutMs: 30 });
    expect(client.requests[0].signal?.aborted).toBe(true);
  });

  it('after the first token a failure is final, and the whole-call deadline is never retried', async () => {
    const cut = scripted({ chunks: [sse('partial'), sse('rest', 'STOP')], stallAfter: 1 }, reply('again'));
    const error = await run(cut, { timeouts: { firstChunkMs: 5_000, idleMs: 30, totalMs: 10_000 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'ModelTimeoutError', phase: 'idle' });
    expect(cut.requests).toHaveLength(1);

    const slow = scripted({ chunks: [sse('late', 'STOP')], stallAfter: 0 }, reply('again'));
    const total = await run(slow, { timeouts: { firstChunkMs: 5_000, idleMs: 5_000, totalMs: 30 } }).catch(
      (e: unknown) => e,
    );
    expect(total).toMatchObject({ name: 'ModelTimeoutError', phase: 'total', timeoutMs: 30, isRetryable: false });
    expect(slow.requests).toHaveLength(1);
  });
});
