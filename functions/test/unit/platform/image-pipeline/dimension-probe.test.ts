import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ImageProbeError, createDimensionProbe } from '../../../../src/lib/platform/image-pipeline/dimension-probe.js';
import { gate, inPieces, makeGif, makeJpeg, makePng, makeWebp } from './fixtures.js';

async function drain(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return Buffer.concat(out);
}

/** Settles to 'pending' if `promise` has not settled after a few macrotask turns. */
async function state(promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
  let result: 'resolved' | 'rejected' | 'pending' = 'pending';
  promise.then(
    () => (result = 'resolved'),
    () => (result = 'rejected'),
  );
  await new Promise((resolve) => setTimeout(resolve, 5));
  return result;
}

describe('createDimensionProbe', () => {
  const cases = [
    { name: 'PNG', bytes: makePng(300, 200), format: 'png', width: 300, height: 200 },
    { name: 'JPEG', bytes: makeJpeg(640, 480), format: 'jpg', width: 640, height: 480 },
    { name: 'WEBP', bytes: makeWebp(1024, 768), format: 'webp', width: 1024, height: 768 },
    { name: 'GIF', bytes: makeGif(17, 9), format: 'gif', width: 17, height: 9 },
  ];
  for (const { name, bytes, format, width, height } of cases) {
    it(`finds ${name} dimensions and passes every byte through`, async () => {
      for (const pieceSize of [1, 7, 4096]) {
        const probe = createDimensionProbe();
        const passed = await drain(probe.transform(inPieces(bytes, pieceSize)));
        expect(passed.equals(bytes)).toBe(true);
        await expect(probe.dimensions).resolves.toEqual({ width, height, format });
      }
    });
  }

  it('resolves as soon as the prefix suffices, before the stream ends', async () => {
    const png = makePng(512, 384, { noise: true });
    const hold = gate();
    async function* source(): AsyncGenerator<Buffer> {
      yield png.subarray(0, 4096);
      await hold.opened; // the rest of the image has not "arrived" yet
      yield png.subarray(4096);
    }
    const probe = createDimensionProbe();
    const passed = drain(probe.transform(source()));
    await expect(probe.dimensions).resolves.toEqual({ width: 512, height: 384, format: 'png' });
    hold.open();
    expect((await passed).equals(png)).toBe(true);
  });

  it('keeps trying as the prefix grows (JPEG frame header after a large segment)', async () => {
    const jpeg = makeJpeg(1920, 1080, { commentBytes: 100_000 });
    const probe = createDimensionProbe();
    await drain(probe.transform(inPieces(jpeg, 1000)));
    await expect(probe.dimensions).resolves.toEqual({ width: 1920, height: 1080, format: 'jpg' });
  });

  it('falls back to a final attempt at the end for images smaller than the first probe point', async () => {
    const gif = makeGif(3, 4); // 14 bytes: below the first scheduled attempt
    const hold = gate();
    async function* source(): AsyncGenerator<Buffer> {
      yield gif;
      await hold.opened;
    }
    const probe = createDimensionProbe();
    const passed = drain(probe.transform(source()));
    expect(await state(probe.dimensions)).toBe('pending');
    hold.open();
    await passed;
    await expect(probe.dimensions).resolves.toEqual({ width: 3, height: 4, format: 'gif' });
  });

  it('rejects bytes that are no image, at the end of a short stream', async () => {
    const probe = createDimensionProbe();
    const text = Buffer.from('definitely not an image, just some text '.repeat(20));
    expect((await drain(probe.transform(inPieces(text, 100)))).equals(text)).toBe(true);
    await expect(probe.dimensions).rejects.toBeInstanceOf(ImageProbeError);
  });

  it('rejects as soon as a full prefix says nothing, without waiting for the end', async () => {
    const hold = gate();
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(2048, 0x41);
      await hold.opened;
    }
    const probe = createDimensionProbe({ maxProbeBytes: 1024 });
    const passed = drain(probe.transform(source()));
    await expect(probe.dimensions).rejects.toThrow(/first 1024 bytes/);
    hold.open();
    await passed;
  });

  it('finds a JPEG frame header past maxProbeBytes by walking the segments on, as soon as it passes', async () => {
    const jpeg = makeJpeg(800, 600, { commentBytes: 300_000 });
    for (const pieceSize of [1, 4096, jpeg.length]) {
      const probe = createDimensionProbe({ maxProbeBytes: 16 * 1024 });
      const passed = await drain(probe.transform(inPieces(jpeg, pieceSize)));
      expect(passed.equals(jpeg)).toBe(true);
      await expect(probe.dimensions).resolves.toEqual({ width: 800, height: 600, format: 'jpg' });
    }
    const hold = gate();
    const frameEnd = jpeg.length - 64 - 2; // the fixture's frame header, then entropy bytes and EOI
    async function* source(): AsyncGenerator<Buffer> {
      yield* inPieces(jpeg.subarray(0, frameEnd), 5000);
      await hold.opened;
      yield jpeg.subarray(frameEnd);
    }
    const probe = createDimensionProbe({ maxProbeBytes: 16 * 1024 });
    const passed = drain(probe.transform(source()));
    await expect(probe.dimensions).resolves.toEqual({ width: 800, height: 600, format: 'jpg' });
    hold.open();
    await passed;
  });

  it('rejects a JPEG past maxProbeBytes whose walk meets image data, or the end, before a frame header', async () => {
    const jpeg = makeJpeg(800, 600, { commentBytes: 40_000 });
    const beforeFrame = 2 + 18 + 4 + 40_000; // SOI, APP0, the comment segment
    const scanFirst = Buffer.concat([jpeg.subarray(0, beforeFrame), Buffer.from([0xff, 0xda, 0, 2])]);
    const early = createDimensionProbe({ maxProbeBytes: 16 * 1024 });
    await drain(early.transform(inPieces(scanFirst, 4096)));
    await expect(early.dimensions).rejects.toThrow(/no JPEG frame header before the image data/);

    const cut = createDimensionProbe({ maxProbeBytes: 16 * 1024 });
    await drain(cut.transform(inPieces(jpeg.subarray(0, 30_000), 4096)));
    await expect(cut.dimensions).rejects.toThrow(/ended before its frame header/);
  });

  it('rejects an empty stream', async () => {
    const probe = createDimensionProbe();
    await drain(probe.transform(inPieces(Buffer.alloc(0), 1)));
    await expect(probe.dimensions).rejects.toThrow(/no image bytes/);
  });

  it('settles (rejects) when the upstream fails or the consumer stops early', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('GIF8');
      throw new Error('network gone');
    }
    const broken = createDimensionProbe();
    await expect(drain(broken.transform(failing()))).rejects.toThrow('network gone');
    await expect(broken.dimensions).rejects.toThrow(/ended early/);

    const abandoned = createDimensionProbe();
    for await (const chunk of abandoned.transform(inPieces(randomBytes(100), 10))) {
      expect(chunk.length).toBe(10);
      break;
    }
    await expect(abandoned.dimensions).rejects.toBeInstanceOf(ImageProbeError);
  });

  it('does not raise an unhandled rejection when nobody awaits the promise', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const probe = createDimensionProbe();
      await drain(probe.transform(inPieces(Buffer.from('garbage garbage'), 4)));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      expect(await state(probe.dimensions)).toBe('rejected'); // still observable later
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
