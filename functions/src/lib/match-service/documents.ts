// Firestore documents as the matching service reads them. Fields stay loose (`unknown`) for the
// scorer, which treats malformed data as missing; only what the responses show is narrowed here.
//
//   users/{uid}:  displayName, interests[], purposes[], location {city, region, country, lat, lng},
//                 bio (never read into prompts), discoverable (missing = true)
//   events/{id}:  title, tags[], location {..., lat, lng}, startsAt (Timestamp), attendeeIds[]
import type { DocumentSnapshot, QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { Timestamp } from 'firebase-admin/firestore';
import type { MatchEvent, MatchProfile } from '../matching/index.js';

export interface UserRecord extends MatchProfile {
  id: string;
  displayName: string | null;
  /** False only when the document says `discoverable: false`. */
  discoverable: boolean;
}

export interface EventRecord extends MatchEvent {
  id: string;
  title: string | null;
  startsAt: Date;
  attendeeIds: string[];
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

function optionalText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Only the fields the scorer and the response need: bios and anything else stay behind. */
export function toUserRecord(snapshot: DocumentSnapshot | QueryDocumentSnapshot): UserRecord | undefined {
  const data = snapshot.data();
  if (data === undefined) return undefined;
  return {
    id: snapshot.id,
    displayName: optionalText(data.displayName),
    interests: data.interests,
    purposes: data.purposes,
    location: data.location,
    discoverable: data.discoverable !== false,
  };
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Timestamp) return value.toDate();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  return undefined;
}

/** An event without a usable `startsAt` cannot be "upcoming": it is dropped. */
export function toEventRecord(snapshot: QueryDocumentSnapshot): EventRecord | undefined {
  const data = snapshot.data();
  const startsAt = toDate(data.startsAt);
  if (startsAt === undefined) return undefined;
  const attendeeIds = Array.isArray(data.attendeeIds)
    ? data.attendeeIds.filter((id: unknown): id is string => typeof id === 'string' && id !== '')
    : [];
  return {
    id: snapshot.id,
    title: optionalText(data.title),
    tags: data.tags,
    location: data.location,
    startsAt,
    attendeeIds,
  };
}
