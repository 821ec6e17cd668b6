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
// Size: an entry is bounded in bytes, as Firestore counts them (UTF-8), not in characters: its
// value takes at most POOL_ENTRY_MAX_BYTES (3 KiB; its uid key adds at most 129). Derivation
// (fields.ts, fitPoolEntry) drops tags from the end of the longer list until it fits, so a profile
// at the rules' limits written in CJK (3 bytes a character: 8.4 KB unbounded) takes 3 KiB like an
// ASCII one. A shard then holds at least ~320 worst-case entries under Firestore's 1 MiB, ~4,000
// typical (~250 bytes): 32 shards hold ~10k worst-case or ~120k typical profiles.
//
// A full shard (Firestore refuses the write: too large) is not a failure for the people hashed
// there: their entry goes to the shard's next overflow document ("s07" -> "s07-1" -> ... "s07-8"),
// and `users/{uid}.matchSync.shard` records where it lives (absent: the primary). Readers read the whole
// collection, overflow documents included. Only when all nine are full does the trigger fail,
// loudly (PoolFullError, retried), naming the shard. firestore.indexes.json exempts `entries` from
// indexing (a map's subfields are indexed by default, and a document may have at most 40,000 index
// entries).
import type { DocumentData } from 'firebase-admin/firestore';
import { preparedFromKeys, type PreparedProfile } from '../scoring/index.js';
import type { MatchFields } from './fields.js';

export const POOL_COLLECTION = 'matchPool';
export const POOL_SHARD_COUNT = 32;
/** Overflow documents a shard may grow into when full ("s07-1" .. "s07-8"). */
export const POOL_OVERFLOW_LEVELS = 8;
/** Every document the pool can have: what a reader reads at most. */
export const POOL_MAX_DOCUMENTS = POOL_SHARD_COUNT * (1 + POOL_OVERFLOW_LEVELS);
/** Firestore's size of an entry's value (not counting its uid key, at most 129 bytes more). */
export const POOL_ENTRY_MAX_BYTES = 3_072;
/** Longest tag key or place name the reader accepts, in UTF-16 units: what folding produces at most. */
const POOL_TEXT_MAX_LENGTH = 64;

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

/** The shard a uid hashes to (its primary document). */
export function poolShardOf(uid: string): string {
  return `s${String(fnv1a(uid) % POOL_SHARD_COUNT).padStart(2, '0')}`;
}

/** The document at `level` of a uid's shard: 0 is the primary, 1.. its overflow documents. */
export function poolShardAt(uid: string, level: number): string {
  return level === 0 ? poolShardOf(uid) : `${poolShardOf(uid)}-${level}`;
}

/** The level of a stored shard id for this uid (0 when missing or not one of its own). */
export function poolLevelOf(uid: string, shard: unknown): number {
  for (let level = 1; level <= POOL_OVERFLOW_LEVELS; level++) if (shard === poolShardAt(uid, level)) return level;
  return 0;
}

/** Thrown when a uid's shard and all its overflow documents are full: more shards are needed. */
export class PoolFullError extends Error {
  constructor(readonly shard: string) {
    super(
      `matchPool/${shard} and its ${POOL_OVERFLOW_LEVELS} overflow documents are full: raise POOL_SHARD_COUNT and run the backfill`,
    );
    this.name = 'PoolFullError';
  }
}

/** Whether a Firestore error is the write of a document over its maximum size. */
export function isDocumentTooLarge(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 3 || code === 'invalid-argument') && typeof message === 'string' && /size/i.test(message);
}

/** Firestore's stored size of a string: its UTF-8 bytes plus one. */
function stringBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8') + 1;
}

/**
 * Firestore's size of an entry's value (https://firebase.google.com/docs/firestore/storage-size):
 * each field name and string as UTF-8 bytes + 1, a number 8, null 1, a map or array the sum.
 */
export function poolEntryBytes(entry: PoolEntry): number {
  const tags = (list: string[]) => list.reduce((sum, tag) => sum + stringBytes(tag), 0);
  const coordinate = (value: number | null) => (value === null ? 1 : 8);
  return (
    stringBytes('interests') +
    tags(entry.interests) +
    stringBytes('purposes') +
    tags(entry.purposes) +
    stringBytes('city') +
    stringBytes(entry.city) +
    stringBytes('region') +
    stringBytes(entry.region) +
    stringBytes('country') +
    stringBytes(entry.country) +
    stringBytes('lat') +
    coordinate(entry.lat) +
    stringBytes('lng') +
    coordinate(entry.lng)
  );
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
    .filter((item): item is string => typeof item === 'string' && item !== '' && item.length <= POOL_TEXT_MAX_LENGTH)
    .slice(0, max);
}

function text(value: unknown): string {
  return typeof value === 'string' && value.length <= POOL_TEXT_MAX_LENGTH ? value : '';
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
