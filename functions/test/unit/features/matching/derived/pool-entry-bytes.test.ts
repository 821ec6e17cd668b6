// A pool entry is bounded in bytes as Firestore counts them (UTF-8), not in characters: a profile at
// the rules' limits written in CJK (3 bytes a character) took 8.4 KB, now at most 3 KiB, like the
// ASCII one; the tags cut are the last ones of the longer list.
import { describe, expect, it } from 'vitest';
import { deriveMatchFields, fitPoolEntry } from '../../../../../src/lib/features/matching/derived/fields.js';
import {
  POOL_ENTRY_MAX_BYTES,
  poolEntryBytes,
  poolEntryOf,
  poolLevelOf,
  poolShardAt,
  poolShardOf,
  poolShardProfiles,
} from '../../../../../src/lib/features/matching/derived/pool.js';

/** Distinct CJK text of `length` characters (3 UTF-8 bytes each), numbered so that tags differ. */
function cjk(seed: number, length: number): string {
  return Array.from({ length }, (_, i) => String.fromCodePoint(0x4e00 + ((seed * 131 + i * 7) % 20_000))).join('');
}

/** A profile at the rules' limits: 50 interests and 20 purposes of 64 characters, 100-character places. */
function atTheLimits(text: (seed: number, length: number) => string): Record<string, unknown> {
  return {
    interests: Array.from({ length: 50 }, (_, i) => text(i, 64)),
    purposes: Array.from({ length: 20 }, (_, i) => text(100 + i, 64)),
    location: { city: text(200, 60), region: text(201, 60), country: text(202, 60), lat: 35.68, lng: 139.69 },
  };
}

/** Firestore's size of plain data, computed independently of the code under test. */
function firestoreSize(value: unknown): number {
  if (typeof value === 'string') return new TextEncoder().encode(value).length + 1;
  if (typeof value === 'number') return 8;
  if (value === null) return 1;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + firestoreSize(item), 0);
  return Object.entries(value as object).reduce(
    (sum, [key, item]) => sum + firestoreSize(key) + firestoreSize(item),
    0,
  );
}

describe('the pool entry bound, in bytes', () => {
  it('keeps a CJK profile at the limits within 3 KiB, keeping its first tags of both lists', () => {
    const profile = atTheLimits(cjk);
    const fields = deriveMatchFields(profile);
    const entry = poolEntryOf(fields);
    expect(poolEntryBytes(entry)).toBe(firestoreSize(entry));
    expect(firestoreSize(entry)).toBeLessThanOrEqual(POOL_ENTRY_MAX_BYTES);
    // Unbounded, the same profile's entry was over 8 KB.
    const unbounded = {
      ...fields,
      interests: (profile.interests as string[]).slice(0, 30),
      purposes: (profile.purposes as string[]).slice(0, 10),
    };
    expect(firestoreSize(poolEntryOf(unbounded))).toBeGreaterThan(8_000);
    // What is kept is the start of each list, and both lists keep some.
    expect(fields.interests.length).toBeGreaterThan(0);
    expect(fields.purposes.length).toBeGreaterThan(0);
    expect(fields.interests).toEqual(unbounded.interests.slice(0, fields.interests.length));
    expect(fields.purposes).toEqual(unbounded.purposes.slice(0, fields.purposes.length));
  });

  it('leaves an ASCII profile at the limits whole (30 and 10 keys) and within the bound', () => {
    const ascii = (seed: number, length: number) => `tag${seed}`.padEnd(length, 'x');
    const fields = deriveMatchFields(atTheLimits(ascii));
    expect(fields.interests).toHaveLength(30);
    expect(fields.purposes).toHaveLength(10);
    expect(firestoreSize(poolEntryOf(fields))).toBeLessThanOrEqual(POOL_ENTRY_MAX_BYTES);
  });

  it('counts a key that folding expanded at its stored size (folding stops at 64 characters)', () => {
    // U+FDFA folds (NFKD) into 18 Arabic letters (2 bytes each in UTF-8); a key keeps 64 characters.
    const fields = deriveMatchFields({
      interests: ['\uFDFA'.repeat(64), 'chess'],
      location: { city: '\uFDFA'.repeat(20) },
    });
    expect(fields.interests[0]).toHaveLength(64);
    expect(fields.city).toHaveLength(64);
    expect(poolEntryBytes(poolEntryOf(fields))).toBe(firestoreSize(poolEntryOf(fields)));
  });

  it('fitPoolEntry changes nothing that already fits', () => {
    const fields = deriveMatchFields({ interests: ['hiking', 'jazz'], purposes: ['friendship'] });
    expect(fitPoolEntry(fields)).toBe(fields);
  });

  it('reads back every entry of a shard filled with bounded CJK entries', () => {
    const entry = poolEntryOf(deriveMatchFields(atTheLimits(cjk)));
    const profiles = poolShardProfiles({ entries: { a: entry, b: entry } });
    expect(profiles.map((p) => p.id)).toEqual(['a', 'b']);
    expect(profiles[0].interests.keys).toEqual(entry.interests);
  });
});

describe('overflow documents of a shard', () => {
  it('are named after the primary and recognised only for their own uid', () => {
    expect(poolShardAt('maya', 0)).toBe(poolShardOf('maya'));
    expect(poolShardAt('maya', 3)).toBe(`${poolShardOf('maya')}-3`);
    expect(poolLevelOf('maya', poolShardAt('maya', 3))).toBe(3);
    expect(poolLevelOf('maya', undefined)).toBe(0);
    expect(poolLevelOf('maya', `${poolShardOf('maya')}-99`)).toBe(0);
    const other = ['a', 'b', 'c', 'd', 'e'].find((uid) => poolShardOf(uid) !== poolShardOf('maya'))!;
    expect(poolLevelOf('maya', poolShardAt(other, 2))).toBe(0);
  });
});
