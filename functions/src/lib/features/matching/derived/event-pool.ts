// The prepared event pool: what ranking needs of every event, packed into one server-only document
// per start day, so that a request ranks every event in its window with one read per day instead
// of one per event plus one per attendance list (docs/matching.md, "The prepared event pool").
//
//   matchEventPool/{YYYY-MM-DD}: { entries: { <eventId>: EventPoolEntry }, expireAt, updatedAt }
//
// The day is the event's start day in UTC. A window query is a document-id range over the days it
// spans, so past days are never read again; `expireAt` (the day after) lets a Firestore TTL policy
// delete them. The event and attendance triggers (event-sync.ts) write an entry from the stored
// event and its attendance list. Entries are hints: a request re-reads its winners (the event and
// its attendance), so a stale entry can cost a rank slot, never show a deleted, moved or attended event.
//
// What an entry holds: the event's bounded tags and place exactly as documents.ts reads them (so
// ranking from the pool equals ranking from the documents), and the first MAX_ATTENDEES_PER_EVENT
// attendee ids, the crowd whose interests the scorer weighs; no title, no head count.
//
// Size: tags are at most 64 x 64 characters and the crowd 20 uids of <= 128: under 7 KB at worst,
// ~800 bytes typically, so a day document (1 MiB) holds ~150 worst-case or ~1,200 typical events.
// firestore.indexes.json exempts `entries` from indexing.
import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { attendanceOf, boundedPlace, boundedTags, eventRecord, type EventRecord } from '../documents.js';
import { MAX_ATTENDEES_PER_EVENT } from '../event-retrieval.js';

export const EVENT_POOL_COLLECTION = 'matchEventPool';

const DAY_MS = 86_400_000;

export interface EventPoolEntry {
  /** startsAt, in milliseconds since the epoch. */
  t: number;
  tags: string[];
  /** Always every key (null when unknown): a merge write then never leaves an old value behind. */
  city: string | null;
  region: string | null;
  country: string | null;
  /** The grid cell's point (documents.ts boundedPlace), or null. */
  lat: number | null;
  lng: number | null;
  crowd: string[];
}

/** The pool document of a start day: `YYYY-MM-DD` in UTC. */
export function eventPoolDayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The pool document an entry lives in, or undefined for no entry. */
export function eventPoolDayOfEntry(entry: EventPoolEntry | undefined): string | undefined {
  return entry === undefined ? undefined : eventPoolDayOf(new Date(entry.t));
}

/** When a day's document may be deleted (a TTL policy on `expireAt`): the end of the next day. */
export function eventPoolExpiry(day: string): Timestamp {
  return Timestamp.fromMillis(Date.parse(`${day}T00:00:00Z`) + 2 * DAY_MS);
}

/** The pool entry of an event document and its attendance document; undefined when it has no start. */
export function eventPoolEntryOf(
  event: DocumentData | undefined,
  attendance: DocumentData | undefined,
): EventPoolEntry | undefined {
  const record = event === undefined ? undefined : eventRecord('', event);
  if (record === undefined) return undefined;
  const place = record.location;
  // No viewer: the crowd is the list's first usable ids. A caller among them attends the event.
  const { sample } = attendanceOf(attendance, '', MAX_ATTENDEES_PER_EVENT);
  return {
    t: record.startsAt.getTime(),
    tags: record.tags ?? [],
    city: place?.city ?? null,
    region: place?.region ?? null,
    country: place?.country ?? null,
    lat: place?.lat ?? null,
    lng: place?.lng ?? null,
    crowd: sample,
  };
}

export function eventPoolEntriesEqual(a: EventPoolEntry | undefined, b: EventPoolEntry | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A pool entry as an event record for ranking, read defensively (the pool is server-written, but
 * anything malformed becomes empty rather than reaching the scorer). The viewer's attendance is
 * known from the crowd only: `viewerAttends` is settled when the winners are re-read.
 */
export function eventFromPoolEntry(id: string, value: unknown): EventRecord | undefined {
  const entry = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  if (typeof entry.t !== 'number' || !Number.isFinite(entry.t)) return undefined;
  const location = boundedPlace({
    city: entry.city,
    region: entry.region,
    country: entry.country,
    lat: entry.lat,
    lng: entry.lng,
  });
  const crowd = attendanceOf({ attendeeIds: entry.crowd }, '', MAX_ATTENDEES_PER_EVENT).sample;
  return {
    id,
    title: null,
    tags: boundedTags(entry.tags) ?? [],
    location,
    startsAt: new Date(entry.t),
    attendeeCount: crowd.length,
    attendeeIds: crowd,
    viewerAttends: false,
  };
}

/** Every entry of a day document as event records. */
export function eventsFromPoolDay(data: DocumentData | undefined): EventRecord[] {
  const entries: unknown = data?.entries;
  if (entries === null || typeof entries !== 'object') return [];
  return Object.entries(entries as Record<string, unknown>).flatMap(
    ([id, entry]) => eventFromPoolEntry(id, entry) ?? [],
  );
}
