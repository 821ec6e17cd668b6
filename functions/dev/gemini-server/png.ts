// Real, valid PNG files for offline image replies.
// Small images: a deterministic RGB gradient, deflated. Sized images (`targetBytes`): incompressible noise
// in zlib *stored* blocks, written by hand so the output size is known in advance and can be padded to
// exactly the requested byte count with a private ancillary chunk; this makes tens of MB in ~100 ms.
import * as zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COMMENT = Buffer.from('Comment\0[offline model] generated test image, not AI output', 'latin1');
/** Private, ancillary, safe-to-copy chunk type: decoders skip it. */
const PADDING_TYPE = 'ofPd';
const STORED_BLOCK_MAX = 65535;
const CHUNK_OVERHEAD = 12; // length + type + crc
const FIXED_BYTES =
  SIGNATURE.length +
  (CHUNK_OVERHEAD + 13) +
  (CHUNK_OVERHEAD + COMMENT.length) +
  CHUNK_OVERHEAD /* IDAT */ +
  CHUNK_OVERHEAD; /* IEND */

export interface PngSpec {
  width?: number;
  height?: number;
  /** Exact file size wanted; the pixels become noise so the data cannot shrink. */
  targetBytes?: number;
  seed?: number;
}

export interface EncodedImage {
  bytes: Buffer;
  width: number;
  height: number;
}

const crc32: (data: Uint8Array, initial?: number) => number =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : crc32Fallback;

let crcTable: Uint32Array | undefined;
/** For Node 20 releases before 20.15, which lack zlib.crc32. */
function crc32Fallback(data: Uint8Array, initial = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = ~initial >>> 0;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

function writeChunk(out: Buffer, offset: number, type: string, data: Uint8Array): number {
  out.writeUInt32BE(data.length, offset);
  out.write(type, offset + 4, 'latin1');
  out.set(data, offset + 8);
  const crc = crc32(data, crc32(out.subarray(offset + 4, offset + 8)));
  out.writeUInt32BE(crc, offset + 8 + data.length);
  return offset + CHUNK_OVERHEAD + data.length;
}

function ihdr(width: number, height: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = 8; // bit depth
  data[9] = 2; // colour type RGB
  return data; // compression, filter, interlace: 0
}

function rawSize(width: number, height: number): number {
  return height * (1 + 3 * width); // one filter byte per row
}

function storedZlibSize(raw: number): number {
  return 2 + raw + 5 * Math.max(1, Math.ceil(raw / STORED_BLOCK_MAX)) + 4;
}

function noisePngSize(width: number, height: number): number {
  return FIXED_BYTES + storedZlibSize(rawSize(width, height));
}

/** Scanlines with filter type 0 and xorshift noise pixels (deterministic per seed). */
function noiseScanlines(width: number, height: number, seed: number): Uint8Array {
  const size = rawSize(width, height);
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = (seed * 2654435761 + 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  const raw = new Uint8Array(words.buffer, 0, size);
  const stride = 1 + 3 * width;
  for (let row = 0; row < height; row++) raw[row * stride] = 0;
  return raw;
}

function gradientScanlines(width: number, height: number, seed: number): Buffer {
  const stride = 1 + 3 * width;
  const raw = Buffer.alloc(height * stride);
  const tint = (seed * 47) & 0xff;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * stride + 1 + 3 * x;
      raw[p] = Math.floor((x * 255) / Math.max(1, width - 1));
      raw[p + 1] = Math.floor((y * 255) / Math.max(1, height - 1));
      raw[p + 2] = tint;
    }
  }
  return raw;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  const NMAX = 5552; // largest run before the sums can overflow 2^32
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + NMAX, data.length);
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Writes `raw` as a zlib stream of stored (uncompressed) blocks into `out` at `offset`. */
function writeStoredZlib(out: Buffer, offset: number, raw: Uint8Array): number {
  out[offset++] = 0x78;
  out[offset++] = 0x01;
  let pos = 0;
  do {
    const len = Math.min(STORED_BLOCK_MAX, raw.length - pos);
    const final = pos + len >= raw.length;
    out[offset] = final ? 1 : 0;
    out.writeUInt16LE(len, offset + 1);
    out.writeUInt16LE(~len & 0xffff, offset + 3);
    out.set(raw.subarray(pos, pos + len), offset + 5);
    offset += 5 + len;
    pos += len;
  } while (pos < raw.length);
  out.writeUInt32BE(adler32(raw), offset);
  return offset + 4;
}

