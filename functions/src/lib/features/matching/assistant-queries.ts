// Matching for the assistant's tools: the same pools and the same scorer as matchEvents and
// matchUsers, without the explanation step (the assistant writes its own words), shaped as cards.
// A card carries nothing the matching responses would not show: events at city level (never
// coordinates, never who attends), people with their display name, what matched, and a distance band.
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import type { Firestore } from 'firebase-admin/firestore';
import type { MatchingConfig } from './settings.js';
import { applyPreferences, loadCallerProfile, preferenceRequirements } from './caller.js';
import { rankPeople } from './service.js';
import { rankEventsWithCrowd } from './event-ranking.js';
import { blocksLoader, poolLoader } from './request-reads.js';
import { presentedScore } from './responses.js';
import { boundedPlace, ReadCounter, toEventRecord, type EventRecord, type PlaceRecord } from './documents.js';
import { retrieveUpcomingEvents, type EventWindow } from './event-retrieval.js';
import type { SharedMatchCache } from './shared-cache.js';
import { DEFAULT_THRESHOLD, normalizePlace, normalizeTag } from './scoring/index.js';
import type { LocationMatch, RankedEventMatch } from './scoring/index.js';
import { localTimeText, zoneOfPlace } from '../../platform/time/index.js';

export interface AssistantScope {
  db: Firestore;
  uid: string;
  settings: MatchingConfig;
  /** The per-instance cache matchUsers and matchEvents read through (shared-cache.ts); none = read each time. */
  shared?: SharedMatchCache;
  /** The caller's IANA zone: each card's localStart is written in it. */
  timeZone: string;
}

/** City-level place: the names only. */
export interface PlaceCard {
  city?: string;
  region?: string;
  country?: string;
}

export interface EventCard {
  eventId: string;
  title: string | null;
  /** ISO 8601, UTC. */
  startsAt: string;
  /** The start on the caller's clock, e.g. "Saturday 12 December 2026, 10:00". */
  localStart: string;
  /** The event's own zone: its stored timeZone, else its place's where the names settle it, else the caller's. */
  timeZone: string;
  place: PlaceCard;
  tags: string[];
  score: number;
  /** The caller's interests (or the searched tags) that the event's own tags match. */
  matchedTags: string[];
  /** The caller's interests (or the searched tags) that at least 3 attendees share; never who. */
  crowdInterests: string[];
  attendeeCount: number;
}

export interface PersonCard {
  userId: string;
  displayName: string | null;
  matchedInterests: string[];
  matchedPurposes: string[];
  /** A band between ~1 km grid cells, or a shared place name; null when neither applies. */
  distance: LocationMatch | null;
}

export interface EventSearch {
  window: EventWindow;
  /** Words that must appear in the title or a tag (case and accents ignored). */
  query?: string;
  /** Events with at least one of these tags; they also replace the caller's interests for scoring. */
  tags?: string[];
  city?: string;
  limit: number;
}

/** Documents read, for the tool's log line and the bench. */
export interface ReadReport {
  reads: ReadCounter;
}

function placeCard(place: PlaceRecord | undefined): PlaceCard {
  const card: PlaceCard = {};
  if (place?.city !== undefined) card.city = place.city;
  if (place?.region !== undefined) card.region = place.region;
  if (place?.country !== undefined) card.country = place.country;
  return card;
}

/** An event's zone: as stored, else its place's, else the viewer's. */
export function eventTimeZone(event: Pick<EventRecord, 'timeZone' | 'location'>, viewerZone: string): string {
  return event.timeZone ?? zoneOfPlace(event.location) ?? viewerZone;
}

function eventCard(
  event: EventRecord,
  viewerZone: string,
  match: Pick<RankedEventMatch, 'score' | 'matched'>,
): EventCard {
  return {
    eventId: event.id,
    title: event.title,
    startsAt: event.startsAt.toISOString(),
    localStart: localTimeText(event.startsAt.getTime(), viewerZone),
    timeZone: eventTimeZone(event, viewerZone),
    place: placeCard(event.location),
    tags: event.tags ?? [],
    score: presentedScore(match.score),
    matchedTags: match.matched.tags,
    crowdInterests: match.matched.crowdInterests,
    attendeeCount: event.attendeeCount,
  };
}

function words(text: string): string[] {
  return text
    .split(/\s+/)
    .map((word) => normalizeTag(word))
    .filter((word) => word !== '');
}

