import { describe, expect, it } from 'vitest';
import { deriveMatchFields } from '../../../../../src/lib/features/matching/derived/fields.js';
import {
  poolEntryOf,
  poolShardOf,
  poolShardProfiles,
  POOL_SHARD_COUNT,
  preparedFromPoolEntry,
} from '../../../../../src/lib/features/matching/derived/pool.js';
import { userRecord } from '../../../../../src/lib/features/matching/documents.js';
import { rankUserMatches } from '../../../../../src/lib/features/matching/scoring/index.js';
import { randomProfile, seededRandom } from '../scoring/random-profiles.js';

describe('poolShardOf', () => {
  it('is stable, in range and spreads sequential ids over the shards', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3_200; i++) {
      const shard = poolShardOf(`user-${i}`);
      expect(shard).toMatch(/^s\d\d$/);
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    expect(poolShardOf('user-7')).toBe(poolShardOf('user-7'));
    expect(counts.size).toBe(POOL_SHARD_COUNT);
    for (const count of counts.values()) expect(count).toBeGreaterThan(50);
  });
});

describe('prepared pool entries', () => {
  it('rank exactly like the raw profiles they were derived from (scores, components, explanations)', () => {
    const random = seededRandom(13);
    const raw = Array.from({ length: 400 }, (_, i) => randomProfile(random, `u${i}`));
    // What the trigger stores, and what a request reads back (plain data, as Firestore returns it).
    const shard = {
      entries: Object.fromEntries(
        raw.map((profile) => [
          profile.id,
          JSON.parse(JSON.stringify(poolEntryOf(deriveMatchFields(profile as unknown as Record<string, unknown>)))),
        ]),
      ),
    };
    const pooled = poolShardProfiles(shard);
    expect(pooled).toHaveLength(raw.length);
    for (let v = 0; v < 20; v++) {
      const viewer = userRecord('viewer', randomProfile(random, 'viewer') as unknown as Record<string, unknown>);
      // The raw side goes through the same read bounds as a request (userRecord), like the trigger.
      const records = raw.map((profile) => userRecord(profile.id, profile as unknown as Record<string, unknown>));
      const expected = rankUserMatches(viewer, records, { limit: 10 });
      expect(rankUserMatches(viewer, pooled, { limit: 10 })).toEqual(expected);
    }
  });

  it('reads a malformed entry as an empty profile, never throws', () => {
    for (const entry of [
      null,
      'x',
      { interests: 'x', lat: 'north', lng: 5 },
      { interests: [1, 'ok'], lat: 999, lng: 1 },
    ]) {
      const prepared = preparedFromPoolEntry('u', entry);
      expect(prepared.id).toBe('u');
      expect(Number.isNaN(prepared.location.lat)).toBe(true);
    }
    expect(preparedFromPoolEntry('u', { interests: [1, 'ok'] }).interests.keys).toEqual(['ok']);
    expect(poolShardProfiles(undefined)).toEqual([]);
    expect(poolShardProfiles({ entries: 'nope' })).toEqual([]);
  });
});
