// Streaming base64 decoder: strings in, Buffers out, never holding more than one input chunk.
//
// Strict RFC 4648 standard alphabet. Whitespace is rejected rather than skipped: Gemini never sends
// any, and a stray newline is more likely a framing bug upstream than a line-wrapped encoder.
// Padding is optional at the very end (an unpadded 2- or 3-char tail is accepted); non-canonical
// trailing bits ("QR==") are not checked.
// Padding that completes a quad may be followed by more data: that is a concatenation of separately
// encoded segments, which is what a server sends when it base64-encodes each image fragment on its
// own. Node's decoder would stop at the first '=', so each padded quad is decoded by itself.

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
const PAD = 0x3d; // '='
const NOT_STANDARD_ALPHABET = /[^A-Za-z0-9+/]/;

export interface Base64DecodeOptions {
  /**
   * Decode into one reusable buffer: each yielded Buffer is then valid only until the next value is
   * requested, so a consumer that keeps bytes must copy them. A pipeline that copies anyway (into an
   * upload's part buffers) then allocates nothing per chunk, and its memory no longer depends on when
   * the GC frees dead decode buffers. Off by default: every yielded Buffer is the caller's.
   */
  reuseBuffer?: boolean;
}

export async function* base64Decode(
  chunks: AsyncIterable<string>,
  { reuseBuffer = false }: Base64DecodeOptions = {},
): AsyncGenerator<Buffer> {
  const scratch = reuseBuffer ? Buffer.allocUnsafe((MAX_DECODE_CHARS / 4) * 3) : undefined;
  const decodeQuads = (text: string, offset: number): Buffer => decodeQuadsInto(text, offset, scratch);
  let carry = ''; // 0-3 data chars that do not yet form a full quad
  let padding = 0; // '=' seen in the current, not yet complete, padded quad
  let consumed = 0; // chars of input seen before the current chunk

  for await (const chunk of chunks) {
    const chunkStart = consumed;
    consumed += chunk.length;
    let position = 0;
    while (position < chunk.length) {
      if (padding > 0 || chunk.charCodeAt(position) === PAD) {
        // Inside a padded quad: only '=' may follow until it is complete.
        const offset = chunkStart + position;
        if (chunk.charCodeAt(position) !== PAD) throw new Base64DecodeError('data after padding', offset);
        if (carry.length < 2) throw new Base64DecodeError('padding does not complete a quad', offset);
        padding += 1;
        position += 1;
        if (carry.length + padding === 4) {
          yield decodeTail(carry, offset - padding - carry.length + 1);
          carry = '';
          padding = 0;
        }
        continue;
      }
      const nextPad = chunk.indexOf('=', position);
      const dataEnd = nextPad === -1 ? chunk.length : nextPad;
      if (carry.length > 0) {
        const needed = Math.min(4 - carry.length, dataEnd - position);
        carry += chunk.slice(position, position + needed);
        position += needed;
        if (carry.length < 4) continue;
        yield decodeQuads(carry, chunkStart + position - 4);
        // carry is refilled below, before anything reads it again.
      }
      const alignedEnd = position + ((dataEnd - position) & ~3);
      while (position < alignedEnd) {
        const end = Math.min(position + MAX_DECODE_CHARS, alignedEnd);
        yield decodeQuads(chunk.slice(position, end), chunkStart + position);
        position = end;
      }
      carry = chunk.slice(position, dataEnd);
      position = dataEnd;
    }
  }

  if (padding > 0) throw new Base64DecodeError('padding does not complete the final quad', consumed);
  if (carry.length === 1) throw new Base64DecodeError('length leaves a single dangling character', consumed - 1);
  if (carry.length > 0) yield decodeTail(carry, consumed - carry.length);
}

/** Decodes whole quads (text.length <= MAX_DECODE_CHARS) into `scratch`, or a new Buffer. */
function decodeQuadsInto(text: string, offset: number, scratch: Buffer | undefined): Buffer {
  const expected = (text.length / 4) * 3;
  const out = scratch ? scratch.subarray(0, expected) : Buffer.allocUnsafe(expected);
  // Node's decoder silently skips (or stops at) foreign chars, so any foreign char shows up as a
  // short write; it also accepts the URL-safe alphabet, which indexOf rules out. Both checks run at
  // several GB/s, far faster than a regex over every char.
  const written = out.write(text, 'base64');
  if (written !== expected || text.indexOf('-') !== -1 || text.indexOf('_') !== -1) {
    throw invalidCharacter(text, offset);
  }
  return out;
}

/** A final 2- or 3-char group (padded or not) -> 1 or 2 bytes. */
function decodeTail(carry: string, offset: number): Buffer {
  if (NOT_STANDARD_ALPHABET.test(carry)) throw invalidCharacter(carry, offset);
  return Buffer.from(carry, 'base64');
}

function invalidCharacter(text: string, offset: number): Base64DecodeError {
  const index = text.search(NOT_STANDARD_ALPHABET);
  if (index === -1) return new Base64DecodeError('undecodable input', offset);
  const code = text.charCodeAt(index).toString(16).padStart(2, '0');
  return new Base64DecodeError(`unexpected character 0x${code}`, offset + index);
}
