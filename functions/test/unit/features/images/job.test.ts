// runImageJob with a scripted Gemini client (SSE bodies built here), an in-memory store and record.
import { describe, expect, it } from 'vitest';
import { GeminiHttpError, GeminiNetworkError, GeminiTimeoutError } from '../../../../src/lib/platform/gemini/errors.js';
import type { GeminiStreamRequest } from '../../../../src/lib/platform/gemini/streaming-client.js';
import type { BudgetMeter } from '../../../../src/lib/platform/budget/types.js';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import { toImageHttpError } from '../../../../src/lib/features/images/errors.js';
import {
  runImageJob,
  type ImageJobDeps,
  type ImageJobEvent,
  type ImageJobSpec,
} from '../../../../src/lib/features/images/job.js';
import type { ImageRecord } from '../../../../src/lib/features/images/metadata.js';
import { makePng } from '../../platform/image-pipeline/fixtures.js';
import { callPricer } from '../../../../src/lib/platform/pricing/pricer.js';
import { MemoryUploadTarget } from '../../platform/image-pipeline/memory-target.js';

type Part = { text?: string; thought?: boolean; inlineData?: { mimeType: string; data: string } };
type Reply = { events: object[]; stallAfter?: number } | { httpError: number } | { reject: unknown };

const sse = (event: object): string => `data: ${JSON.stringify(event)}\r\n\r\n`;
const content = (parts: Part[], finishReason?: string) => ({
  candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }],
  usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 10, totalTokenCount: 15 },
});
const image = (bytes: Buffer, thought = false): Part => ({
  inlineData: { mimeType: 'image/png', data: bytes.toString('base64') },
  ...(thought ? { thought: true } : {}),
});

class Harness {
  readonly target = new MemoryUploadTarget();
  readonly removed: string[] = [];
  readonly records = new Map<string, ImageRecord>();
  readonly requests: GeminiStreamRequest[] = [];
  readonly events: ImageJobEvent[] = [];
  /** Images charged to the caller's daily budget (spec.budget). */
  readonly charged: number[] = [];
  /** Costs charged to the caller's cost budget. */
  readonly costs: Array<number | null> = [];
  readonly budget: BudgetMeter = {
    chargeImages: async (n) => void this.charged.push(n),
    chargeCost: async (usd) => void this.costs.push(usd),
    chargeTokens: () => expect.fail('image jobs charge images, not tokens'),
    canSpend: () => true,
    remaining: () => undefined,
  };
  private replies: Reply[];

  constructor(...replies: Reply[]) {
    this.replies = replies;
  }

  deps(): ImageJobDeps {
    let ids = 0;
    return {
      client: {
        fetch: async (request) => {
          this.requests.push(request);
          const reply = this.replies.shift();
          if (!reply) throw new Error('no scripted reply left');
          if ('httpError' in reply)
            throw new GeminiHttpError({ status: reply.httpError, message: 'scripted', retryAfterMs: 1 });
          if ('reject' in reply) throw reply.reject;
          return { status: 200, headers: new Headers(), body: body(reply, request.signal) };
        },
      },
      store: {
        target: this.target,
        remove: async (key) => {
          this.removed.push(key);
          this.target.objects.delete(key);
        },
      },
      metadata: { newId: () => `img-${++ids}`, save: async (id, record) => void this.records.set(id, record) },
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 5_000 },
    };
  }

  run(overrides: Partial<ImageJobSpec> = {}, signal = new AbortController().signal) {
    return runImageJob(
      {
        kind: 'generate',
        uid: 'u1',
        model: 'gemini-test-image',
        prompt: 'a red fox',
        timeoutMs: 5_000,
        maxOutputBytes: 10_000_000,
        imageSize: '1K',
        prepare: async () => ({ contents: [{ parts: [{ text: 'a red fox' }] }] }),
        budget: this.budget,
        ...overrides,
      },
      this.deps(),
      { signal, onEvent: (event) => this.events.push(event) },
    );
  }
}

