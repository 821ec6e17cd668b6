import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  displayText,
  FOLD_MEMO_LIMITS,
  FoldMemo,
  foldTag,
  foldText,
  MAX_FOLD_INPUT_LENGTH,
  MAX_NORMALIZED_LENGTH,
  normalizeTag,
  tagKeyMemo,
} from '../../../../../src/lib/features/matching/scoring/normalize.js';
import { singularWord } from '../../../../../src/lib/features/matching/scoring/singular.js';

describe('foldText', () => {
  it.each([
    ['Café', 'cafe'],
    ['  São   Paulo ', 'sao paulo'],
    ['St. Louis', 'st louis'],
    ['Straße', 'strasse'],
    ['København', 'kobenhavn'],
    ['Łódź', 'lodz'],
    ['ｙｏｇａ', 'yoga'],
    ['rock\tand\nroll', 'rock and roll'],
    ['hip-hop_dance', 'hip hop dance'],
    ['#photography', 'photography'],
    ['C++', 'c++'],
    ['C#', 'c#'],
    ['music 🎵 festivals', 'music festivals'],
  ])('folds %j to %j', (raw, folded) => {
    expect(foldText(raw)).toBe(folded);
  });

  it('returns an empty key for text without letters or digits', () => {
    expect(foldText(' -- 🎉 ## ')).toBe('');
  });

  it('caps the key length', () => {
    expect(foldText('a'.repeat(500))).toHaveLength(MAX_NORMALIZED_LENGTH);
  });
});

describe('plural folding', () => {
  it.each([
    ['hikes', 'hike'],
    ['games', 'game'],
    ['parties', 'party'],
    ['hobbies', 'hobby'],
    ['movies', 'movie'],
    ['cookies', 'cookie'],
    ['classes', 'class'],
    ['boxes', 'box'],
    ['beaches', 'beach'],
    ['quizzes', 'quiz'],
    ['photos', 'photo'],
    ['courses', 'course'],
  ])('folds %j to %j', (plural, singular) => {
    expect(singularWord(plural)).toBe(singular);
  });

  it.each(['chess', 'fitness', 'tennis', 'campus', 'news', 'series', 'christmas', 'gas', 'yes', 'hiking'])(
    'leaves %j alone',
    (word) => {
      expect(singularWord(word)).toBe(word);
    },
  );

  it('folds every word of a multi-word tag', () => {
    expect(foldTag('Board-Games')).toBe('board game');
    expect(foldTag('Arts and Crafts')).toBe('art and craft');
  });

  it('gives a plural and its singular the same key regardless of case and accents', () => {
    expect(normalizeTag('CAFÉS')).toBe(normalizeTag('cafe'));
    expect(normalizeTag('Parties')).toBe(normalizeTag('party'));
  });

  it('does not stem: "hiking" and "hikes" stay different keys', () => {
    expect(normalizeTag('hiking')).not.toBe(normalizeTag('hikes'));
  });
});

/** A garbage collector for this test: vitest workers do not run with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const hugeTag = (i: number) => `tag ${i} ${'x'.repeat(100_000)}`;

describe('bounded folding', () => {
  it('keeps little memory after folding 300 distinct 100 KB tags (it kept ~60 MB when the memo held raw strings)', () => {
    const gc = exposeGc();
    const before = heapAfterGc(gc);
    const keys = new Set<string>();
    for (let i = 0; i < 300; i++) keys.add(normalizeTag(hugeTag(i)));
    const retainedBytes = heapAfterGc(gc) - before;
    expect(keys.size).toBe(300);
    expect(retainedBytes).toBeLessThan(5 * 1024 * 1024);
  });

  it('keys the memo by the bounded form: tags equal in their first MAX_FOLD_INPUT_LENGTH code units share one entry', () => {
    tagKeyMemo.clear();
    const head = 'a'.repeat(MAX_FOLD_INPUT_LENGTH);
    expect(normalizeTag(`${head}${'b'.repeat(50_000)}`)).toBe(normalizeTag(`${head}${'c'.repeat(70_000)}`));
    const stats = tagKeyMemo.stats();
    expect(stats.entries).toBe(1);
    expect(stats.maxKeyLength).toBe(MAX_FOLD_INPUT_LENGTH);
  });

  it('folds a tag by its first MAX_FOLD_INPUT_LENGTH code units and realistic tags exactly as before', () => {
    const long = `Board Games ${'z'.repeat(1_000)}`;
    expect(normalizeTag(long)).toBe(foldTag(long.slice(0, MAX_FOLD_INPUT_LENGTH)));
    for (const tag of ['Board-Games', 'CAFÉS', '#photography', 'indie music'])
      expect(normalizeTag(tag)).toBe(foldTag(tag));
  });

  it('caps the memo in estimated bytes, not only in entries', () => {
    const memo = new FoldMemo(foldText, { maxEntries: 1_000_000, maxBytes: 20_000 });
    let peak = 0;
    for (let i = 0; i < 2_000; i++) {
      memo.get(`${i} ${'q'.repeat(MAX_FOLD_INPUT_LENGTH)}`);
      peak = Math.max(peak, memo.stats().bytes);
    }
    expect(peak).toBeLessThanOrEqual(20_000);
    expect(memo.stats().entries).toBeGreaterThan(0);
  });

  it('caps the global memos in bytes', () => {
    tagKeyMemo.clear();
    for (let i = 0; i < 30_000; i++) normalizeTag(`${i} ${'w'.repeat(MAX_FOLD_INPUT_LENGTH)}`);
    expect(tagKeyMemo.stats().bytes).toBeLessThanOrEqual(FOLD_MEMO_LIMITS.maxBytes);
  });

  it('shows text back well-formed and capped without splitting a surrogate pair', () => {
    const shown = displayText(`${'a'.repeat(MAX_NORMALIZED_LENGTH - 1)}😀 more`);
    expect(shown).toBe('a'.repeat(MAX_NORMALIZED_LENGTH - 1));
    expect(displayText('Oak\ud83dland  hills')).toBe('Oak\ufffdland hills');
    expect(displayText(`${' '.repeat(10_000)}hiking`)).toBe('');
    expect(foldText(`${'a'.repeat(MAX_NORMALIZED_LENGTH - 1)}𠀀`)).toBe('a'.repeat(MAX_NORMALIZED_LENGTH - 1));
  });
});
