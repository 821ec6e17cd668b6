// The synchronous core of the SSE parser: decoded text in, events out through a sink. It follows the
// WHATWG "event stream interpretation" rules (html.spec.whatwg.org, server-sent events):
//   - lines end at CR, LF or CRLF; a CRLF split across two pushes is one line end;
//   - `name: value` loses ONE leading space; a line without a colon is a name with an empty value;
//   - `:` lines are comments; unknown names are ignored;
//   - `data` lines are joined with "\n"; a blank line dispatches if any data line was seen;
//   - `event` sets the type of the next dispatch; `id` (unless it contains NUL) sets the last event
//     ID, which persists; `retry` is taken only when it is all ASCII digits;
//   - an unterminated final block is discarded (end()).
// Linear time: each push is scanned once with indexOf from the current position, and complete lines
// are sliced straight out of the pushed text; only the start of an unfinished line is carried over.
// When a block's data passes `maxBufferedData` the parser switches to streaming it (streamStart,
// streamChunk..., streamEnd) so that a multi-MB line is never concatenated.
import { SseError } from './errors.js';

const LF = 10;
const CR = 13;
const SPACE = 32;
const COLON = 58;

/** What kind of line the unfinished tail of the last push belongs to. */
const LINE_START = 0; // no unfinished line
const LINE_NAME = 1; // `pending` holds up to 5 chars of a field name, no colon yet
const LINE_DATA = 2; // inside a data value: pieces go to the data buffer or the stream
const LINE_VALUE = 3; // inside an event/id/retry value: pieces collect in `pending`
const LINE_IGNORE = 4; // comment or unknown field: pieces are dropped
type LineMode = 0 | 1 | 2 | 3 | 4;

/** The longest known field name ("event", "retry"): a colon-less prefix longer than this is unknown. */
const LONGEST_FIELD_NAME = 5;

export interface SseLineSink {
  /** A buffered event. `eventType` and `lastEventId` are "" when unset. */
  message(data: string, eventType: string, lastEventId: string): void;
  /** The current block's data passed the limit; chunks and then streamEnd follow. */
  streamStart(eventType: string, lastEventId: string): void;
  streamChunk(text: string): void;
  /** `complete` is false when the input ended before the block's blank line. */
  streamEnd(complete: boolean): void;
  retry(ms: number): void;
}

export class SseLineParser {
  private data = '';
  private dataLines = 0;
  private streaming = false;
  private eventType = '';
  private lastEventId = '';
  private mode: LineMode = LINE_START;
  private pending = '';
  private valueField = '';
  /** The value of the unfinished line has not started yet, so a leading space must still be dropped. */
  private expectSpace = false;
  /** The last push ended with CR: an LF at the start of the next push belongs to that line end. */
  private skipLF = false;

  constructor(
    private readonly sink: SseLineSink,
    private readonly maxBufferedData: number,
  ) {}

  push(input: string): void {
    let text = input;
    let pos = 0;
    if (text.length === 0) return;
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    if (this.mode === LINE_NAME) {
      // At most 5 carried chars: re-reading the line from its start is simpler than resuming.
      text = this.pending + text.slice(pos);
      pos = 0;
      this.pending = '';
      this.mode = LINE_START;
    }
    const len = text.length;
    let cr = text.indexOf('\r', pos);
    let lf = text.indexOf('\n', pos);
    if (this.mode !== LINE_START) {
      const eol = cr === -1 ? lf : lf === -1 || cr < lf ? cr : lf;
      this.continueLine(text, pos, eol === -1 ? len : eol);
      if (eol === -1) return;
      this.finishLine();
      pos = this.afterLineEnd(text, eol);
    }
    while (pos < len) {
      // A blank line is recognised by its first char, without searching: with the usual
      // "data: ...\r\n\r\n" framing this halves the indexOf calls.
      const first = text.charCodeAt(pos);
      if (first === LF || first === CR) {
        this.dispatch();
        pos = this.afterLineEnd(text, pos);
        continue;
      }
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      let eol: number;
      if (cr === -1) {
        if (lf === -1) break;
        eol = lf;
      } else {
        eol = lf === -1 || cr < lf ? cr : lf;
      }
      this.completeLine(text, pos, eol);
      pos = this.afterLineEnd(text, eol);
    }
    if (pos < len) this.startPartialLine(text, pos, len);
  }

  /** End of input: an unterminated block is discarded; a streamed one is reported incomplete. */
  end(): void {
    if (this.streaming) this.sink.streamEnd(false);
    this.streaming = false;
    this.data = '';
    this.dataLines = 0;
    this.eventType = '';
    this.pending = '';
    this.mode = LINE_START;
    this.expectSpace = false;
    this.skipLF = false;
  }

  private afterLineEnd(text: string, eol: number): number {
    const next = eol + 1;
    if (text.charCodeAt(eol) !== CR) return next;
    if (next === text.length) {
      this.skipLF = true;
      return next;
    }
    return text.charCodeAt(next) === LF ? next + 1 : next;
  }

