// Firestore documents as the matching service reads them, converted into bounded records: user-written
// data (profiles, and events an admin tool wrote) may hold anything the rules let through, so every
// field is narrowed, cut to a size and made well-formed here, at read time, before it reaches the
// scorer, a response or a Gemini prompt.
//
//   users/{uid}:              displayName, interests[], purposes[], location {city, region, country,
//                             lat, lng}, bio (never read), discoverable (missing = true),
//                             accountState (server-owned: suspended / deleted hide), match (derived/)
//   events/{id}:              title, tags[], location {...}, startsAt (Timestamp), timeZone (IANA,
//                             optional), attendeeCount
//   eventAttendees/{eventId}: attendeeIds[] (server-only: who attends is not public)
//
// Ill-formed strings (lone surrogates, which user-written documents can hold) cannot be encoded as
// UTF-8: a Gemini request or a response carrying one fails or is garbled. They are made well-formed
// (each lone surrogate becomes U+FFFD) before anything else looks at them.
/// <reference lib="es2024.string" />
import type { DocumentData, DocumentSnapshot, QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { Timestamp } from 'firebase-admin/firestore';
import { coarsePosition, type MatchEvent, type MatchProfile } from './scoring/index.js';
import { codePointPrefix } from '../../platform/text-bounds.js';
import { isHiddenAccountState } from './account-state.js';
import { canonicalTimeZone } from '../../platform/time/index.js';

/** What is read of each field; anything beyond is cut (text, lists) or dropped (place names, ids). */
export const READ_LIMITS = Object.freeze({
  /** As in firestore.rules. */
  displayName: 100,
  title: 200,
  /** Per tag: the scorer's keys, shown tags and request preferences are all at most 64 characters. */
  tagLength: 64,
  /** Tags kept per list (the scorer keeps at most 64 distinct ones)... */
  tagsPerList: 64,
  /** ...found among this many entries, so a list of junk costs bounded time. */
  tagsScanned: 256,
  /** A longer "city" is not a place name: dropped, not cut (a cut name would be a different place). */
  placeName: 100,
  /** Firebase Auth uids are at most 128 characters. */
  attendeeId: 128,
});

/** A location as matching uses it: only these fields, each usable or absent. */
export interface PlaceRecord {
  city?: string;
  region?: string;
  country?: string;
  /** Present only as a pair: the ~1 km grid cell's point of a usable position (docs/matching.md,
   * location privacy), so no record holds anyone's exact position. */
  lat?: number;
  lng?: number;
}

export interface UserRecord extends MatchProfile {
  id: string;
  displayName: string | null;
  interests?: string[];
  purposes?: string[];
  location?: PlaceRecord;
  /** False only when the document says `discoverable: false`. */
  discoverable: boolean;
  /** Whether the person may be suggested to anyone: discoverable and not suspended or deleted. */
  suggestable: boolean;
}

export interface EventRecord extends MatchEvent {
  id: string;
  title: string | null;
  tags?: string[];
  location?: PlaceRecord;
  startsAt: Date;
  /** The event's IANA zone, when it names one the runtime knows. */
  timeZone?: string;
  /** The event's public head count; attendance is read only for events where it is above 0. */
  attendeeCount: number;
  /** From `eventAttendees/{id}`: a sample of who attends, without the caller; [] when not read. */
  attendeeIds: string[];
  /** Whether the caller is on the event's attendance list. */
  viewerAttends: boolean;
}

/**
 * Documents read by one request, as Firestore bills them: every document a query returns and every
 * document reference fetched (found or not). An empty query result is billed as one read; those
 * are counted separately as `emptyQueries`.
 */
export class ReadCounter {
  documents = 0;
  queries = 0;
  emptyQueries = 0;

  addQuery(size: number): void {
    this.queries++;
    this.documents += size;
    if (size === 0) this.emptyQueries++;
  }

  addLookups(count: number): void {
    this.documents += count;
  }

  /** What Firestore would bill: documents plus one per empty query. */
  get billed(): number {
    return this.documents + this.emptyQueries;
  }
}

/** A string, well-formed and trimmed, cut to `maxLength` code units (never inside a pair); null when blank. */
export function boundedText(value: unknown, maxLength: number): string | null {
  if (typeof value !== 'string') return null;
  const text = codePointPrefix(value.toWellFormed().trim(), maxLength).trimEnd();
  return text === '' ? null : text;
}

/** A tag list: non-strings and blanks dropped, each tag bounded, at most `tagsPerList` kept. */
export function boundedTags(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const tags: string[] = [];
  const scanned = Math.min(value.length, READ_LIMITS.tagsScanned);
  for (let i = 0; i < scanned && tags.length < READ_LIMITS.tagsPerList; i++) {
    const tag = boundedText(value[i], READ_LIMITS.tagLength);
    if (tag !== null) tags.push(tag);
  }
  return tags;
}

function placeName(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > READ_LIMITS.placeName) return undefined;
  return boundedText(value, READ_LIMITS.placeName) ?? undefined;
}