async function* body(reply: Extract<Reply, { events: object[] }>, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for (const [index, event] of reply.events.entries()) {
    if (reply.stallAfter === index) {
      await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
    }
    yield Buffer.from(sse(event));
  }
}

async function httpErrorOf(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error('expected the job to fail');
  return toImageHttpError(error);
}

const png = makePng(48, 32);
const other = makePng(20, 10);

describe('runImageJob', () => {
  it('uploads the image, writes the record and reports start/text/image/done', async () => {
    const h = new Harness({
      events: [content([{ text: 'Here ' }]), content([{ text: 'you go' }]), content([image(png)], 'STOP')],
    });
    const result = await h.run();

    expect(result).toMatchObject({
      image: { id: 'img-1', width: 48, height: 32, format: 'png', contentType: 'image/png', contentLength: png.length },
      text: 'Here you go',
      model: 'gemini-test-image',
      finishReason: 'STOP',
      usage: { promptTokens: 5, outputTokens: 10, totalTokens: 15 },
    });
    const [key] = h.target.objects.keys();
    expect(key).toMatch(/^generated-images\/[0-9a-f-]+\.png$/); // no uid: a shared URL must not say who made it
    expect(h.target.objects.get(key)?.bytes.equals(png)).toBe(true);
    expect(h.records.get('img-1')).toMatchObject({
      owner: 'u1',
      kind: 'generate',
      prompt: 'a red fox',
      key,
      width: 48,
    });
    const types = h.events.map((event) => event.type);
    expect(types.filter((type) => type !== 'progress')).toEqual(['start', 'text', 'text', 'image', 'done']);
    const progress = h.events.flatMap((event) => (event.type === 'progress' ? [event.bytes] : []));
    expect(progress.length).toBeGreaterThan(0);
    expect(Math.max(...progress)).toBeLessThanOrEqual(png.length);
    expect(types.indexOf('progress')).toBeLessThan(types.indexOf('image'));
  });

  it('keys edits under edited-images', async () => {
    const h = new Harness({ events: [content([image(png)], 'STOP')] });
    await h.run({ kind: 'edit' });
    expect([...h.target.objects.keys()][0]).toMatch(/^edited-images\//);
  });

  it('keeps only the final image: thought images are skipped, extras removed', async () => {
    const h = new Harness({
      events: [content([image(other, true)]), content([image(other)]), content([image(png)], 'STOP')],
    });
    const result = await h.run();
    expect(result.image.width).toBe(48);
    expect(h.target.started).toHaveLength(2); // the thought image (flag known up front) is never uploaded
    expect(h.removed).toEqual([h.target.started[0]]);
    expect([...h.target.objects.values()].map((object) => object.bytes.length)).toEqual([png.length]);
  });

  it('answers 502 no_image with the finishReason when no image came', async () => {
    const h = new Harness({ events: [content([{ text: 'I cannot draw that' }], 'NO_IMAGE')] });
    const error = await httpErrorOf(h.run());
    expect([error.status, error.code, error.details]).toEqual([502, 'no_image', { finishReason: 'NO_IMAGE' }]);
    expect(h.records.size).toBe(0);
  });

  it('answers 422 blocked for an IMAGE_SAFETY stop and removes what was uploaded', async () => {
    const h = new Harness({ events: [content([image(png)]), content([], 'IMAGE_SAFETY')] });
    const error = await httpErrorOf(h.run());
    expect([error.status, error.code, error.details]).toEqual([422, 'blocked', { reason: 'IMAGE_SAFETY' }]);
    expect(h.target.objects.size).toBe(0);
    expect(h.records.size).toBe(0);
  });

  it('answers 422 blocked for a blocked prompt', async () => {
    const h = new Harness({ events: [{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }] });
    const error = await httpErrorOf(h.run());
    expect([error.status, error.code, error.details]).toEqual([422, 'blocked', { reason: 'PROHIBITED_CONTENT' }]);
  });

  it('retries 429/503 before any output, preparing the request (loading its images) once', async () => {
    const h = new Harness({ httpError: 429 }, { httpError: 503 }, { events: [content([image(png)], 'STOP')] });
    let prepared = 0;
    const result = await h.run({
      prepare: async () => {
        prepared++;
        return { contents: [] };
      },
    });
    expect(result.image.id).toBe('img-1');
    expect(h.requests).toHaveLength(3);
    expect(prepared).toBe(1);
    expect(new Set(h.requests.map((request) => request.request)).size).toBe(1); // the same body, sent again
  });

  it('maps exhausted retries to 503 upstream_unavailable and other statuses to 502 without retrying', async () => {
    const busy = new Harness({ httpError: 503 }, { httpError: 503 }, { httpError: 503 });
    expect((await httpErrorOf(busy.run())).code).toBe('upstream_unavailable');
    expect(busy.requests).toHaveLength(3);

    const bad = new Harness({ httpError: 400 });
    expect((await httpErrorOf(bad.run())).code).toBe('upstream_error');
    expect(bad.requests).toHaveLength(1);
  });

  it('retries what the error says is retryable (a network fault, a 502), not an unclassified error', async () => {
    const fault = new GeminiNetworkError('ECONNRESET', { cause: new TypeError('fetch failed') });
    const h = new Harness({ reject: fault }, { httpError: 502 }, { events: [content([image(png)], 'STOP')] });
    expect((await h.run()).image.id).toBe('img-1');
    expect(h.requests).toHaveLength(3);

    const bug = new Harness({ reject: new RangeError('a bug') }, { events: [content([image(png)], 'STOP')] });
    expect((await httpErrorOf(bug.run())).code).toBe('upstream_error');
    expect(bug.requests).toHaveLength(1);
  });

  it('answers 422 blocked for a text content stop too (one finish-reason list)', async () => {
    const h = new Harness({ events: [content([image(png)]), content([], 'RECITATION')] });
    const error = await httpErrorOf(h.run());
    expect([error.status, error.code, error.details]).toEqual([422, 'blocked', { reason: 'RECITATION' }]);
    expect(h.target.objects.size).toBe(0);
  });

  it('does not retry once text has been produced', async () => {
    const h = new Harness(
      { events: [content([{ text: 'Drawing…' }]), { error: { code: 503, status: 'UNAVAILABLE', message: 'x' } }] },
      { events: [content([image(png)], 'STOP')] },
    );
    expect((await httpErrorOf(h.run())).status).toBe(503);
    expect(h.requests).toHaveLength(1);
  });

  it('caps output bytes (502 output_too_large) and leaves nothing behind', async () => {
    const h = new Harness({ events: [content([image(png)], 'STOP')] });
    const error = await httpErrorOf(h.run({ maxOutputBytes: 100 }));
    expect([error.status, error.code]).toEqual([502, 'output_too_large']);
    expect(h.target.objects.size).toBe(0);
    expect(h.target.inFlight.size).toBe(0);
  });

  it('times out with 504 upstream_timeout, aborting the Gemini request', async () => {
    const h = new Harness({ events: [content([{ text: 'hm' }]), content([image(png)], 'STOP')], stallAfter: 1 });
    const error = await httpErrorOf(h.run({ timeoutMs: 100 }));
    expect([error.status, error.code]).toEqual([504, 'upstream_timeout']);
    expect(error.cause).toBeInstanceOf(GeminiTimeoutError);
    expect(error.cause).toMatchObject({ phase: 'total', timeoutMs: 100 });
    expect(h.requests[0].signal?.aborted).toBe(true);
  });

  it('on client abort rethrows the abort reason, writes no record and keeps no object', async () => {
    const h = new Harness({ events: [content([image(other)]), content([image(png)], 'STOP')], stallAfter: 1 });
    const controller = new AbortController();
    const running = h.run({}, controller.signal);
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(running).rejects.toThrow('client went away');
    expect(h.records.size).toBe(0);
    expect(h.target.objects.size).toBe(0);
    expect(h.requests[0].signal?.aborted).toBe(true);
  });

  it('a bad input image fails before start (so it can still be a plain HTTP error)', async () => {
    const h = new Harness();
    const refusal = new HttpError(400, 'source_not_allowed', 'no');
    await expect(h.run({ prepare: () => Promise.reject(refusal) })).rejects.toBe(refusal);
    expect(h.events).toEqual([]);
  });

  describe('daily image budget', () => {
    it('charges one image for a job that delivered its image', async () => {
      const h = new Harness({ events: [content([image(png)], 'STOP')] });
      await h.run();
      expect(h.charged).toEqual([1]);
    });

    it('prices the call from its usage: image tokens apart, on the result, the record and the cost budget', async () => {
      const priced = {
        ...content([image(png)], 'STOP'),
        usageMetadata: {
          promptTokenCount: 20,
          candidatesTokenCount: 1120 + 10,
          thoughtsTokenCount: 200,
          totalTokenCount: 1350,
          candidatesTokensDetails: [
            { modality: 'TEXT', tokenCount: 10 },
            { modality: 'IMAGE', tokenCount: 1120 },
          ],
        },
      };
      const h = new Harness({ events: [priced] });
      const pricer = callPricer({ 'gemini-test-image': [{ input: 0.25, output: 1.5, imageOutput: 60 }] });
      const result = await h.run({ pricer });
      // 20 x 0.25 + (10 + 200) x 1.5 + 1120 x 60 micro-USD
      expect(result.costUsd).toBe(0.06752);
      expect(h.records.get('img-1')?.costUsd).toBe(0.06752);
      expect(h.costs).toEqual([0.06752]);
      const unpriced = await new Harness({ events: [priced] }).run({ pricer: callPricer({}) });
      expect(unpriced.costUsd).toBeNull(); // a model with no price: unknown, not free
    });

    it('charges an image cut off before its usage arrived at its size’s list price', async () => {
      const h = new Harness({ events: [content([image(other)]), content([image(png)], 'STOP')], stallAfter: 1 });
      const pricer = callPricer({ 'gemini-test-image': [{ input: 0.25, output: 1.5, image: { '2K': 0.101 } }] });
      const controller = new AbortController();
      const running = h.run({ pricer, imageSize: '2K' }, controller.signal);
      setTimeout(() => controller.abort(new Error('client went away')), 50);
      await expect(running).rejects.toThrow('client went away');
      expect(h.costs).toEqual([0.101]);
    });

    it('charges one image when the client left after Gemini began sending image output', async () => {
      const h = new Harness({ events: [content([image(other)]), content([image(png)], 'STOP')], stallAfter: 1 });
      const controller = new AbortController();
      const running = h.run({}, controller.signal);
      setTimeout(() => controller.abort(new Error('client went away')), 50);
      await expect(running).rejects.toThrow('client went away');
      expect(h.charged).toEqual([1]);
    });

    it('charges nothing when the job failed before any image output (refunded by the request layer)', async () => {
      const h = new Harness({ httpError: 400 });
      await expect(h.run()).rejects.toBeInstanceOf(GeminiHttpError);
      const stalled = new Harness({ events: [content([{ text: 'thinking' }])], stallAfter: 0 });
      const controller = new AbortController();
      const running = stalled.run({}, controller.signal);
      setTimeout(() => controller.abort(new Error('client went away')), 50);
      await expect(running).rejects.toThrow('client went away');
      expect([...h.charged, ...stalled.charged]).toEqual([]);
    });

    it('charges one image, not one per attempt, when a retry preceded the image', async () => {
      const h = new Harness({ httpError: 503 }, { events: [content([image(png)], 'STOP')] });
      await h.run();
      expect(h.requests).toHaveLength(2);
      expect(h.charged).toEqual([1]);
    });
  });
});
