// The prepared candidate pool: every visible profile's derived keys, packed into a few server-only
// documents so that one request ranks everyone with a handful of billed reads instead of hundreds of
// profile reads (docs/matching.md, "The prepared pool").
//
//   matchPool/{shard}: { entries: { <uid>: PoolEntry }, updatedAt }      shard = "s00".."s31"
//
// A profile lives in shard fnv1a(uid) % POOL_SHARD_COUNT. The profile trigger sets or deletes its
// entry with a field-path update (no read, no transaction), and removes it when the person is not
// visible (discoverable: false, suspended, deleted), so the pool only ever holds people who may be
// suggested. The request side still re-reads the winners (service.ts), so a pool entry a second
// stale never shows a hidden person.
//
// Size: an entry is bounded by DERIVED_TAG_LIMITS (30 + 10 keys of <= 64 characters) and three
// place keys: under 3 KB at worst, ~250 bytes typically, so a shard stays under Firestore's 1 MiB
// for ~350 worst-case or ~4,000 typical entries: 32 shards hold ~10k worst-case or ~120k typical
// profiles. firestore.indexes.json exempts `entries` from indexing (a map's subfields are indexed
// by default, and a document may have at most 40,000 index entries).
import type { DocumentData } from 'firebase-admin/firestore';
import { preparedFromKeys, type PreparedProfile } from '../scoring/index.js';
import type { MatchFields } from './fields.js';

export const POOL_COLLECTION = 'matchPool';
export const POOL_SHARD_COUNT = 32;

/** What the pool keeps of a profile: the derived keys the scorer reads, nothing else (no name, no bio). */
export interface PoolEntry {
  interests: string[];
  purposes: string[];
  city: string;
  region: string;
  country: string;
  /** The cell point, or null. */
  lat: number | null;
  lng: number | null;
}

/** FNV-1a over the uid's UTF-16 units: stable across runtimes, spreads sequential ids. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function poolShardOf(uid: string): string {
  return `s${String(fnv1a(uid) % POOL_SHARD_COUNT).padStart(2, '0')}`;
}

export function poolEntryOf(fields: MatchFields): PoolEntry {
  return {
    interests: fields.interests,
    purposes: fields.purposes,
    city: fields.city,
    region: fields.region,
    country: fields.country,
    lat: fields.position?.lat ?? null,
    lng: fields.position?.lng ?? null,
  };
}

function stringList(value: unknown, max: number): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is string => typeof item === 'string' && item !== '' && item.length <= 64)
    .slice(0, max);
}

function text(value: unknown): string {
  return typeof value === 'string' && value.length <= 64 ? value : '';
}

function coordinate(value: unknown, bound: number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= bound ? value : null;
}

/**
 * A pool entry as the scorer takes it. The pool is server-written, but it is read defensively all
 * the same: anything malformed becomes empty rather than reaching the scorer.
 */
export function preparedFromPoolEntry(uid: string, value: unknown): PreparedProfile {
  const entry = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const lat = coordinate(entry.lat, 90);
  const lng = coordinate(entry.lng, 180);
  return preparedFromKeys({
    id: uid,
    interests: stringList(entry.interests, 30),
    purposes: stringList(entry.purposes, 10),
    city: text(entry.city),
    region: text(entry.region),
    country: text(entry.country),
    position: lat === null || lng === null ? null : { lat, lng },
  });
}

/** Every entry of a pool shard document as prepared profiles. */
export function poolShardProfiles(data: DocumentData | undefined): PreparedProfile[] {
  const entries: unknown = data?.entries;
  if (entries === null || typeof entries !== 'object') return [];
  return Object.entries(entries as Record<string, unknown>).map(([uid, entry]) => preparedFromPoolEntry(uid, entry));
}
