// An incremental JSON parser over string chunks (SAX-style state machine). It builds the parsed
// value as it goes, EXCEPT string values the caller chooses to stream (by path): those are handed
// out in slices as they arrive and never become one string; they are left out of the built value.
// Used for SSE events too large to buffer, whose bulk is one huge base64 string.
//
// Strict JSON (RFC 8259), with two leniencies: raw control characters inside unescaped strings
// are accepted, and streamed strings are not checked for them. Containers are attached to their
// parent when they open, so hooks can look at partly built objects (e.g. a sibling key that came
// before the streamed string). A chunk is scanned once: the streamed-string fast path is two
// indexOf calls per chunk when the string has no escapes.

export type JsonPath = ReadonlyArray<string | number>;
export type JsonContainer = Record<string, unknown> | unknown[];

export interface JsonStreamHooks {
  /** Called when a string value starts; return true to stream it instead of building it. */
  streamString(path: JsonPath): boolean;
  /** A streamed string starts. `containers[0]` is the root, the last one holds the string. */
  onStringStart?(path: JsonPath, containers: readonly JsonContainer[]): void;
  /** Decoded (unescaped) text of the streamed string, in arrival order; never empty. */
  onStringChunk(chunk: string): void;
  onStringEnd?(): void;
  /** An object or array closed; `containers` still includes it as the last entry. */
  onContainerEnd?(path: JsonPath, value: JsonContainer, containers: readonly JsonContainer[]): void;
}

export class JsonSyntaxError extends SyntaxError {
  /** offset (in chars) into the whole input */
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
    this.position = position;
  }
}

const VALUE = 0; // expecting a value
const VALUE_OR_CLOSE = 1; // after '['
const KEY_OR_CLOSE = 2; // after '{'
const KEY = 3; // after ',' in an object
const COLON = 4;
const AFTER_VALUE = 5; // ',' or a closing bracket
const STRING = 6; // inside a built string (value or key)
const STREAMED = 7; // inside a streamed string
const TOKEN = 8; // inside a number, true, false or null
const DONE = 9; // root value complete
type State = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

const QUOTE = 34;
const BACKSLASH = 92;

const SIMPLE_ESCAPES: Readonly<Record<string, string | undefined>> = Object.assign(Object.create(null) as object, {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
});

export class JsonStreamParser {
  private state: State = VALUE;
  private readonly containers: JsonContainer[] = [];
  /** slots[i]: where containers[i + 1] sits inside containers[i] */
  private readonly slots: Array<string | number> = [];
  /** keys[i]: the current key of containers[i] when it is an object */
  private readonly keys: Array<string | undefined> = [];
  private root: unknown = undefined;
  private consumed = 0; // chars of earlier chunks, for error positions
  // built string / token in progress
  private raw = '';
  private rawHasEscape = false;
  private rawIsKey = false;
  private backslashPending = false;
  // streamed string in progress: an escape sequence cut by a chunk end
  private escapeCarry = '';

  constructor(private readonly hooks: JsonStreamHooks) {}

  write(chunk: string): void {
    const len = chunk.length;
    let i = 0;
    while (i < len) {
      switch (this.state) {
        case STRING:
          i = this.continueString(chunk, i);
          break;
        case STREAMED:
          i = this.continueStreamed(chunk, i);
          break;
        case TOKEN:
          i = this.continueToken(chunk, i);
          break;
        default: {
          const c = chunk.charCodeAt(i);
          if (c !== 32 && c !== 10 && c !== 13 && c !== 9) this.structural(c, chunk, i);
          i++;
        }
      }
    }
    this.consumed += len;
  }

  /** Ends the input and returns the built value; throws if the JSON is incomplete. */
  end(): unknown {
    if (this.state === TOKEN && this.containers.length === 0) this.finishToken(this.consumed);
    if (this.state !== DONE) throw new JsonSyntaxError('Unexpected end of JSON input', this.consumed);
    return this.root;
  }

  private fail(message: string, index: number): never {
    throw new JsonSyntaxError(message, this.consumed + index);
  }

