// The JPEG walk that finds a frame header past any amount of metadata: real JPEGs from sharp (baseline
// and progressive) with large APPn segments spliced in before the frame, fed whole, byte by byte and in
// odd pieces; the markers that stand alone and fill bytes; and every way the bytes can fail to be one.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JpegFrameScanner, type JpegFrameSize } from '../../../../src/lib/platform/image-pipeline/jpeg-frame-scan.js';
import { inPieces, makeJpeg } from './fixtures.js';

/** A segment with marker `code` and `payload` (at most 65533 bytes). */
function segment(code: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, code, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** `jpeg` with `bytes` of APP11 segments (where JPEG keeps C2PA content credentials) after its SOI. */
function withMetadata(jpeg: Buffer, bytes: number): Buffer {
  const segments: Buffer[] = [];
  for (let left = bytes; left > 0; left -= 60_000)
    segments.push(segment(0xeb, Buffer.alloc(Math.min(left, 60_000), 0x4a)));
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

async function scan(bytes: Buffer, pieceSize: number): Promise<JpegFrameSize | Error> {
  const scanner = new JpegFrameScanner();
  for await (const piece of inPieces(bytes, pieceSize)) {
    const result = scanner.push(piece);
    if (result) return result;
  }
  return scanner.end();
}

describe('JpegFrameScanner', () => {
  it('finds the frame header of real JPEGs behind 300 KB of metadata, however the bytes arrive', async () => {
    const pixels = sharp({ create: { width: 1203, height: 797, channels: 3, background: '#3a7' } });
    const baseline = await pixels.clone().jpeg().toBuffer();
    const progressive = await pixels.clone().jpeg({ progressive: true }).toBuffer();
    for (const jpeg of [baseline, progressive]) {
      const big = withMetadata(jpeg, 300_000);
      expect(await sharp(big).metadata()).toMatchObject({ width: 1203, height: 797 }); // still a valid JPEG
      for (const pieceSize of [1, 1000, 65_536, big.length]) {
        expect(await scan(big, pieceSize)).toEqual({ width: 1203, height: 797 });
      }
    }
  });

  it('steps over fill bytes and markers that stand alone', async () => {
    const jpeg = makeJpeg(640, 480);
    const odd = Buffer.concat([
      jpeg.subarray(0, 2),
      Buffer.from([0xff, 0xff, 0xff, 0x01, 0xff, 0xd0]),
      jpeg.subarray(2),
    ]);
    expect(await scan(odd, 3)).toEqual({ width: 640, height: 480 });
  });

  it('answers once: the size stays the answer for later bytes', () => {
    const scanner = new JpegFrameScanner();
    expect(scanner.push(makeJpeg(8, 9))).toEqual({ width: 8, height: 9 });
    expect(scanner.push(Buffer.from('anything'))).toEqual({ width: 8, height: 9 });
    expect(scanner.end()).toEqual({ width: 8, height: 9 });
  });

  it.each([
    ['bytes that are no JPEG', Buffer.from('GIF89a..........'), /not a JPEG/],
    ['a segment not starting with 0xFF', Buffer.from([0xff, 0xd8, 0x00]), /does not start with 0xFF/],
    [
      'scan data before any frame header',
      Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xda, Buffer.alloc(8))]),
      /before the image data/,
    ],
    ['the end of the image before a frame header', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), /before the image data/],
    ['a segment length below 2', Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01]), /length is below 2/],
    [
      'a frame header too short to hold a size',
      Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xc0, Buffer.alloc(3))]),
      /too short/,
    ],
    [
      'a frame header whose height waits for a DNL',
      Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xc2, Buffer.from([8, 0, 0, 1, 0, 1, 1, 0x11, 0]))]),
      /without a size/,
    ],
  ])('refuses %s', (_name, bytes, message) => {
    const result = new JpegFrameScanner().push(bytes);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(message);
  });

  it('says so when the bytes end inside the metadata', async () => {
    const cut = withMetadata(makeJpeg(64, 64), 100_000).subarray(0, 70_000);
    const result = await scan(cut, 4096);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/ended before its frame header/);
  });
});
