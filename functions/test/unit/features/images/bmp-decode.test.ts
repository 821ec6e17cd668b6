// decodeBmp on BMPs as tools write them: 24-bit bottom-up, 32-bit top-down with alpha masks, 8-bit
// and 1-bit palettes; refusals for what it does not read.
import { describe, expect, it } from 'vitest';
import { type BmpError, decodeBmp } from '../../../../src/lib/features/images/bmp-decode.js';
import { BLUE, RED, makeBmp } from './photo-fixtures.js';

function header(
  width: number,
  height: number,
  bitCount: number,
  extra: { compression?: number; colors?: number; headerSize?: number } = {},
) {
  const headerSize = extra.headerSize ?? 40;
  const bmp = Buffer.alloc(14 + headerSize);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(14 + headerSize, 10);
  bmp.writeUInt32LE(headerSize, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(bitCount, 28);
  bmp.writeUInt32LE(extra.compression ?? 0, 30);
  bmp.writeUInt32LE(extra.colors ?? 0, 46);
  return bmp;
}

function withData(head: Buffer, ...parts: Buffer[]): Buffer {
  const bmp = Buffer.concat([head, ...parts]);
  bmp.writeUInt32LE(bmp.length - parts.at(-1)!.length, 10); // pixel data is the last part
  return bmp;
}

const pixel = (image: ReturnType<typeof decodeBmp>, x: number, y: number) => {
  const at = (y * image.width + x) * image.channels;
  return [...image.pixels.subarray(at, at + image.channels)];
};

describe('decodeBmp', () => {
  it('reads a 24-bit bottom-up BMP with padded rows', () => {
    const image = decodeBmp(makeBmp(5, 3)); // 15 bytes a row, padded to 16
    expect([image.width, image.height, image.channels]).toEqual([5, 3, 3]);
    expect(pixel(image, 0, 0)).toEqual([...RED]);
    expect(pixel(image, 4, 2)).toEqual([...BLUE]);
  });

  it('reads a 32-bit top-down BMP with BI_BITFIELDS masks and alpha (V5 header)', () => {
    const head = header(2, -1, 32, { compression: 3, headerSize: 124 });
    head.writeUInt32LE(0x00ff0000, 54); // red
    head.writeUInt32LE(0x0000ff00, 58); // green
    head.writeUInt32LE(0x000000ff, 62); // blue
    head.writeUInt32LE(0xff000000, 66); // alpha
    const data = Buffer.from([0x03, 0x02, 0x01, 0x80, 0x06, 0x05, 0x04, 0xff]); // BGRA, BGRA
    const image = decodeBmp(withData(head, data));
    expect(image.channels).toBe(4);
    expect(pixel(image, 0, 0)).toEqual([1, 2, 3, 0x80]);
    expect(pixel(image, 1, 0)).toEqual([4, 5, 6, 0xff]);
  });

  it('reads 8-bit and 1-bit palettes', () => {
    const palette = Buffer.from([0, 0, 255, 0, 255, 0, 0, 0]); // index 0 red, 1 blue (BGRX)
    const eight = decodeBmp(withData(header(2, 1, 8, { colors: 2 }), palette, Buffer.from([1, 0, 0, 0])));
    expect([pixel(eight, 0, 0), pixel(eight, 1, 0)]).toEqual([
      [0, 0, 255],
      [255, 0, 0],
    ]);
    const one = decodeBmp(withData(header(3, 1, 1, { colors: 2 }), palette, Buffer.from([0b10100000, 0, 0, 0])));
    expect([pixel(one, 0, 0), pixel(one, 1, 0), pixel(one, 2, 0)]).toEqual([
      [0, 0, 255],
      [255, 0, 0],
      [0, 0, 255],
    ]);
  });

  it('refuses what it does not read (marked unsupported) and what is broken', () => {
    const failure = (bytes: Buffer): BmpError => {
      try {
        decodeBmp(bytes);
      } catch (error) {
        return error as BmpError;
      }
      throw new Error('decoded');
    };
    expect(failure(withData(header(2, 2, 8, { compression: 1 }), Buffer.alloc(8)))).toMatchObject({
      unsupported: true,
    });
    expect(failure(withData(header(2, 2, 16), Buffer.alloc(8)))).toMatchObject({ unsupported: true });
    expect(failure(makeBmp(10, 10).subarray(0, 100))).toMatchObject({ unsupported: false });
    const outOfPalette = withData(header(1, 1, 8, { colors: 1 }), Buffer.alloc(4), Buffer.from([5, 0, 0, 0]));
    expect(failure(outOfPalette).message).toMatch(/palette/);
  });
});
