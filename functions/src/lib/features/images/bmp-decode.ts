// BMP to raw pixels, for input-normalize.ts: the prebuilt libvips has no BMP loader. Covers what
// Windows, browsers and screenshot tools write: uncompressed 1/4/8-bit (palette), 24-bit and 32-bit
// (BI_RGB, or BI_BITFIELDS with byte-aligned masks), bottom-up or top-down rows. RLE-compressed and
// other rare variants are refused. Every offset and size is checked against the file before use, and
// the pixel limit against the header before anything is allocated.

export interface DecodedBmp {
  width: number;
  height: number;
  channels: 3 | 4;
  /** Top-down rows, `channels` bytes per pixel. */
  pixels: Buffer;
}

export class BmpError extends Error {
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'BmpError';
  }
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;

/** Width and height from the header, for the pixel limit (no decoding). */
export function bmpSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 26) throw new BmpError('too short for a BMP header');
  const headerSize = bytes.readUInt32LE(14);
  if (headerSize < 40 || 14 + headerSize > bytes.length) throw new BmpError('unsupported BMP header', true);
  return { width: bytes.readInt32LE(18), height: Math.abs(bytes.readInt32LE(22)) };
}

export function decodeBmp(bytes: Buffer): DecodedBmp {
  const { width, height } = bmpSize(bytes);
  const headerSize = bytes.readUInt32LE(14);
  const topDown = bytes.readInt32LE(22) < 0;
  const bitCount = bytes.readUInt16LE(28);
  const compression = bytes.readUInt32LE(30);
  const dataOffset = bytes.readUInt32LE(10);
  if (width <= 0 || height <= 0) throw new BmpError('a BMP without pixels');
  if (![1, 4, 8, 24, 32].includes(bitCount)) throw new BmpError(`${bitCount}-bit BMP`, true);
  const masks = channelMasks(bytes, headerSize, bitCount, compression);
  const rowBytes = Math.ceil((width * bitCount) / 32) * 4;
  if (dataOffset + rowBytes * height > bytes.length) throw new BmpError('the pixel data runs past the file');
  const palette = bitCount <= 8 ? readPalette(bytes, headerSize, bitCount) : undefined;
  const channels = masks?.alpha ? 4 : 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * channels;
      if (palette) {
        const index = paletteIndex(bytes, row, x, bitCount);
        if (index * 4 + 2 >= palette.length) throw new BmpError('a pixel names a colour the palette lacks');
        pixels[out] = palette[index * 4 + 2];
        pixels[out + 1] = palette[index * 4 + 1];
        pixels[out + 2] = palette[index * 4];
      } else if (bitCount === 24) {
        const at = row + x * 3;
        pixels[out] = bytes[at + 2];
        pixels[out + 1] = bytes[at + 1];
        pixels[out + 2] = bytes[at];
      } else {
        const value = bytes.readUInt32LE(row + x * 4);
        pixels[out] = (value >>> masks!.red) & 0xff;
        pixels[out + 1] = (value >>> masks!.green) & 0xff;
        pixels[out + 2] = (value >>> masks!.blue) & 0xff;
        if (channels === 4) pixels[out + 3] = (value >>> masks!.alpha!) & 0xff;
      }
    }
  }
  return { width, height, channels, pixels };
}

interface Masks {
  /** Bit shifts of each 8-bit channel in a 32-bit pixel. */
  red: number;
  green: number;
  blue: number;
  alpha?: number;
}

function channelMasks(bytes: Buffer, headerSize: number, bitCount: number, compression: number): Masks | undefined {
  if (bitCount !== 32) {
    if (compression !== BI_RGB) throw new BmpError('compressed BMP', true);
    return undefined;
  }
  if (compression === BI_RGB) return { red: 16, green: 8, blue: 0 }; // BGRX, the X byte unused
  if (compression !== BI_BITFIELDS) throw new BmpError('compressed BMP', true);
  // Masks follow a 40-byte header, or sit inside a V4/V5 header at the same place.
  const at = 14 + 40;
  if (at + 12 > bytes.length) throw new BmpError('the colour masks run past the file');
  const alphaMask = headerSize >= 56 && at + 16 <= bytes.length ? bytes.readUInt32LE(at + 12) : 0;
  return {
    red: shiftOf(bytes.readUInt32LE(at)),
    green: shiftOf(bytes.readUInt32LE(at + 4)),
    blue: shiftOf(bytes.readUInt32LE(at + 8)),
    ...(alphaMask ? { alpha: shiftOf(alphaMask) } : {}),
  };
}

/** The shift of a byte-aligned 8-bit mask (0xff << 8n); anything else is a variant we do not read. */
function shiftOf(mask: number): number {
  for (const shift of [0, 8, 16, 24]) if (mask >>> 0 === (0xff << shift) >>> 0) return shift;
  throw new BmpError('BMP colour masks that are not whole bytes', true);
}

function readPalette(bytes: Buffer, headerSize: number, bitCount: number): Buffer {
  const start = 14 + headerSize;
  const declared = bytes.readUInt32LE(46);
  const entries = declared > 0 ? Math.min(declared, 1 << bitCount) : 1 << bitCount;
  if (start + entries * 4 > bytes.length) throw new BmpError('the palette runs past the file');
  return bytes.subarray(start, start + entries * 4);
}

function paletteIndex(bytes: Buffer, row: number, x: number, bitCount: number): number {
  if (bitCount === 8) return bytes[row + x];
  const perByte = 8 / bitCount;
  const byte = bytes[row + Math.floor(x / perByte)];
  const shift = 8 - bitCount * ((x % perByte) + 1);
  return (byte >> shift) & ((1 << bitCount) - 1);
}
