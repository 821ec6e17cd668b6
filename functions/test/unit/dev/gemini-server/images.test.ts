import { inflateSync } from 'node:zlib';
import { imageSize } from 'image-size';
import { describe, expect, it } from 'vitest';
import { dimensionsForAspectRatio, generateImage } from '../../../../dev/gemini-server/images.js';
import { makeJpeg } from '../../../../dev/gemini-server/jpeg.js';
import { makePng } from '../../../../dev/gemini-server/png.js';

/** Walks the PNG chunks, checking every CRC with an independent implementation. */
function pngChunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer): number => {
    let c = 0xffffffff;
    for (const byte of bytes) c = table[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunks = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc(typeAndData));
    chunks.push({ type: typeAndData.toString('latin1', 0, 4), data: typeAndData.subarray(4) });
    at += 12 + length;
  }
  return chunks;
}

function idatScanlines(png: Buffer): Buffer {
  return inflateSync(
    Buffer.concat(
      pngChunks(png)
        .filter((c) => c.type === 'IDAT')
        .map((c) => c.data),
    ),
  );
}

describe('makePng', () => {
  it('encodes a gradient image with the requested dimensions and valid chunks', () => {
    const { bytes, width, height } = makePng({ width: 30, height: 20 });
    expect([width, height]).toEqual([30, 20]);
    expect(pngChunks(bytes).map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    expect(idatScanlines(bytes).length).toBe(20 * (1 + 3 * 30));
    expect(imageSize(bytes)).toMatchObject({ type: 'png', width: 30, height: 20 });
  });

  it.each([300, 4_096, 65_600, 1_000_003])('pads a noise image to exactly %i bytes', (target) => {
    const { bytes, width, height } = makePng({ targetBytes: target, seed: 1 });
    expect(bytes.length).toBe(target);
    expect(idatScanlines(bytes).length).toBe(height * (1 + 3 * width));
    expect(imageSize(bytes)).toMatchObject({ width, height });
  });

  it('varies the pixels with the seed', () => {
    const a = idatScanlines(makePng({ targetBytes: 5_000, seed: 1 }).bytes);
    const b = idatScanlines(makePng({ targetBytes: 5_000, seed: 2 }).bytes);
    expect(a.length).toBe(b.length);
    expect(a.equals(b)).toBe(false);
  });
});

describe('makeJpeg', () => {
  it('writes a baseline JPEG whose frame header carries the size, padded to an exact byte count', () => {
    const small = makeJpeg({ width: 100, height: 37 });
    expect(imageSize(small.bytes)).toMatchObject({ type: 'jpg', width: 100, height: 37 });
    expect([small.bytes[0], small.bytes[1], small.bytes.at(-2), small.bytes.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    for (const target of [1_000, 65_541, 200_000]) {
      const padded = makeJpeg({ width: 100, height: 37, targetBytes: target });
      expect(padded.bytes.length).toBe(target);
      expect(imageSize(padded.bytes)).toMatchObject({ width: 100, height: 37 });
    }
  });
});

describe('generateImage', () => {
  it('caches by spec and returns the same base64 buffer', () => {
    const spec = { mimeType: 'image/png', imageBytes: 123_456, seed: 9 };
    const first = generateImage(spec);
    expect(generateImage({ ...spec })).toBe(first);
    expect(Buffer.from(first.base64.toString('latin1'), 'base64').length).toBe(123_456);
    expect(first.bytes).toBe(123_456);
  });
});

describe('dimensionsForAspectRatio', () => {
  it('keeps the short side and scales the long side', () => {
    expect(dimensionsForAspectRatio('16:9', 64)).toEqual({ width: 114, height: 64 });
    expect(dimensionsForAspectRatio('2:3', 64)).toEqual({ width: 64, height: 96 });
    expect(dimensionsForAspectRatio(undefined, 64)).toEqual({ width: 64, height: 64 });
    expect(dimensionsForAspectRatio('wide', 64)).toBeUndefined();
  });
});
