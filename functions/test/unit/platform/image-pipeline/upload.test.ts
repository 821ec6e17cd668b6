import { describe, expect, it } from 'vitest';
import type { GeminiStreamEvent } from '../../../../src/lib/platform/gemini/types.js';
import type { AfterUploadEvent, ImageBlock } from '../../../../src/lib/platform/image-pipeline/image-block.js';
import { Base64DecodeError } from '../../../../src/lib/platform/image-pipeline/base64-decode.js';
import { ImageProbeError } from '../../../../src/lib/platform/image-pipeline/dimension-probe.js';
import {
  ImageStreamError,
  ImageTooLargeError,
  uploadImageChunks,
} from '../../../../src/lib/platform/image-pipeline/upload.js';
import { gate, makeJpeg, makePng } from './fixtures.js';
import { MemoryUploadTarget } from './memory-target.js';

/** An event source that records whether it was closed (its finally ran). */
function source(steps: Array<GeminiStreamEvent | (() => Promise<void>) | Error>) {
  const state = { closed: false, pulled: 0 };
  async function* run(): AsyncGenerator<GeminiStreamEvent> {
    try {
      for (const step of steps) {
        if (step instanceof Error) throw step;
        if (typeof step === 'function') await step();
        else {
          state.pulled++;
          yield step;
        }
      }
    } finally {
      state.closed = true;
    }
  }
  return { events: run(), state };
}

function imageEvents(bytes: Buffer, mimeType: string, sliceChars = 1000): GeminiStreamEvent[] {
  const base64 = bytes.toString('base64');
  const events: GeminiStreamEvent[] = [{ type: 'image-start', mimeType }];
  for (let i = 0; i < base64.length; i += sliceChars)
    events.push({ type: 'image-delta', data: base64.slice(i, i + sliceChars) });
  return events;
}

