import { geohashForLocation } from 'geofire-common';
import { describe, expect, it } from 'vitest';
import {
  deriveMatchFields,
  GEOHASH_PRECISION,
  matchFieldsEqual,
  MATCH_FIELDS_VERSION,
} from '../../../../../src/lib/features/matching/derived/fields.js';
import { userRecord } from '../../../../../src/lib/features/matching/documents.js';
import { coarsePosition, prepareProfile } from '../../../../../src/lib/features/matching/scoring/index.js';

const PROFILE = {
  displayName: 'Maya',
  interests: ['Board-Games', ' hiking ', 'HIKING', '#Photography', 42],
  purposes: ['Friendship', 'activity partners'],
  location: { city: 'São Paulo', region: 'SP', country: 'Brazil', lat: -23.5505, lng: -46.6333 },
  bio: 'never derived',
};

describe('deriveMatchFields', () => {
  it('stores the keys the scorer computes, the cell point (never the raw position) and its geohash', () => {
    const fields = deriveMatchFields(PROFILE);
    const prepared = prepareProfile(userRecord('u', PROFILE));
    expect(fields.interests).toEqual(prepared.interests.keys);
    expect(fields.interests).toEqual(['board game', 'hiking', 'photography']);
    expect(fields.purposes).toEqual(['friendship', 'activity partner']);
    expect([fields.city, fields.region, fields.country]).toEqual(['sao paulo', 'sp', 'brazil']);
    expect(fields.placeKey).toBe('brazil|sp|sao paulo');
    const cell = coarsePosition(-23.5505, -46.6333)!;
    expect(fields.position).toEqual(cell);
    expect(fields.position).not.toEqual({ lat: -23.5505, lng: -46.6333 });
    expect(fields.geohash).toBe(geohashForLocation([cell.lat, cell.lng], GEOHASH_PRECISION));
    expect(fields.v).toBe(MATCH_FIELDS_VERSION);
    expect(fields.visible).toBe(true);
    expect(JSON.stringify(fields)).not.toContain('never derived');
  });

  it('is identical for two positions in one grid cell (the geohash says no more than the cell)', () => {
    const cell = coarsePosition(48.8566, 2.3522)!;
    const a = deriveMatchFields({ location: { lat: cell.lat + 0.003, lng: cell.lng + 0.004 } });
    const b = deriveMatchFields({ location: { lat: cell.lat - 0.003, lng: cell.lng - 0.004 } });
    expect(a).toEqual(b);
    expect(a.position).toEqual(cell);
  });

  it('is not visible when not discoverable or when the server-owned account state is suspended or deleted', () => {
    expect(deriveMatchFields({ discoverable: false }).visible).toBe(false);
    expect(deriveMatchFields({ accountState: 'suspended' }).visible).toBe(false);
    expect(deriveMatchFields({ accountState: 'deleted' }).visible).toBe(false);
    expect(deriveMatchFields({ accountState: 'active', discoverable: true }).visible).toBe(true);
  });

  it('degrades to empty fields for missing or malformed data, never throws', () => {
    for (const data of [{}, { interests: 'x', purposes: null, location: [1, 2] }, { location: { lat: 0, lng: 0 } }]) {
      const fields = deriveMatchFields(data);
      expect(fields.interests).toEqual([]);
      expect(fields.position).toBeNull();
      expect(fields.geohash).toBeNull();
      expect(fields.placeKey).toBeNull();
    }
  });

  it('keeps at most 30 interest and 10 purpose keys (the request bounds), so a pool entry stays small', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `tag number ${i}`);
    const fields = deriveMatchFields({ interests: many(50), purposes: many(20) });
    expect(fields.interests).toHaveLength(30);
    expect(fields.purposes).toHaveLength(10);
  });
});

describe('matchFieldsEqual (what keeps the trigger from looping)', () => {
  it('holds for a document carrying its own derived fields: the trigger write derives to itself', () => {
    const fields = deriveMatchFields(PROFILE);
    const afterTriggerWrite = { ...PROFILE, match: fields };
    expect(deriveMatchFields(afterTriggerWrite)).toEqual(fields);
    expect(matchFieldsEqual(afterTriggerWrite.match, deriveMatchFields(afterTriggerWrite))).toBe(true);
    // Firestore hands back plain objects: a round trip through JSON is what a later read sees.
    expect(matchFieldsEqual(JSON.parse(JSON.stringify(fields)), fields)).toBe(true);
  });

  it('fails on any derived change, a missing value or an older version', () => {
    const fields = deriveMatchFields(PROFILE);
    expect(matchFieldsEqual(undefined, fields)).toBe(false);
    expect(matchFieldsEqual(deriveMatchFields({ ...PROFILE, interests: ['chess'] }), fields)).toBe(false);
    expect(matchFieldsEqual(deriveMatchFields({ ...PROFILE, accountState: 'suspended' }), fields)).toBe(false);
    expect(matchFieldsEqual(deriveMatchFields({ ...PROFILE, location: { city: 'Lisbon' } }), fields)).toBe(false);
    expect(matchFieldsEqual({ ...fields, v: MATCH_FIELDS_VERSION - 1 }, fields)).toBe(false);
    // A bio or display name edit changes nothing matching derives: no second write.
    expect(matchFieldsEqual(fields, deriveMatchFields({ ...PROFILE, bio: 'new', displayName: 'M' }))).toBe(true);
  });
});