/** The filters of a search, as a predicate over retrieved events. Pure. */
export function eventFilter(search: Pick<EventSearch, 'query' | 'tags' | 'city'>): (event: EventRecord) => boolean {
  const queryWords = search.query ? words(search.query) : [];
  const tags = new Set((search.tags ?? []).map((tag) => normalizeTag(tag)).filter((tag) => tag !== ''));
  const city = search.city ? normalizePlace(search.city) : undefined;
  return (event) => {
    const eventTags = (event.tags ?? []).map((tag) => normalizeTag(tag));
    if (tags.size > 0 && !eventTags.some((tag) => tags.has(tag))) return false;
    if (city !== undefined && normalizePlace(event.location?.city ?? '') !== city) return false;
    if (queryWords.length > 0) {
      const haystack = `${normalizeTag(event.title ?? '')} ${eventTags.join(' ')}`;
      if (!queryWords.every((word) => haystack.includes(word))) return false;
    }
    return true;
  };
}

/** find_events: upcoming events in the window, filtered, ranked as matchEvents ranks them (event-ranking.ts). */
export async function findEventsFor(
  scope: AssistantScope,
  search: EventSearch,
): Promise<{ events: EventCard[] } & ReadReport> {
  const reads = new ReadCounter();
  // The events do not depend on the profile: the reads go out at once.
  const pool = poolLoader(scope.db, reads, scope.shared);
  const [caller, upcoming, { byId: people }, blocked] = await Promise.all([
    loadCallerProfile(scope.db, scope.uid, reads),
    retrieveUpcomingEvents(scope.db, search.window, scope.settings.eventCap, scope.uid, reads, scope.shared),
    pool(),
    blocksLoader(scope.db, scope.uid, reads)(),
  ]);
  const viewer = search.tags && search.tags.length > 0 ? { ...caller, interests: search.tags } : caller;
  const candidates = upcoming.filter(eventFilter(search));
  // The crowd as matchEvents has it: the people pool.
  const filtered = search.query !== undefined || search.tags !== undefined || search.city !== undefined;
  const { ranked, byId } = await rankEventsWithCrowd({
    db: scope.db,
    viewer,
    candidates,
    people,
    blocked,
    limit: search.limit,
    radiusKm: scope.settings.radiusKm,
    // An explicit search shows whatever fits it, best first; "anything for me" only real matches.
    threshold: filtered ? -1 : DEFAULT_THRESHOLD,
    reads,
  });
  return {
    events: ranked.flatMap((match) => {
      const event = byId.get(match.id);
      return event ? [eventCard(event, scope.timeZone, match)] : [];
    }),
    reads,
  };
}

/** suggest_people: the matchUsers ranking (every exclusion it applies), as person cards. */
export async function suggestPeopleFor(
  scope: AssistantScope,
  request: { interests?: string[]; purposes?: string[]; limit: number },
): Promise<{ people: PersonCard[] } & ReadReport> {
  const reads = new ReadCounter();
  const caller = await loadCallerProfile(scope.db, scope.uid, reads);
  const preferences = { interests: request.interests, purposes: request.purposes };
  const viewer = applyPreferences(caller, preferences);
  // The one people ranking (service.ts): blocks both ways, account states, discoverability, confirmed fresh.
  const { ranked, byId } = await rankPeople(
    scope.db,
    viewer,
    {
      limit: request.limit,
      radiusKm: scope.settings.radiusKm,
      require: preferenceRequirements(preferences),
    },
    reads,
    poolLoader(scope.db, reads, scope.shared),
  );
  return {
    people: ranked.map((match) => ({
      userId: match.id,
      displayName: byId.get(match.id)?.displayName ?? null,
      matchedInterests: match.matched.interests,
      matchedPurposes: match.matched.purposes,
      distance: match.matched.location,
    })),
    reads,
  };
}

export interface PublicEvent {
  eventId: string;
  title: string | null;
  startsAt: string;
  localStart: string;
  timeZone: string;
  place: PlaceCard;
  tags: string[];
  attendeeCount: number;
}

/** get_event: one event's public fields (never its attendees), or undefined when there is none. */
export async function publicEvent(
  scope: Pick<AssistantScope, 'db' | 'timeZone'>,
  eventId: string,
): Promise<{ event: PublicEvent | undefined } & ReadReport> {
  const reads = new ReadCounter();
  const snapshot = await withFirestoreDeadline('read the event', scope.db.collection('events').doc(eventId).get());
  reads.addLookups(1);
  const record = snapshot.exists ? toEventRecord(snapshot as FirebaseFirestore.QueryDocumentSnapshot) : undefined;
  if (!record) return { event: undefined, reads };
  const noMatch = { score: 0, matched: { tags: [], crowdInterests: [], location: null } };
  const {
    score: _score,
    matchedTags: _matched,
    crowdInterests: _crowd,
    ...fields
  } = eventCard(record, scope.timeZone, noMatch);
  return { event: { ...fields, place: placeCard(boundedPlace(snapshot.get('location'))) }, reads };
}