  private structural(c: number, chunk: string, i: number): void {
    switch (this.state) {
      case VALUE:
      case VALUE_OR_CLOSE:
        if (c === 0x5d /* ] */ && this.state === VALUE_OR_CLOSE) return this.close(false, i);
        return this.startValue(c, chunk, i);
      case KEY_OR_CLOSE:
      case KEY:
        if (c === 0x7d /* } */ && this.state === KEY_OR_CLOSE) return this.close(true, i);
        if (c !== QUOTE) this.fail('Expected a property name', i);
        return this.startString(true);
      case COLON:
        if (c !== 0x3a /* : */) this.fail("Expected ':'", i);
        this.state = VALUE;
        return;
      case AFTER_VALUE: {
        const isArray = Array.isArray(this.top());
        if (c === 0x2c /* , */) this.state = isArray ? VALUE : KEY;
        else if (c === 0x7d && !isArray) this.close(true, i);
        else if (c === 0x5d && isArray) this.close(false, i);
        else this.fail("Expected ',' or a closing bracket", i);
        return;
      }
      default:
        this.fail('Unexpected data after the JSON value', i);
    }
  }

  private startValue(c: number, chunk: string, i: number): void {
    if (c === 0x7b /* { */) return this.open({}, KEY_OR_CLOSE);
    if (c === 0x5b /* [ */) return this.open([], VALUE_OR_CLOSE);
    if (c === QUOTE) {
      const path = this.valuePath();
      if (this.hooks.streamString(path)) {
        this.state = STREAMED;
        this.escapeCarry = '';
        this.hooks.onStringStart?.(path, this.containers);
        return;
      }
      return this.startString(false);
    }
    if (isTokenChar(c)) {
      this.state = TOKEN;
      this.raw = chunk[i];
      return;
    }
    this.fail('Unexpected character', i);
  }

  private top(): JsonContainer {
    return this.containers[this.containers.length - 1];
  }

  /** Path of the value about to be attached to the innermost container. */
  private valuePath(): Array<string | number> {
    const depth = this.containers.length;
    if (depth === 0) return [];
    const top = this.containers[depth - 1];
    return [...this.slots, Array.isArray(top) ? top.length : (this.keys[depth - 1] as string)];
  }

  private attach(value: unknown): void {
    const depth = this.containers.length;
    if (depth === 0) {
      this.root = value;
      this.state = DONE;
      return;
    }
    const top = this.containers[depth - 1];
    if (Array.isArray(top)) {
      top.push(value);
    } else {
      const key = this.keys[depth - 1] as string;
      // Like JSON.parse: "__proto__" is an own property, never the prototype.
      if (key === '__proto__')
        Object.defineProperty(top, key, { value, writable: true, enumerable: true, configurable: true });
      else top[key] = value;
    }
    this.state = AFTER_VALUE;
  }

  private open(container: JsonContainer, state: State): void {
    const depth = this.containers.length;
    if (depth > 0) {
      const top = this.containers[depth - 1];
      this.slots.push(Array.isArray(top) ? top.length : (this.keys[depth - 1] as string));
    }
    this.attach(container);
    this.containers.push(container);
    this.keys.push(undefined);
    this.state = state;
  }

  private close(isObject: boolean, i: number): void {
    const value = this.top();
    if (Array.isArray(value) === isObject) this.fail('Mismatched bracket', i);
    this.hooks.onContainerEnd?.(this.slots.slice(), value, this.containers);
    this.containers.pop();
    this.keys.pop();
    this.slots.pop();
    this.state = this.containers.length === 0 ? DONE : AFTER_VALUE;
  }

  private startString(isKey: boolean): void {
    this.state = STRING;
    this.raw = '';
    this.rawHasEscape = false;
    this.rawIsKey = isKey;
    this.backslashPending = false;
  }

  /** A built string: collects the raw text up to the closing quote, then unescapes it once. */
  private continueString(chunk: string, from: number): number {
    const len = chunk.length;
    let scan = from;
    if (this.backslashPending) {
      this.backslashPending = false;
      scan++; // the char after a backslash never closes the string
    }
    let quote = chunk.indexOf('"', scan);
    let backslash = chunk.indexOf('\\', scan);
    while (backslash !== -1 && (quote === -1 || backslash < quote)) {
      this.rawHasEscape = true;
      if (backslash + 1 >= len) {
        this.backslashPending = true;
        this.raw += chunk.slice(from);
        return len;
      }
      scan = backslash + 2;
      backslash = chunk.indexOf('\\', scan);
      if (quote !== -1 && quote < scan) quote = chunk.indexOf('"', scan);
    }
    if (quote === -1) {
      this.raw += chunk.slice(from);
      return len;
    }
    this.raw += chunk.slice(from, quote);
    this.finishString(quote);
    return quote + 1;
  }

