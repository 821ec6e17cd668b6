// Tag stuffing: many interests written into one tag, so that containment matched one tag against
// several of the viewer's. A tag now counts once, against one tag (a one-to-one matching), so a
// stuffed tag is worth what one genuine shared tag is worth. The profiles are the seed's (the demo
// viewer and the people `npm start` shows) plus the stuffed ones an attacker wrote.
import { describe, expect, it } from 'vitest';
import { DEMO_PROFILE, SEED_USERS } from '../../../../../dev/seed.js';
import {
  rankUserMatches,
  scoreUserMatch,
  type MatchProfile,
} from '../../../../../src/lib/features/matching/scoring/index.js';

const viewer: MatchProfile = { id: 'demo', ...DEMO_PROFILE };
const seeded = SEED_USERS.map((user) => ({ ...user }));

/** What was measured: one interest and one purpose holding everything, and no location at all. */
const stuffed: MatchProfile = {
  id: 'stuffed',
  interests: ['hiking photography coffee board games machine learning'],
  purposes: ['friendship networking'],
};

describe('a stuffed tag counts as one tag', () => {
  it('scores a stuffed profile like one with a single genuine shared tag, not 1.0', () => {
    const score = scoreUserMatch(viewer, stuffed);
    const honestSingle = scoreUserMatch(viewer, { id: 'one', interests: ['hiking'], purposes: ['friendship'] });
    expect(score.components.interests).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(score.components.purpose).toBeCloseTo(1 / Math.sqrt(2), 12);
    expect(score.components).toEqual(honestSingle.components);
    // And it is reported as one tag matched, not five.
    expect(score.matched.interests).toHaveLength(1);
    expect(score.matched.purposes).toHaveLength(1);
  });

  it('no longer outranks the seeded people who genuinely share two or more interests', () => {
    const ranking = rankUserMatches(viewer, [...seeded, stuffed], { limit: 20 });
    const rankOf = (id: string) => ranking.findIndex((match) => match.id === id);
    const genuine = seeded.filter((person) => scoreUserMatch(viewer, person).matched.interests.length >= 2);
    expect(genuine.length).toBeGreaterThanOrEqual(3);
    for (const person of genuine) expect(rankOf(person.id), person.id).toBeLessThan(rankOf('stuffed'));
  });

  it('holds for the spellings a stuffer would try: separators, hashtags, plurals, repeated words', () => {
    for (const tag of [
      'hiking, photography, coffee, board games, machine learning',
      '#hiking #photography #coffee #boardgames #machinelearning hiking photography',
      'Hikes Hiking Photography Photographs Coffee Coffees Board Games Machine Learning',
      'hiking/photography/coffee/board-games/machine-learning',
    ]) {
      const { components } = scoreUserMatch(viewer, { id: 'x', interests: [tag] });
      expect(components.interests, tag).toBeLessThanOrEqual(1 / Math.sqrt(5) + 1e-12);
    }
  });

  it('gives several stuffed tags no more than the same number of honest tags', () => {
    // Five permutations of the same words: five tags, so at most five of the viewer's can match, and
    // a viewer with other interests sees them diluted like any five-tag profile.
    const words = ['hiking', 'photography', 'coffee', 'board games', 'machine learning'];
    const permutations = words.map((_, i) => [...words.slice(i), ...words.slice(0, i)].join(' '));
    const manyStuffed = scoreUserMatch(viewer, { id: 's', interests: permutations });
    const honest = scoreUserMatch(viewer, { id: 'h', interests: words });
    expect(manyStuffed.components.interests).toBeLessThanOrEqual(honest.components.interests);
    const jazzFan: MatchProfile = { id: 'j', interests: ['jazz', 'cooking', 'hiking', 'chess', 'wine'] };
    expect(scoreUserMatch(jazzFan, { id: 's', interests: permutations }).components.interests).toBeCloseTo(1 / 5, 12);
  });
});