async function collect(events: AsyncIterable<AfterUploadEvent>): Promise<AfterUploadEvent[]> {
  const out: AfterUploadEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const done: GeminiStreamEvent = { type: 'done', finishReason: 'STOP' };

describe('uploadImageChunks', () => {
  it('uploads an image and passes the other events through in order', async () => {
    const png = makePng(64, 48, { noise: true });
    const target = new MemoryUploadTarget();
    const { events, state } = source([
      { type: 'text-delta', text: 'Here ' },
      ...imageEvents(png, 'image/png', 333),
      { type: 'text-delta', text: 'you go' },
      done,
    ]);
    const out = await collect(uploadImageChunks(events, { target, keyPrefix: 'ws1/generated/' }));

    expect(out.map((event) => event.type)).toEqual(['text-delta', 'image', 'text-delta', 'done']);
    const image = out[1] as ImageBlock;
    expect(image).toMatchObject({
      type: 'image',
      width: 64,
      height: 48,
      format: 'png',
      contentType: 'image/png',
      contentLength: png.length,
      bucket: 'test-bucket',
    });
    expect(image.key).toMatch(/^ws1\/generated\/[0-9a-f-]{36}\.png$/);
    expect(image.url).toBe(`memory://test-bucket/${image.key}`);
    const stored = target.objects.get(image.key);
    expect(stored?.bytes.equals(png)).toBe(true);
    expect(stored?.contentType).toBe('image/png');
    expect(state.closed).toBe(true);
  });

  it('handles several images, back to back and at the very end', async () => {
    const first = makePng(10, 20);
    const second = makeJpeg(300, 100, { trailingBytes: 5000 });
    const third = makePng(7, 7);
    const target = new MemoryUploadTarget();
    const { events } = source([
      ...imageEvents(first, 'image/png', 64),
      ...imageEvents(second, 'image/jpeg', 1001),
      { type: 'text-delta', text: 'and one more' },
      ...imageEvents(third, 'image/png', 4),
    ]);
    const out = await collect(uploadImageChunks(events, { target, keyPrefix: 'p' }));

    expect(out.map((event) => event.type)).toEqual(['image', 'image', 'text-delta', 'image']);
    const images = out.filter((event): event is ImageBlock => event.type === 'image');
    expect(images.map(({ width, height, format }) => [width, height, format])).toEqual([
      [10, 20, 'png'],
      [300, 100, 'jpg'],
      [7, 7, 'png'],
    ]);
    expect(images[1].key).toMatch(/\.jpg$/);
    expect(new Set(images.map((image) => image.key)).size).toBe(3);
    [first, second, third].forEach((bytes, i) =>
      expect(target.objects.get(images[i].key)?.bytes.equals(bytes)).toBe(true),
    );
  });

  it('reports progress in decoded bytes', async () => {
    const png = makePng(40, 40, { noise: true });
    const progress: number[] = [];
    const { events } = source(imageEvents(png, 'image/png', 400));
    const [image] = await collect(
      uploadImageChunks(events, {
        target: new MemoryUploadTarget(),
        keyPrefix: 'p',
        onProgress: (bytes) => progress.push(bytes),
      }),
    );
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe((image as ImageBlock).contentLength);
  });

  describe('failures abort the upload and propagate', () => {
    async function expectFailure(
      steps: Parameters<typeof source>[0],
      error: unknown,
      options: { maxBytes?: number; target?: MemoryUploadTarget } = {},
    ) {
      const target = options.target ?? new MemoryUploadTarget();
      const { events, state } = source(steps);
      const seen: string[] = [];
      const run = (async () => {
        for await (const event of uploadImageChunks(events, { target, keyPrefix: 'p', maxBytes: options.maxBytes })) {
          seen.push(event.type);
        }
      })();
      await expect(run).rejects.toBeInstanceOf(error);
      expect(target.objects.size).toBe(0);
      expect(target.inFlight.size).toBe(0);
      expect(target.aborted).toEqual(target.started);
      expect(state.closed).toBe(true);
      return { seen, target };
    }
    const png = makePng(200, 200, { noise: true });
    const [start, ...deltas] = imageEvents(png, 'image/png', 5000);

    it('on invalid base64', async () => {
      const { target } = await expectFailure(
        [
          { type: 'text-delta', text: 'x' },
          start,
          ...deltas.slice(0, 5),
          { type: 'image-delta', data: 'not*base64' },
          ...deltas.slice(5),
        ],
        Base64DecodeError,
      );
      expect(target.started).toHaveLength(1);
    });

    it('on bytes that are no image', async () => {
      const garbage = Buffer.alloc(300 * 1024, 0x41).toString('base64');
      await expectFailure([start, { type: 'image-delta', data: garbage }, done], ImageProbeError);
    });

    it('on an upstream error thrown by the source iterator', async () => {
      const upstream = class UpstreamError extends Error {};
      await expectFailure([start, ...deltas.slice(0, 3), new upstream('connection reset')], upstream);
    });

    it('on the byte cap', async () => {
      await expectFailure([start, ...deltas, done], ImageTooLargeError, { maxBytes: 50_000 });
    });

    it('on a target failure', async () => {
      const target = new MemoryUploadTarget({ failAfterBytes: 10_000 });
      await expectFailure([start, ...deltas, done], Error, { target });
    });

    it('on an image-delta without image-start', async () => {
      const { seen } = await expectFailure([{ type: 'text-delta', text: 'x' }, deltas[0]], ImageStreamError);
      expect(seen).toEqual(['text-delta']);
    });
  });

  it('cancels an upload in flight when the consumer calls return()', async () => {
    const png = makePng(100, 100, { noise: true });
    const [start, ...deltas] = imageEvents(png, 'image/png', 4000);
    const midway = gate();
    const never = new Promise<void>(() => undefined);
    const target = new MemoryUploadTarget();
    const { events, state } = source([
      start,
      ...deltas.slice(0, 3),
      async () => {
        midway.open();
        await never; // the upstream stalls mid-image
      },
    ]);
    const uploads = uploadImageChunks(events, { target, keyPrefix: 'p' });
    const pending = uploads.next();
    await midway.opened;
    await expect(uploads.return(undefined)).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(target.aborted).toHaveLength(1);
    expect(target.objects.size).toBe(0);
    expect(target.inFlight.size).toBe(0);
    expect(state.pulled).toBe(4);
  });

  it('stops when the consumer breaks between events, without starting an upload', async () => {
    const target = new MemoryUploadTarget();
    const { events, state } = source([
      { type: 'text-delta', text: 'a' },
      ...imageEvents(makePng(5, 5), 'image/png'),
      done,
    ]);
    for await (const event of uploadImageChunks(events, { target, keyPrefix: 'p' })) {
      expect(event.type).toBe('text-delta');
      break;
    }
    expect(state.closed).toBe(true);
    expect(target.started).toEqual([]);
  });

  it('aborts the upload when the caller signal fires, with its reason', async () => {
    const png = makePng(100, 100, { noise: true });
    const [start, ...deltas] = imageEvents(png, 'image/png', 4000);
    const controller = new AbortController();
    const target = new MemoryUploadTarget();
    const { events } = source([
      start,
      deltas[0],
      async () => controller.abort(new Error('request timed out')),
      ...deltas.slice(1),
    ]);
    await expect(
      collect(uploadImageChunks(events, { target, keyPrefix: 'p', signal: controller.signal })),
    ).rejects.toThrow('request timed out');
    expect(target.aborted).toHaveLength(1);
    expect(target.objects.size).toBe(0);
  });
});
