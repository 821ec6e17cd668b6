// Text folding for matching: tags ("Café  Culture", "#hiking", "Board-Games") and place names
// ("São Paulo", "St. Louis"). Both share `foldText`; tags additionally fold plurals word by word.
//
// foldText, in order:
//   1. NFKD, then drop combining marks: "Café" -> "cafe", fullwidth "ｙｏｇａ" -> "yoga".
//   2. Lower-case, and fold the Latin letters NFKD leaves whole (ß, ø, ł, đ, æ, œ, ı).
//   3. Every run of characters other than letters, digits, "+" and "#" becomes one space, so
//      hyphens, underscores, dots, emoji and inner whitespace all separate words the same way.
//   4. "+" and "#" survive only after a letter or digit ("c++", "c#"); a leading hashtag "#" goes.
/// <reference lib="es2024.string" />
import { singularWord } from './singular.js';
import { codePointPrefix } from '../../../platform/text-bounds.js';

/** Normalised tags and place names are cut to this many characters. */
export const MAX_NORMALIZED_LENGTH = 64;

const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  æ: 'ae',
  œ: 'oe',
  ı: 'i',
  þ: 'th',
  ð: 'd',
};

export function foldText(raw: string): string {
  const folded = raw
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßøłđæœıþð]/g, (letter) => LETTER_FOLDS[letter] ?? letter)
    .replace(/[^\p{L}\p{N}+#]+/gu, ' ')
    .replace(/(^| )[+#]+/g, '$1')
    .replace(/ {2,}/g, ' ')
    .trim();
  return codePointPrefix(folded, MAX_NORMALIZED_LENGTH).trimEnd();
}

/** A tag's matching key: folded text with each word's plural folded ("Board-Games" -> "board game"). */
export function foldTag(raw: string): string {
  const folded = foldText(raw);
  if (!folded.includes('s')) return folded;
  return folded.split(' ').map(singularWord).join(' ');
}

/** Of a tag or place name, only this many UTF-16 code units are folded: enough for any 64-character
 * key unless the text is mostly punctuation or emoji, and it keeps a 100 KB "tag" from costing
 * 100 KB of folding and memory. */
export const MAX_FOLD_INPUT_LENGTH = 4 * MAX_NORMALIZED_LENGTH;

/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 represents a slice of
 * 13 or more characters as a view into its parent, so a memo key cut from a 100 KB tag would keep
 * all 100 KB alive; a string rebuilt from its bytes is a fresh one.
 */
function detachedCopy(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

export interface FoldMemoLimits {
  maxEntries: number;
  /** Estimated bytes held (see `entryBytes`). */
  maxBytes: number;
}

/** Per-entry cost estimate: UTF-16 payload of key and value plus Map entry and string headers. */
const ENTRY_OVERHEAD_BYTES = 64;

function entryBytes(key: string, value: string): number {
  return 2 * (key.length + value.length) + ENTRY_OVERHEAD_BYTES;
}

/**
 * Memoises a fold over a bounded input: keys are the first MAX_FOLD_INPUT_LENGTH code units (the
 * only part the fold reads), stored as detached copies, and the memo is capped in entries and in
 * estimated bytes. Ranking folds the same few hundred tags over and over; clearing the whole map
 * when it fills keeps memory bounded without LRU bookkeeping.
 */
export class FoldMemo {
  private readonly entries = new Map<string, string>();
  private heldBytes = 0;

  constructor(
    private readonly fold: (text: string) => string,
    private readonly limits: FoldMemoLimits,
  ) {}

  get(raw: string): string {
    // Fast path: a short text is its own key (no key is longer than MAX_FOLD_INPUT_LENGTH).
    return this.entries.get(raw) ?? this.getBounded(codePointPrefix(raw, MAX_FOLD_INPUT_LENGTH));
  }

  private getBounded(input: string): string {
    const hit = this.entries.get(input);
    if (hit !== undefined) return hit;
    // Fold the detached copy, so the value cannot be a view into the caller's string either.
    const key = detachedCopy(input);
    const value = this.fold(key);
    const cost = entryBytes(key, value);
    if (this.entries.size >= this.limits.maxEntries || this.heldBytes + cost > this.limits.maxBytes) this.clear();
    this.entries.set(key, value);
    this.heldBytes += cost;
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.heldBytes = 0;
  }

  /** What the memo holds now: entries and their estimated bytes. */
  stats(): { entries: number; bytes: number; maxKeyLength: number } {
    let maxKeyLength = 0;
    for (const key of this.entries.keys()) maxKeyLength = Math.max(maxKeyLength, key.length);
    return { entries: this.entries.size, bytes: this.heldBytes, maxKeyLength };
  }
}

export const FOLD_MEMO_LIMITS: Readonly<FoldMemoLimits> = Object.freeze({
  maxEntries: 20_000,
  maxBytes: 4 * 1024 * 1024,
});

export const tagKeyMemo = new FoldMemo(foldTag, FOLD_MEMO_LIMITS);
export const placeKeyMemo = new FoldMemo(foldText, FOLD_MEMO_LIMITS);

/** Memoised `foldTag` of the tag's first MAX_FOLD_INPUT_LENGTH code units. "" for text with no letters or digits. */
export function normalizeTag(raw: string): string {
  return tagKeyMemo.get(raw);
}

/** Memoised `foldText`, for city / region / country names (bounded like `normalizeTag`). */
export function normalizePlace(raw: string): string {
  return placeKeyMemo.get(raw);
}

/**
 * How a caller's own text is shown back (explanations, prompts): well-formed, trimmed, inner
 * whitespace collapsed, capped on a code point boundary. Reads a bounded prefix, like the folds.
 */
export function displayText(raw: string): string {
  const collapsed = codePointPrefix(raw, MAX_FOLD_INPUT_LENGTH).toWellFormed().replace(/\s+/g, ' ').trim();
  return codePointPrefix(collapsed, MAX_NORMALIZED_LENGTH).trimEnd();
}