/** Largest roughly square image whose stored PNG, plus a padding chunk header, fits `target`. */
function dimensionsForTarget(target: number): { width: number; height: number } {
  const budget = Math.max(3, (target - FIXED_BYTES - CHUNK_OVERHEAD - 6) / (1 + 5 / STORED_BLOCK_MAX) - 5);
  const width = Math.max(1, Math.floor(Math.sqrt(budget / 3)));
  let height = Math.max(1, Math.floor(budget / (1 + 3 * width)));
  while (height > 1 && noisePngSize(width, height) + CHUNK_OVERHEAD > target) height--;
  return { width, height };
}

function encodeNoisePng(width: number, height: number, target: number | undefined, seed: number): Buffer {
  const natural = noisePngSize(width, height);
  const padding = target !== undefined && natural + CHUNK_OVERHEAD <= target ? target - natural - CHUNK_OVERHEAD : -1;
  const out = Buffer.allocUnsafe(natural + (padding >= 0 ? CHUNK_OVERHEAD + padding : 0));
  let offset = 0;
  out.set(SIGNATURE, offset);
  offset += SIGNATURE.length;
  offset = writeChunk(out, offset, 'IHDR', ihdr(width, height));
  offset = writeChunk(out, offset, 'tEXt', COMMENT);
  // IDAT: write the zlib stream in place, then fill in length and CRC around it.
  const idatStart = offset;
  out.write('IDAT', idatStart + 4, 'latin1');
  const idatEnd = writeStoredZlib(out, idatStart + 8, noiseScanlines(width, height, seed));
  out.writeUInt32BE(idatEnd - idatStart - 8, idatStart);
  out.writeUInt32BE(crc32(out.subarray(idatStart + 4, idatEnd)), idatEnd);
  offset = idatEnd + 4;
  if (padding >= 0) offset = writeChunk(out, offset, PADDING_TYPE, Buffer.alloc(padding));
  offset = writeChunk(out, offset, 'IEND', Buffer.alloc(0));
  if (offset !== out.length) throw new Error(`PNG size mismatch: wrote ${offset}, planned ${out.length}`);
  return out;
}

function encodeGradientPng(width: number, height: number, seed: number): Buffer {
  const idat = zlib.deflateSync(gradientScanlines(width, height, seed));
  const out = Buffer.allocUnsafe(FIXED_BYTES + idat.length);
  let offset = 0;
  out.set(SIGNATURE, offset);
  offset += SIGNATURE.length;
  offset = writeChunk(out, offset, 'IHDR', ihdr(width, height));
  offset = writeChunk(out, offset, 'tEXt', COMMENT);
  offset = writeChunk(out, offset, 'IDAT', idat);
  writeChunk(out, offset, 'IEND', Buffer.alloc(0));
  return out;
}

export function makePng(spec: PngSpec = {}): EncodedImage {
  const seed = spec.seed ?? 0;
  if (spec.targetBytes === undefined) {
    const width = spec.width ?? 64;
    const height = spec.height ?? 64;
    return { bytes: encodeGradientPng(width, height, seed), width, height };
  }
  const dims =
    spec.width && spec.height ? { width: spec.width, height: spec.height } : dimensionsForTarget(spec.targetBytes);
  return { bytes: encodeNoisePng(dims.width, dims.height, spec.targetBytes, seed), ...dims };
}
