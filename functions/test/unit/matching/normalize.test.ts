import { describe, expect, it } from 'vitest';
import { foldTag, foldText, normalizeTag, MAX_NORMALIZED_LENGTH } from '../../../src/lib/matching/normalize.js';
import { singularWord } from '../../../src/lib/matching/singular.js';

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