/**
 * Only city / region / country strings and, for a usable lat/lng pair (finite, in range, not (0, 0)),
 * its grid cell's point; undefined when none is usable.
 */
export function boundedPlace(value: unknown): PlaceRecord | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  const place: PlaceRecord = {};
  const city = placeName(raw.city);
  const region = placeName(raw.region);
  const country = placeName(raw.country);
  if (city !== undefined) place.city = city;
  if (region !== undefined) place.region = region;
  if (country !== undefined) place.country = country;
  const position = coarsePosition(raw.lat, raw.lng);
  if (position !== undefined) {
    place.lat = position.lat;
    place.lng = position.lng;
  }
  return Object.keys(place).length > 0 ? place : undefined;
}

/** Discoverable (missing = yes) and not in a hidden account state (account-state.ts). */
export function isSuggestable(data: DocumentData): boolean {
  return data.discoverable !== false && !isHiddenAccountState(data.accountState);
}

/** Only the fields the scorer and the response need, bounded: bios and anything else stay behind. */
export function userRecord(id: string, data: DocumentData): UserRecord {
  return {
    id,
    displayName: boundedText(data.displayName, READ_LIMITS.displayName),
    interests: boundedTags(data.interests),
    purposes: boundedTags(data.purposes),
    location: boundedPlace(data.location),
    discoverable: data.discoverable !== false,
    suggestable: isSuggestable(data),
  };
}

export function toUserRecord(snapshot: DocumentSnapshot | QueryDocumentSnapshot): UserRecord | undefined {
  const data = snapshot.data();
  return data === undefined ? undefined : userRecord(snapshot.id, data);
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Timestamp) return value.toDate();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  return undefined;
}

function toCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** An event without a usable `startsAt` cannot be "upcoming": it is dropped. Attendees are read separately. */
export function eventRecord(id: string, data: DocumentData): EventRecord | undefined {
  const startsAt = toDate(data.startsAt);
  if (startsAt === undefined) return undefined;
  return {
    id,
    title: boundedText(data.title, READ_LIMITS.title),
    tags: boundedTags(data.tags),
    location: boundedPlace(data.location),
    startsAt,
    ...(canonicalTimeZone(data.timeZone) !== undefined ? { timeZone: canonicalTimeZone(data.timeZone) } : {}),
    attendeeCount: toCount(data.attendeeCount),
    attendeeIds: [],
    viewerAttends: false,
  };
}

export function toEventRecord(snapshot: QueryDocumentSnapshot): EventRecord | undefined {
  return eventRecord(snapshot.id, snapshot.data());
}

/** A usable document id: a string Firestore accepts as one path segment, of a uid's length. */
function isDocumentId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value !== '' &&
    value.length <= READ_LIMITS.attendeeId &&
    !value.includes('/') &&
    value !== '.' &&
    value !== '..' &&
    !/^__.*__$/.test(value) &&
    value.isWellFormed()
  );
}

/**
 * What matching needs from an `eventAttendees/{eventId}` document (server-written): whether the
 * caller attends, and the first `sampleSize` other usable, distinct ids. One pass over the list;
 * nothing else of it is kept once the request moves on.
 */
export function attendanceOf(
  data: DocumentData | undefined,
  viewerId: string,
  sampleSize: number,
): { viewerAttends: boolean; sample: string[] } {
  const ids: unknown = data?.attendeeIds;
  const sample = new Set<string>();
  let viewerAttends = false;
  if (!Array.isArray(ids)) return { viewerAttends, sample: [] };
  for (const id of ids) {
    if (id === viewerId) viewerAttends = true;
    else if (sample.size < sampleSize && isDocumentId(id)) sample.add(id);
    if (viewerAttends && sample.size >= sampleSize) break;
  }
  return { viewerAttends, sample: [...sample] };
}
