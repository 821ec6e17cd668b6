// Turns the inline-data parts of a Gemini stream into image-start / image-delta events carrying
// only base64 not seen before. An image can arrive WHOLE (one part), FRAGMENTED (each event's part
// carries the next bytes) or CUMULATIVE (each event's part repeats all bytes so far, plus more).
//
// Deciding what a part is, in order:
//   1. no current image, a second image part in the same event, or a declared mimeType different
//      from the current image's                                        -> a new image;
//   2. its start equals the current image's first min(length, 64 Ki) chars -> cumulative:
//      skip up to the current length, emit the rest. When the current image is longer than 64 Ki
//      chars, the 64 chars just before that point must also equal the current image's last 64
//      chars; if they do not, the skipped data is already gone and we throw
//      GeminiProtocolError(PROTOCOL_IMAGE_MISMATCH) rather than emit a corrupt image;
//   3. it differs, but shares the first 16 chars (the file signature) or starts with a known image
//      magic (PNG, JPEG, GIF, WEBP; agreeing with the declared mimeType if any), or a non-image
//      part came since the current image                              -> a new image;
//   4. otherwise                                                      -> a fragment: emit it all.
//      If the mimeType is not known yet (it came after `data`), the part is held back (up to
//      64 Ki chars) until it ends, so that a mimeType different from the current one still makes
//      it a new image; past that it is taken as a fragment.
// A part that repeats only a prefix of the current image adds nothing.
//
// Memory per stream: the current image's first 64 Ki chars and last 64 chars; while a part is being
// classified, its first chunk(s) up to 64 Ki chars; nothing else. A prefix comparison is not enough
// on its own (two PNGs of the same size share ~40 bytes), hence the 64 Ki head and the tail window.
//
// When the mimeType is not known at the start of the data (it may come after `data` in the JSON),
// a new image's type is sniffed from its magic bytes, falling back to application/octet-stream.
import { GeminiProtocolError } from './errors.js';
import type { ImageDeltaEvent, ImageStartEvent } from './types.js';

export const IMAGE_HEAD_CHARS = 64 * 1024;
const IMAGE_TAIL_CHARS = 64;
const SIGNATURE_CHARS = 16; // 12 bytes: enough for every magic below, WEBP included
export const FALLBACK_IMAGE_MIME = 'application/octet-stream';

/** The image type named by the first base64 chars, if they start with a known magic. */
export function sniffImageMime(base64: string): string | undefined {
  const bytes = Buffer.from(base64.slice(0, SIGNATURE_CHARS), 'base64');
  const at = (i: number) => (i < bytes.length ? bytes[i] : -1);
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => at(i) === b)) return 'image/png';
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff && at(3) >= 0xc0 && at(3) <= 0xfe) return 'image/jpeg';
  if (bytes.toString('latin1', 0, 6) === 'GIF87a' || bytes.toString('latin1', 0, 6) === 'GIF89a') return 'image/gif';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

interface CurrentImage {
  /** 0-based, in image-start order */
  ordinal: number;
  mimeType: string;
  length: number;
  head: string;
  tail: string;
}

type PartMode = 'idle' | 'deciding' | 'append' | 'skip' | 'drop';
type Decision = 'new' | 'fragment' | 'cumulative' | 'repeat';

export class ImageDeduplicator {
  private current: CurrentImage | undefined;
  private imageCount = 0;
  private imagePartsThisEvent = 0;
  private otherPartSinceImage = false;
  // the part being read
  private mode: PartMode = 'idle';
  private declaredMime: string | undefined;
  private afterOtherPart = false;
  /** the part's data held back while deciding (up to IMAGE_HEAD_CHARS plus one chunk) */
  private lookPieces: string[] = [];
  private lookLength = 0;
  /** its first SIGNATURE_CHARS chars, for sniffing */
  private lookStart = '';
  /** chars of the part known to equal current.head, or -1 after a difference */
  private matched = 0;
  private mismatchAt = 0;
  private offset = 0;
  private skipUntil = 0;
  private verifyTail = false;
  private tailCheck = '';
  private partOrdinal: number | undefined;

  constructor(private readonly emit: (event: ImageStartEvent | ImageDeltaEvent) => void) {}

  /** A new SSE event (response chunk) begins. */
  startEvent(): void {
    this.imagePartsThisEvent = 0;
  }

  /** A text, thought or other non-image part was seen: the next image part cannot be a fragment. */
  noteOtherPart(): void {
    this.otherPartSinceImage = true;
  }

  beginImage(mimeType: string | undefined): void {
    this.mode = 'deciding';
    this.declaredMime = mimeType;
    this.afterOtherPart = this.otherPartSinceImage;
    this.otherPartSinceImage = false;
    this.imagePartsThisEvent++;
    this.resetLook();
    this.matched = 0;
    this.offset = 0;
    this.partOrdinal = undefined;
  }

  write(chunk: string): void {
    if (chunk.length === 0) return;
    if (this.mode !== 'deciding') {
      this.feed(chunk);
      return;
    }
    // Compared as it comes, so the held-back pieces are never concatenated or rescanned.
    this.compareWithHead(chunk);
    this.lookPieces.push(chunk);
    this.lookLength += chunk.length;
    if (this.lookStart.length < SIGNATURE_CHARS)
      this.lookStart += chunk.slice(0, SIGNATURE_CHARS - this.lookStart.length);
    this.tryDecide(false);
  }

