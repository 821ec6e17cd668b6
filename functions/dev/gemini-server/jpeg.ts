// A real baseline JPEG (grayscale, uniform mid-gray) for scenarios that ask for `image/jpeg`.
// With one-symbol Huffman tables every 8x8 block codes as two zero bits (DC difference 0, then
// end-of-block), so any size encodes instantly; COM segments pad the file to an exact byte count.
// `metadataBytes` puts APP11 segments (where JPEG keeps C2PA content credentials) before the frame
// header, as a model's image with large metadata has them.
import type { EncodedImage } from './png.js';

const MARKER = 0xff;
const COM_MAX_PAYLOAD = 65533; // segment length field (2 bytes) counts itself
const COM_OVERHEAD = 4; // marker + length

function segment(code: number, payload: Buffer): Buffer {
  const head = Buffer.from([MARKER, code, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

function jfifApp0(): Buffer {
  return segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
}

function quantTable(): Buffer {
  return segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
}

function frameHeader(width: number, height: number): Buffer {
  const payload = Buffer.alloc(9);
  payload[0] = 8; // sample precision
  payload.writeUInt16BE(height, 1);
  payload.writeUInt16BE(width, 3);
  payload[5] = 1; // one component
  payload[6] = 1; // component id
  payload[7] = 0x11; // 1x1 sampling
  payload[8] = 0; // quant table 0
  return segment(0xc0, payload);
}

/** DC table 0 and AC table 0, each with the single symbol 0 coded as the 1-bit code "0". */
function huffmanTables(): Buffer {
  const table = (classAndId: number): Buffer => {
    const counts = Buffer.alloc(16);
    counts[0] = 1;
    return Buffer.concat([Buffer.from([classAndId]), counts, Buffer.from([0])]);
  };
  return segment(0xc4, Buffer.concat([table(0x00), table(0x10)]));
}

function scanHeader(): Buffer {
  return segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
}

/** Two zero bits per block; the last byte is padded with 1-bits as the standard requires. */
function entropyData(width: number, height: number): Buffer {
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits = blocks * 2;
  const data = Buffer.alloc(Math.ceil(bits / 8));
  const used = bits % 8;
  if (used) data[data.length - 1] = 0xff >> used;
  return data;
}

function comment(text: string): Buffer {
  return segment(0xfe, Buffer.from(text, 'latin1'));
}

/** Segments (COM by default) totalling exactly `bytes` (0 or >= 4). */
function padding(bytes: number, code = 0xfe): Buffer[] {
  const out: Buffer[] = [];
  let left = bytes;
  while (left >= COM_OVERHEAD) {
    let size = Math.min(left, COM_MAX_PAYLOAD + COM_OVERHEAD);
    if (left - size > 0 && left - size < COM_OVERHEAD) size -= COM_OVERHEAD; // leave room for a last one
    out.push(segment(code, Buffer.alloc(size - COM_OVERHEAD, 0x20)));
    left -= size;
  }
  return out;
}

const APP11 = 0xeb;

export function makeJpeg(
  spec: { width?: number; height?: number; targetBytes?: number; metadataBytes?: number } = {},
): EncodedImage {
  const width = Math.min(65535, spec.width ?? 64);
  const height = Math.min(65535, spec.height ?? 64);
  const head = [
    Buffer.from([MARKER, 0xd8]),
    jfifApp0(),
    comment('[offline model] generated test image, not AI output'),
    ...padding(spec.metadataBytes ?? 0, APP11),
    quantTable(),
    frameHeader(width, height),
    huffmanTables(),
  ];
  const tail = [scanHeader(), entropyData(width, height), Buffer.from([MARKER, 0xd9])];
  const natural = [...head, ...tail].reduce((sum, part) => sum + part.length, 0);
  const gap = spec.targetBytes === undefined ? 0 : spec.targetBytes - natural;
  const pad = gap >= COM_OVERHEAD ? padding(gap) : [];
  return { bytes: Buffer.concat([...head, ...pad, ...tail]), width, height };
}
