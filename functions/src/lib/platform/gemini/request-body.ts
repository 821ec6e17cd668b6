// Serialises a generateContent request body as a byte stream, so multi-MB inline images are never
// turned into one giant JSON string (JSON.stringify would need the whole base64 plus its copy).
//
// Small values go through JSON.stringify; long strings are escaped in ~64 KB slices; binary image
// data (a Buffer, or an async iterable of raw bytes) is base64-encoded incrementally. For inputs
// made only of JSON values the output is byte-identical to JSON.stringify(request).

/** Image bytes: already base64 (string), raw bytes, or raw bytes arriving in chunks. */
export type InlineDataSource = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface StreamingPart {
  text?: string;
  thought?: boolean;
  inlineData?: { mimeType: string; data: InlineDataSource };
  [field: string]: unknown;
}

export interface StreamingContent {
  role?: string;
  parts: StreamingPart[];
}

/** REST field names (camelCase), e.g. responseModalities, thinkingConfig, imageConfig. */
export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  responseModalities?: string[];
  responseMimeType?: string;
  [field: string]: unknown;
}

export interface GenerateContentRequestBody {
  contents: StreamingContent[];
  systemInstruction?: StreamingContent;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: Array<{ category: string; threshold: string }>;
  [field: string]: unknown;
}

/** Output chunk target; also the slice size for long strings (UTF-16 units). */
const SLICE_CHARS = 64 * 1024;
/** Raw bytes per base64 slice: a multiple of 3, so slices need no padding; 64 KB of base64. */
const SLICE_BYTES = (SLICE_CHARS / 4) * 3;

export async function* serializeRequestBody(request: GenerateContentRequestBody): AsyncGenerator<Uint8Array> {
  const out = new OutputBuffer();
  for await (const text of writeValue(normalize(request, ''), new Set())) {
    const full = out.push(text);
    if (full) yield full;
  }
  const rest = out.drain();
  if (rest) yield rest;
}

/** Collects small text pieces into ~64 KB UTF-8 chunks. */
class OutputBuffer {
  private pieces: string[] = [];
  private chars = 0;

  push(text: string): Uint8Array | undefined {
    this.pieces.push(text);
    this.chars += text.length;
    return this.chars >= SLICE_CHARS ? this.drain() : undefined;
  }

  drain(): Uint8Array | undefined {
    if (this.chars === 0) return undefined;
    const chunk = Buffer.from(this.pieces.join(''), 'utf8');
    this.pieces = [];
    this.chars = 0;
    return chunk;
  }
}

/**
 * Yields the JSON text of `value` (already passed through normalize) in pieces, following
 * JSON.stringify's rules: toJSON(key), undefined/functions/symbols dropped from objects and null
 * in arrays, cycles rejected.
 */
async function* writeValue(value: unknown, ancestors: Set<object>): AsyncGenerator<string> {
  if (typeof value === 'string') {
    yield* writeString(value);
  } else if (value instanceof Uint8Array) {
    yield* writeBase64(value);
  } else if (isAsyncIterable(value)) {
    yield* writeBase64Stream(value);
  } else if (value === null || typeof value !== 'object') {
    // numbers (NaN -> null), booleans, null; bigint throws exactly like JSON.stringify
    yield JSON.stringify(value) ?? 'null';
  } else if (!needsStreaming(value, new Set())) {
    yield JSON.stringify(value); // the common case: a small subtree, one call
  } else {
    if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
    ancestors.add(value);
    if (Array.isArray(value)) yield* writeArray(value, ancestors);
    else yield* writeObject(value as Record<string, unknown>, ancestors);
    ancestors.delete(value);
  }
}

async function* writeArray(items: unknown[], ancestors: Set<object>): AsyncGenerator<string> {
  yield '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) yield ',';
    const item = normalize(items[i], String(i));
    if (isSkipped(item)) yield 'null';
    else yield* writeValue(item, ancestors);
  }
  yield ']';
}

async function* writeObject(object: Record<string, unknown>, ancestors: Set<object>): AsyncGenerator<string> {
  yield '{';
  let first = true;
  for (const name of Object.keys(object)) {
    const field = normalize(object[name], name);
    if (isSkipped(field)) continue;
    yield `${first ? '' : ','}${JSON.stringify(name)}:`;
    first = false;
    yield* writeValue(field, ancestors);
  }
  yield '}';
}

function* writeString(text: string): Generator<string> {
  if (text.length <= SLICE_CHARS) {
    yield JSON.stringify(text);
    return;
  }
  yield '"';
  for (let start = 0; start < text.length;) {
    let end = Math.min(start + SLICE_CHARS, text.length);
    // Never split a surrogate pair: each half alone would be escaped as \udxxx.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end--;
    yield JSON.stringify(text.slice(start, end)).slice(1, -1);
    start = end;
  }
  yield '"';
}

function* writeBase64(bytes: Uint8Array): Generator<string> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  yield '"';
  for (let start = 0; start < buffer.length; start += SLICE_BYTES) {
    yield buffer.toString('base64', start, Math.min(start + SLICE_BYTES, buffer.length));
  }
  yield '"';
}

/** Base64 of a byte stream, carrying 0-2 bytes between chunks so only the end is padded. */
async function* writeBase64Stream(chunks: AsyncIterable<unknown>): AsyncGenerator<string> {
  yield '"';
  let carry = Buffer.alloc(0);
  for await (const chunk of chunks) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('inline data streams must yield Uint8Array chunks');
    const bytes =
      carry.length > 0 ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const aligned = bytes.length - (bytes.length % 3);
    for (let start = 0; start < aligned; start += SLICE_BYTES) {
      yield bytes.toString('base64', start, Math.min(start + SLICE_BYTES, aligned));
    }
    carry = Buffer.from(bytes.subarray(aligned)); // copy: don't pin the whole chunk for 2 bytes
  }
  if (carry.length > 0) yield carry.toString('base64');
  yield '"';
}

/** True when `value` holds something JSON.stringify must not see: long strings, bytes, streams. */
function needsStreaming(value: unknown, visited: Set<object>): boolean {
  if (typeof value === 'string') return value.length > SLICE_CHARS;
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Uint8Array || isAsyncIterable(value) || hasToJSON(value)) return true;
  if (visited.has(value)) return true; // a cycle: let the streaming path report it
  visited.add(value);
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => needsStreaming(child, visited));
}

function hasToJSON(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function normalize(value: unknown, key: string): unknown {
  if (value instanceof Uint8Array) return value; // Buffer#toJSON would give {type, data:[...]}
  if (value !== null && typeof value === 'object' && hasToJSON(value)) {
    return (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf();
  return value;
}

function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