  /**
   * Ends the part; returns the ordinal of the image it belonged to (undefined if empty).
   * `lateMimeType`: a mimeType that came after the data (used if the part is still undecided).
   */
  endImage(lateMimeType?: string): number | undefined {
    if (this.mode === 'deciding') {
      this.declaredMime ??= lateMimeType;
      this.tryDecide(true);
    }
    if (this.current) {
      // Keep copies, not slices that would pin the (possibly large) strings they came from.
      this.current.head = detach(this.current.head);
      this.current.tail = detach(this.current.tail);
    }
    this.mode = 'idle';
    this.resetLook();
    return this.partOrdinal;
  }

  private resetLook(): void {
    this.lookPieces = [];
    this.lookLength = 0;
    this.lookStart = '';
  }

  /** Updates `matched` with the next chunk of the part (which starts at offset lookLength). */
  private compareWithHead(chunk: string): void {
    const head = this.current?.head;
    if (head === undefined || this.matched < 0) return;
    const start = this.lookLength;
    const upto = Math.min(start + chunk.length, head.length);
    if (start >= upto) return;
    const at = firstDifference(chunk, head, start, upto);
    if (at === -1) {
      this.matched = upto;
    } else {
      this.matched = -1;
      this.mismatchAt = at;
    }
  }

  private tryDecide(final: boolean): void {
    const decision = this.decide(final);
    if (decision === undefined) {
      if (final) this.mode = 'drop'; // empty data: no image
      return;
    }
    const pieces = this.lookPieces;
    const sniffed = sniffImageMime(this.lookStart);
    this.resetLook();
    if (decision === 'new') {
      const mimeType = this.declaredMime ?? sniffed ?? FALLBACK_IMAGE_MIME;
      this.current = { ordinal: this.imageCount++, mimeType, length: 0, head: '', tail: '' };
      this.emit({ type: 'image-start', mimeType });
    }
    const current = this.current as CurrentImage;
    this.partOrdinal = current.ordinal;
    if (decision === 'cumulative') {
      this.mode = 'skip';
      this.skipUntil = current.length;
      this.verifyTail = current.length > current.head.length;
      this.tailCheck = '';
    } else {
      this.mode = decision === 'repeat' ? 'drop' : 'append';
    }
    for (const piece of pieces) this.feed(piece);
  }

  private decide(final: boolean): Decision | undefined {
    const length = this.lookLength;
    if (length === 0) return undefined;
    const current = this.current;
    const sniffed = length >= SIGNATURE_CHARS || final ? sniffImageMime(this.lookStart) : undefined;
    // A new image's mimeType: declared, sniffed, or (after the look-ahead is full) the fallback.
    const mimeKnown = this.declaredMime !== undefined || final || length >= IMAGE_HEAD_CHARS || sniffed !== undefined;
    if (
      !current ||
      this.imagePartsThisEvent > 1 ||
      (this.declaredMime !== undefined && this.declaredMime !== current.mimeType)
    ) {
      return mimeKnown ? 'new' : undefined;
    }
    if (this.matched === current.head.length) return 'cumulative';
    if (this.matched >= 0) return final ? 'repeat' : undefined;
    if (this.afterOtherPart || this.mismatchAt >= SIGNATURE_CHARS) return mimeKnown ? 'new' : undefined;
    if (length < SIGNATURE_CHARS && !final) return undefined;
    if (sniffed !== undefined && (this.declaredMime === undefined || this.declaredMime === sniffed)) return 'new';
    // No magic: a fragment, unless a mimeType arriving after the data says otherwise. Wait for it
    // while the part still fits in the look-ahead.
    if (this.declaredMime === undefined && !final && length < IMAGE_HEAD_CHARS) return undefined;
    return 'fragment';
  }

  private feed(chunk: string): void {
    if (chunk.length === 0) return;
    if (this.mode === 'append') {
      this.append(chunk);
      return;
    }
    if (this.mode !== 'skip') return; // drop
    const take = Math.min(chunk.length, this.skipUntil - this.offset);
    if (this.verifyTail) this.collectTail(chunk, take);
    this.offset += take;
    if (this.offset < this.skipUntil) return;
    if (this.verifyTail && this.tailCheck !== (this.current as CurrentImage).tail) {
      throw new GeminiProtocolError(
        'PROTOCOL_IMAGE_MISMATCH',
        'an image part repeated the start of the current image but not its end',
      );
    }
    this.mode = 'append';
    if (take < chunk.length) this.append(chunk.slice(take));
  }

  /** Collects the part's chars that fall in the window just before skipUntil. */
  private collectTail(chunk: string, take: number): void {
    const windowStart = this.skipUntil - (this.current as CurrentImage).tail.length;
    const from = Math.max(0, windowStart - this.offset);
    if (from < take) this.tailCheck += chunk.slice(from, take);
  }

  private append(chunk: string): void {
    const current = this.current as CurrentImage;
    this.emit({ type: 'image-delta', data: chunk });
    this.offset += chunk.length;
    current.length += chunk.length;
    if (current.head.length < IMAGE_HEAD_CHARS) current.head += chunk.slice(0, IMAGE_HEAD_CHARS - current.head.length);
    current.tail =
      chunk.length >= IMAGE_TAIL_CHARS
        ? chunk.slice(chunk.length - IMAGE_TAIL_CHARS)
        : (current.tail + chunk).slice(-IMAGE_TAIL_CHARS);
  }
}

/** First offset in [from, to) where `chunk` (which starts at offset `from`) differs from `head`, or -1. */
function firstDifference(chunk: string, head: string, from: number, to: number): number {
  if (chunk.slice(0, to - from) === head.slice(from, to)) return -1;
  for (let i = from; i < to; i++) if (chunk.charCodeAt(i - from) !== head.charCodeAt(i)) return i;
  return -1;
}

/** A flat copy of a string (a slice can keep its whole parent string alive). */
function detach(text: string): string {
  return text.length === 0 ? text : Buffer.from(text, 'utf8').toString('utf8');
}