  private finishString(i: number): void {
    let value = this.raw;
    this.raw = '';
    if (this.rawHasEscape) {
      try {
        value = JSON.parse(`"${value}"`) as string;
      } catch {
        this.fail('Bad escape in string', i);
      }
    }
    if (this.rawIsKey) {
      this.keys[this.keys.length - 1] = value;
      this.state = COLON;
    } else {
      this.attach(value);
    }
  }

  /** A streamed string: hands out unescaped slices; one chunk call per write at most. */
  private continueStreamed(chunk: string, from: number): number {
    const len = chunk.length;
    let start = from;
    let pieces: string[] | undefined;
    if (this.escapeCarry !== '') {
      start = this.completeCarry(chunk, from);
      if (!isCompleteEscape(this.escapeCarry)) return len; // the chunk was used up
      pieces = [decodeEscape(this.takeCarry(), () => this.fail('Bad escape in string', from))];
    }
    let quote = chunk.indexOf('"', start);
    let backslash = chunk.indexOf('\\', start);
    while (backslash !== -1 && (quote === -1 || backslash < quote)) {
      pieces ??= [];
      if (backslash > start) pieces.push(chunk.slice(start, backslash));
      const needed = chunk.charCodeAt(backslash + 1) === 0x75 /* u */ ? 6 : 2;
      if (backslash + needed > len) {
        this.escapeCarry = chunk.slice(backslash);
        this.emit(pieces);
        return len;
      }
      pieces.push(
        decodeEscape(chunk.slice(backslash, backslash + needed), () => this.fail('Bad escape in string', backslash)),
      );
      start = backslash + needed;
      backslash = chunk.indexOf('\\', start);
      if (quote !== -1 && quote < start) quote = chunk.indexOf('"', start);
    }
    const end = quote === -1 ? len : quote;
    if (pieces === undefined) {
      if (end > start) this.hooks.onStringChunk(chunk.slice(start, end));
    } else {
      if (end > start) pieces.push(chunk.slice(start, end));
      this.emit(pieces);
    }
    if (quote === -1) return len;
    this.hooks.onStringEnd?.();
    // The streamed string is not part of the built value.
    this.state = this.containers.length === 0 ? DONE : AFTER_VALUE;
    return quote + 1;
  }

  private emit(pieces: string[]): void {
    const text = pieces.length === 1 ? pieces[0] : pieces.join('');
    if (text.length > 0) this.hooks.onStringChunk(text);
  }

  /** Appends chars to a cut escape sequence until complete; returns the next unread index. */
  private completeCarry(chunk: string, from: number): number {
    let i = from;
    while (i < chunk.length && !isCompleteEscape(this.escapeCarry)) this.escapeCarry += chunk[i++];
    return i;
  }

  private takeCarry(): string {
    const carry = this.escapeCarry;
    this.escapeCarry = '';
    return carry;
  }

  private continueToken(chunk: string, from: number): number {
    let i = from;
    while (i < chunk.length && isTokenChar(chunk.charCodeAt(i))) i++;
    this.raw += chunk.slice(from, i);
    if (i < chunk.length) this.finishToken(i);
    return i;
  }

  private finishToken(i: number): void {
    const token = this.raw;
    this.raw = '';
    let value: unknown;
    try {
      value = JSON.parse(token);
    } catch {
      this.fail('Bad literal or number', i - token.length);
    }
    this.attach(value);
  }
}

/** A whole escape sequence: backslash + one char, or backslash + "u" + 4 chars (not validated here). */
function isCompleteEscape(sequence: string): boolean {
  return sequence.length === 6 || (sequence.length === 2 && sequence[1] !== 'u');
}

/** Chars that can appear in a number or in true/false/null (validated by JSON.parse at the end). */
function isTokenChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    c === 0x2d ||
    c === 0x2b ||
    c === 0x2e
  );
}

function decodeEscape(sequence: string, fail: () => never): string {
  if (sequence.charCodeAt(0) !== BACKSLASH) return fail();
  const kind = sequence[1];
  if (kind === 'u') {
    const hex = sequence.slice(2);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) return fail();
    return String.fromCharCode(parseInt(hex, 16));
  }
  return SIMPLE_ESCAPES[kind] ?? fail();
}
