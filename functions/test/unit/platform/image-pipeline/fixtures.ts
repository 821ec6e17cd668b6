// Small, valid-enough images built in code (no binary fixtures in the repo).

import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/** A real RGB PNG; `noise` pixels make it incompressible, so its size is ~width*height*3. */
export function makePng(width: number, height: number, { noise = false } = {}): Buffer {
  const rowBytes = width * 3;
  const raw = noise ? randomBytes((rowBytes + 1) * height) : Buffer.alloc((rowBytes + 1) * height, 0x7f);
  for (let y = 0; y < height; y++) raw[y * (rowBytes + 1)] = 0; // filter type "None" per row
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw, { level: noise ? 0 : 6 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A baseline-JPEG marker skeleton; `commentBytes` puts a COM segment before the SOF0 frame header. */
export function makeJpeg(width: number, height: number, { commentBytes = 0, trailingBytes = 64 } = {}): Buffer {
  const segments: Buffer[] = [Buffer.from([0xff, 0xd8])];
  const app0 = Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1');
  segments.push(segment(0xe0, app0));
  let remaining = commentBytes;
  while (remaining > 0) {
    const size = Math.min(remaining, 65_000); // a segment length is 16-bit
    segments.push(segment(0xfe, Buffer.alloc(size, 0x20)));
    remaining -= size;
  }
  const sof = Buffer.from([8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  segments.push(segment(0xc0, sof));
  segments.push(Buffer.alloc(trailingBytes, 0x11), Buffer.from([0xff, 0xd9]));
  return Buffer.concat(segments);
}

function segment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/** An extended (VP8X) WebP header; enough for a size probe. */
export function makeWebp(width: number, height: number, payloadBytes = 256): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(width - 1, 4, 3);
  vp8x.writeUIntLE(height - 1, 7, 3);
  const body = Buffer.concat([Buffer.from('WEBPVP8X', 'latin1'), le32(10), vp8x, Buffer.alloc(payloadBytes, 1)]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), le32(body.length), body]);
}

export function makeGif(width: number, height: number): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  return Buffer.concat([Buffer.from('GIF89a', 'latin1'), screen, Buffer.from([0x3b])]);
}

function le32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(value);
  return out;
}

/** Yields `bytes` in pieces of `size` (the last may be shorter). */
export async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Same for strings (base64). */
export async function* stringPieces(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** A promise plus its resolver, to hold a generator at a known point. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