  /** A line lying entirely inside `text`, [start, end) without its line end. */
  private completeLine(text: string, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    const first = text.charCodeAt(start);
    // Fast path for "data:". text[end] is CR or LF, so a colon at start+4 implies start+4 < end.
    if (
      first === 0x64 &&
      text.charCodeAt(start + 4) === COLON &&
      text.charCodeAt(start + 1) === 0x61 &&
      text.charCodeAt(start + 2) === 0x74 &&
      text.charCodeAt(start + 3) === 0x61
    ) {
      let valueStart = start + 5;
      if (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
      this.dataLine(text.slice(valueStart, end));
      return;
    }
    if (first === COLON) return;
    let colon = -1;
    for (let i = start; i < end; i++) {
      if (text.charCodeAt(i) === COLON) {
        colon = i;
        break;
      }
    }
    if (colon === -1) {
      this.field(text.slice(start, end), '');
      return;
    }
    let valueStart = colon + 1;
    if (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
    this.field(text.slice(start, colon), text.slice(valueStart, end));
  }

  private field(name: string, value: string): void {
    if (value.length > this.maxBufferedData && (name === 'event' || name === 'id' || name === 'retry')) {
      this.fieldTooLong(name);
    }
    switch (name) {
      case 'data':
        this.dataLine(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (value.indexOf('\0') === -1) this.lastEventId = value;
        break;
      case 'retry':
        if (isAsciiDigits(value)) this.sink.retry(Number(value));
        break;
      default:
      // unknown field: ignored
    }
  }

  private dataLine(value: string): void {
    if (this.streaming) {
      if (this.dataLines++ > 0) this.sink.streamChunk('\n');
      if (value.length > 0) this.sink.streamChunk(value);
      return;
    }
    this.data = this.dataLines++ === 0 ? value : this.data + '\n' + value;
    if (this.data.length > this.maxBufferedData) this.startStreaming();
  }

  private dispatch(): void {
    if (this.streaming) {
      this.streaming = false;
      this.sink.streamEnd(true);
    } else if (this.dataLines > 0) {
      this.sink.message(this.data, this.eventType, this.lastEventId);
    }
    this.data = '';
    this.dataLines = 0;
    this.eventType = '';
  }

  private startStreaming(): void {
    this.streaming = true;
    this.sink.streamStart(this.eventType, this.lastEventId);
    const buffered = this.data;
    this.data = '';
    if (buffered.length > 0) this.sink.streamChunk(buffered);
  }

  /** The unfinished last line of a push, [start, end): classify it by its field name. */
  private startPartialLine(text: string, start: number, end: number): void {
    if (text.charCodeAt(start) === COLON) {
      this.mode = LINE_IGNORE;
      return;
    }
    const scanEnd = Math.min(end, start + LONGEST_FIELD_NAME + 1);
    let colon = -1;
    for (let i = start; i < scanEnd; i++) {
      if (text.charCodeAt(i) === COLON) {
        colon = i;
        break;
      }
    }
    if (colon === -1) {
      if (end - start > LONGEST_FIELD_NAME) {
        this.mode = LINE_IGNORE;
      } else {
        this.mode = LINE_NAME;
        this.pending = text.slice(start, end);
      }
      return;
    }
    const name = text.slice(start, colon);
    if (name === 'data') {
      this.mode = LINE_DATA;
      if (this.dataLines++ > 0) this.appendData('\n');
    } else if (name === 'event' || name === 'id' || name === 'retry') {
      this.mode = LINE_VALUE;
      this.valueField = name;
      this.pending = '';
    } else {
      this.mode = LINE_IGNORE;
      return;
    }
    this.expectSpace = true;
    this.continueLine(text, colon + 1, end);
  }

  /** More of the unfinished line's value, [start, end). */
  private continueLine(text: string, start: number, end: number): void {
    if (this.mode === LINE_IGNORE || start === end) return;
    let from = start;
    if (this.expectSpace) {
      this.expectSpace = false;
      if (text.charCodeAt(from) === SPACE && ++from === end) return;
    }
    const piece = text.slice(from, end);
    if (this.mode === LINE_DATA) {
      this.appendData(piece);
      return;
    }
    this.pending += piece;
    if (this.pending.length > this.maxBufferedData) this.fieldTooLong(this.valueField);
  }

  /** event/id/retry values are buffered whole, so they are capped like buffered data. */
  private fieldTooLong(name: string): never {
    throw new SseError('SSE_FIELD_TOO_LONG', `SSE "${name}" field longer than ${this.maxBufferedData} chars`);
  }

  private finishLine(): void {
    if (this.mode === LINE_VALUE) {
      const value = this.pending;
      this.pending = '';
      this.field(this.valueField, value);
    }
    this.mode = LINE_START;
    this.expectSpace = false;
  }

  private appendData(piece: string): void {
    if (this.streaming) {
      this.sink.streamChunk(piece);
      return;
    }
    this.data += piece;
    if (this.data.length > this.maxBufferedData) this.startStreaming();
  }
}

function isAsciiDigits(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
