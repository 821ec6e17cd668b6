// Text folding for matching: tags ("Café  Culture", "#hiking", "Board-Games") and place names
// ("São Paulo", "St. Louis"). Both share `foldText`; tags additionally fold plurals word by word.
//
// foldText, in order:
//   1. NFKD, then drop combining marks: "Café" -> "cafe", fullwidth "ｙｏｇａ" -> "yoga".
//   2. Lower-case, and fold the Latin letters NFKD leaves whole (ß, ø, ł, đ, æ, œ, ı).
//   3. Every run of characters other than letters, digits, "+" and "#" becomes one space, so
//      hyphens, underscores, dots, emoji and inner whitespace all separate words the same way.
//   4. "+" and "#" survive only after a letter or digit ("c++", "c#"); a leading hashtag "#" goes.
import { singularWord } from './singular.js';

/** Normalised tags and place names are cut to this many characters. */
export const MAX_NORMALIZED_LENGTH = 64;

const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss', ø: 'o', ł: 'l', đ: 'd', æ: 'ae', œ: 'oe', ı: 'i', þ: 'th', ð: 'd',
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
  return folded.length > MAX_NORMALIZED_LENGTH
    ? folded.slice(0, MAX_NORMALIZED_LENGTH).trimEnd()
    : folded;
}

/** A tag's matching key: folded text with each word's plural folded ("Board-Games" -> "board game"). */
export function foldTag(raw: string): string {
  const folded = foldText(raw);
  if (!folded.includes('s')) return folded;
  return folded.split(' ').map(singularWord).join(' ');
}

/**
 * Memoises a pure string function with a bounded map. Ranking folds the same few hundred tags over
 * and over; clearing the whole map when it fills keeps memory bounded without LRU bookkeeping.
 */
function memoize(fn: (raw: string) => string, maxEntries: number): (raw: string) => string {
  const cache = new Map<string, string>();
  return (raw) => {
    let value = cache.get(raw);
    if (value === undefined) {
      value = fn(raw);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(raw, value);
    }
    return value;
  };
}

const CACHE_ENTRIES = 20_000;

/** Memoised `foldTag`. Returns "" for text with no letters or digits. */
export const normalizeTag = memoize(foldTag, CACHE_ENTRIES);

/** Memoised `foldText`, for city / region / country names. */
export const normalizePlace = memoize(foldText, CACHE_ENTRIES);

/** How a caller's own text is shown back (explanations): trimmed, inner whitespace collapsed, capped. */
export function displayText(raw: string): string {
  const collapsed = raw.replace(/\s+/g, ' ').trim();
  return collapsed.length > MAX_NORMALIZED_LENGTH
    ? collapsed.slice(0, MAX_NORMALIZED_LENGTH).trimEnd()
    : collapsed;
}
