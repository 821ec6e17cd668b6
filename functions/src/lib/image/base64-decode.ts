// Streaming base64 decoder: strings in, Buffers out, never holding more than one input chunk.
//
// Strict RFC 4648 standard alphabet. Whitespace is rejected rather than skipped: Gemini never sends
// any, and a stray newline is more likely a framing bug upstream than a line-wrapped encoder.
// Padding is optional at the very end (an unpadded 2- or 3-char tail is accepted); non-canonical
// trailing bits ("QR==") are not checked.

/** The decoded output would be corrupt: the input is not valid base64. */
export class Base64DecodeError extends Error {
  readonly code = 'INVALID_BASE64';

  constructor(
    message: string,
    /** Character offset in the whole stream where the problem was found. */
    readonly offset: number,
  ) {
    super(`Invalid base64 at offset ${offset}: ${message}`);
    this.name = 'Base64DecodeError';
  }
}

// Decode at most this many chars per output Buffer (a multiple of 4), so one huge input string
// becomes several ~768 KB Buffers that downstream stages can handle one at a time.
const MAX_DECODE_CHARS = 1024 * 1024;
const MAX_PADDING = 2;
const NOT_STANDARD_ALPHABET = /[^A-Za-z0-9+/]/;

export async function* base64Decode(chunks: AsyncIterable<string>): AsyncGenerator<Buffer> {
  let carry = ''; // 0-3 data chars that do not yet form a full quad
  let consumed = 0; // chars of input seen before the current chunk
  let padding = 0; // '=' seen so far; once non-zero, only more '=' may follow

  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    const chunkStart = consumed;
    consumed += chunk.length;

    if (padding > 0) {
      padding = addPadding(padding, chunk, chunkStart);
      continue;
    }

    let data = chunk;
    const firstPad = chunk.indexOf('=');
    if (firstPad !== -1) {
      padding = addPadding(0, chunk.slice(firstPad), chunkStart + firstPad);
      data = chunk.slice(0, firstPad);
    }

    let position = 0; // next unread char of `data`
    if (carry.length > 0) {
      const needed = 4 - carry.length;
      if (data.length < needed) {
        carry += data;
        continue;
      }
      yield decodeQuads(carry + data.slice(0, needed), chunkStart - carry.length);
      position = needed;
    }
    const alignedEnd = position + ((data.length - position) & ~3);
    while (position < alignedEnd) {
      const end = Math.min(position + MAX_DECODE_CHARS, alignedEnd);
      yield decodeQuads(data.slice(position, end), chunkStart + position);
      position = end;
    }
    carry = data.slice(alignedEnd);
  }

  const tail = finishTail(carry, padding, consumed);
  if (tail.length > 0) yield tail;
}

/** Validates a run that must consist of '=' only; returns the padding count so far. */
function addPadding(seen: number, text: string, offset: number): number {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 0x3d) throw new Base64DecodeError('data after padding', offset + i);
  }
  const total = seen + text.length;
  if (total > MAX_PADDING) throw new Base64DecodeError('too much padding', offset);
  return total;
}

function decodeQuads(text: string, offset: number): Buffer {
  const expected = (text.length / 4) * 3;
  const out = Buffer.allocUnsafe(expected);
  // Node's decoder silently skips (or stops at) foreign chars, so any foreign char shows up as a
  // short write; it also accepts the URL-safe alphabet, which indexOf rules out. Both checks run at
  // several GB/s, far faster than a regex over every char.
  const written = out.write(text, 'base64');
  if (written !== expected || text.indexOf('-') !== -1 || text.indexOf('_') !== -1) {
    throw invalidCharacter(text, offset);
  }
  return out;
}

function finishTail(carry: string, padding: number, totalChars: number): Buffer {
  const dataChars = totalChars - padding;
  if (carry.length === 1) {
    throw new Base64DecodeError('length leaves a single dangling character', dataChars - 1);
  }
  if (padding > 0 && carry.length + padding !== 4) {
    throw new Base64DecodeError('padding does not complete the final quad', dataChars);
  }
  if (carry.length === 0) return Buffer.alloc(0);
  if (NOT_STANDARD_ALPHABET.test(carry)) throw invalidCharacter(carry, dataChars - carry.length);
  return Buffer.from(carry, 'base64');
}

function invalidCharacter(text: string, offset: number): Base64DecodeError {
  const index = text.search(NOT_STANDARD_ALPHABET);
  if (index === -1) return new Base64DecodeError('undecodable input', offset);
  const code = text.charCodeAt(index).toString(16).padStart(2, '0');
  return new Base64DecodeError(`unexpected character 0x${code}`, offset + index);
}
