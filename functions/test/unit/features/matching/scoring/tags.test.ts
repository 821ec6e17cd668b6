import { describe, expect, it } from 'vitest';
import { keysMatch, MAX_TAGS, prepareTags, TagMatcher } from '../../../../../src/lib/features/matching/scoring/tags.js';

function overlapOf(a: unknown, b: unknown) {
  const matcher = new TagMatcher(prepareTags(a));
  const other = prepareTags(b);
  return { score: matcher.overlap(other), matched: matcher.matchedTags(other) };
}

describe('keysMatch', () => {
  it('matches equal keys, however short', () => {
    expect(keysMatch('ai', 'ai')).toBe(true);
  });

  it('matches by containment when the shorter key has at least 4 characters', () => {
    expect(keysMatch('music', 'indie music')).toBe(true);
    expect(keysMatch('indie music', 'music')).toBe(true);
    expect(keysMatch('tech', 'biotech')).toBe(true);
  });

  it('does not let short keys match by containment', () => {
    expect(keysMatch('ai', 'painting')).toBe(false);
    expect(keysMatch('art', 'martial art')).toBe(false);
  });

  it('does not match unrelated keys', () => {
    expect(keysMatch('hiking', 'hike')).toBe(false);
    expect(keysMatch('jazz', 'salsa')).toBe(false);
  });
});

describe('prepareTags', () => {
  it('deduplicates by normalised key, keeping the first spelling and input order', () => {
    const tags = prepareTags(['Board  Games', 'hiking', 'board-game', 'HIKING', 'Café']);
    expect(tags.keys).toEqual(['board game', 'hiking', 'cafe']);
    expect(tags.originals).toEqual(['Board  Games', 'hiking', 'Café']);
  });

  it('shows matched tags back trimmed with whitespace collapsed', () => {
    const matcher = new TagMatcher(prepareTags(['  Board \t Games ', 'jazz']));
    expect(matcher.matchedTags(prepareTags(['board game']))).toEqual(['Board Games']);
  });

  it('ignores non-arrays, non-strings and blank tags', () => {
    expect(prepareTags('hiking').keys).toEqual([]);
    expect(prepareTags({ 0: 'hiking' }).keys).toEqual([]);
    expect(prepareTags([null, 3, '', '   ', '🎉', { tag: 'x' }, 'yoga']).keys).toEqual(['yoga']);
  });

  it(`keeps at most ${MAX_TAGS} distinct tags`, () => {
    const many = Array.from({ length: 100 }, (_, i) => `tag${i}`);
    expect(prepareTags(many).keys).toHaveLength(MAX_TAGS);
  });
});

describe('overlap', () => {
  it('is 1 for identical lists and 0 for disjoint or empty ones', () => {
    expect(overlapOf(['hiking', 'jazz'], ['Jazz', 'Hiking']).score).toBe(1);
    expect(overlapOf(['hiking'], ['jazz']).score).toBe(0);
    expect(overlapOf([], ['jazz']).score).toBe(0);
    expect(overlapOf(undefined, undefined).score).toBe(0);
  });

  it("is the geometric mean of both sides' matched share", () => {
    // 2 of 4 on one side, 2 of 5 on the other.
    const a = ['hiking', 'jazz', 'chess', 'wine'];
    const b = ['Hiking', 'JAZZ', 'salsa', 'tennis', 'golf'];
    expect(overlapOf(a, b).score).toBeCloseTo(Math.sqrt((2 / 4) * (2 / 5)), 15);
  });

  it('gives one tag against forty a modest score, not a perfect one', () => {
    const forty = [...Array.from({ length: 39 }, (_, i) => `topic${i}`), 'hiking'];
    const score = overlapOf(['hiking'], forty).score;
    expect(score).toBeCloseTo(Math.sqrt(1 / 40), 15);
    expect(score).toBeGreaterThan(0.1);
    expect(score).toBeLessThan(0.2);
  });

  it('matches a tag once, against one tag', () => {
    // "music" is contained in both of the other side's tags, but counts against one of them.
    expect(overlapOf(['music'], ['indie music', 'music festival']).score).toBeCloseTo(Math.sqrt(1 / 2), 15);
    expect(overlapOf(['indie music', 'music festival'], ['music']).matched).toEqual(['indie music']);
    // Two tags that each contain it can still both match, each against its own tag.
    expect(overlapOf(['music', 'festival'], ['indie music', 'music festival']).score).toBe(1);
  });

  it('finds the largest one-to-one matching, not the first greedy one', () => {
    // Greedy in order would give "music" to "indie music festival" and leave "indie music" alone.
    expect(overlapOf(['indie music festival', 'indie music'], ['music', 'festival']).score).toBe(1);
  });

  it('is symmetric bit for bit', () => {
    const a = ['music', 'hiking', 'Board games', 'ai'];
    const b = ['indie music', 'games', 'painting', 'wine', 'tennis'];
    expect(overlapOf(a, b).score).toBe(overlapOf(b, a).score);
  });

  it("reports the first argument's matched tags in its own spelling and order", () => {
    expect(overlapOf(['Wine', 'Indie Music', 'AI', 'Cafés'], ['cafe', 'music', 'painting']).matched).toEqual([
      'Indie Music',
      'Cafés',
    ]);
  });

  it('does not let "ai" match "painting" by containment', () => {
    expect(overlapOf(['AI'], ['painting']).score).toBe(0);
  });
});

describe('TagMatcher.weightedOverlap', () => {
  it('equals the unweighted overlap when every weight is 1', () => {
    const matcher = new TagMatcher(prepareTags(['hiking', 'jazz', 'chess']));
    const other = prepareTags(['jazz', 'salsa']);
    const weighted = matcher.weightedOverlap({
      keys: other.keys,
      weights: other.keys.map(() => 1),
      totalWeight: other.keys.length,
    });
    expect(weighted).toBe(matcher.overlap(other));
  });

  it('matches one-to-one by the heaviest tags: one own tag is not counted for two', () => {
    const matcher = new TagMatcher(prepareTags(['music']));
    const signal = { keys: ['indie music', 'music festival'], weights: [0.25, 0.75], totalWeight: 1 };
    expect(matcher.weightedOverlap(signal)).toBeCloseTo(Math.sqrt(1 * 0.75), 15);
    expect(matcher.matchedTags(signal)).toEqual(['music']);
  });

  it("uses the matched share of the other side's weight", () => {
    const matcher = new TagMatcher(prepareTags(['jazz']));
    const score = matcher.weightedOverlap({ keys: ['jazz', 'salsa'], weights: [0.25, 0.75], totalWeight: 1 });
    expect(score).toBeCloseTo(Math.sqrt(1 * 0.25), 15);
  });
});

describe('TagMatcher reuse', () => {
  it('gives each comparison a fresh tally (no hits carried over from the previous list)', () => {
    const matcher = new TagMatcher(prepareTags(['hiking', 'jazz']));
    expect(matcher.matchedTags(prepareTags(['hiking']))).toEqual(['hiking']);
    expect(matcher.matchedTags(prepareTags(['jazz']))).toEqual(['jazz']);
    expect(matcher.overlap(prepareTags(['jazz']))).toBeCloseTo(Math.sqrt(1 / 2), 15);
  });
});
