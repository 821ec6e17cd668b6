// Candidate retrieval for matchUsers when the prepared pool is empty (candidate-pool.ts: before the
// trigger or the backfill has run): a few bounded Firestore queries instead of a scan.
//
//   users where interests     array-contains-any <caller's interests>   (chunks of <= 30 values)
//   users where purposes      array-contains-any <caller's purposes>    (<= 30 values)
//   users where location.city in [<caller's city as written>, <lower-cased>]
//   users where match.geohash in [start, end] orderBy match.geohash    per geofire-common bound
//
// each with a `limit`, the limits summing to at most `cap` documents per request (shares 2:1:1:1).
// All are single-field queries (a map's subfield is indexed like a top-level field), served by
// Firestore's automatic indexes: no composite index needed.
//
// Nearby people (geo retrieval, the way Firebase recommends): the profile trigger stores the
// geohash of each profile's ~1 km grid cell point (derived/fields.ts); the caller's cell point and
// `geohashQueryBounds` (radius in METRES) give up to 9 ranges; the ranges over-cover a circle, so
// each result is kept only if `distanceBetween` (KILOMETRES) of the two cell points is within the
// radius plus one cell. Both sides are cell points, so being retrieved says no more than the score
// does (docs/matching.md, "Location privacy"). The caller and `discoverable: false`
// profiles are dropped after the read: a `!=` filter would also drop profiles that never set the
// field (missing means discoverable), so the few non-discoverable documents are read and discarded.
//
// The city query matches the stored spelling only (a later server-written, normalised place key will
// widen it). MATCH_SAME_CITY_QUERY turns it off: the local stack and the tests do so on the Node
// Firestore stand-in, which cannot filter on nested fields; the official emulator and production
// run it.
//
// Recall trade-off (docs/matching.md): a candidate is found only through an exact stored spelling of
// a shared tag or city (we also try the lower-cased spelling) or a shared purpose; the scorer's
// fuzzier matching ("indie music" ~ "music", plurals) and distance apply only to what was retrieved.
// With more matches than a query's limit, Firestore returns them in document-id order, so the same
// subset wins every time.
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import { distanceBetween, geohashQueryBounds } from 'geofire-common';
import type { Firestore, Query } from 'firebase-admin/firestore';
import { toUserRecord, type ReadCounter, type UserRecord } from './documents.js';
import { DEFAULT_RADIUS_KM } from './scoring/index.js';

/** Firestore's limit on array-contains-any / in values per query. */
export const MAX_DISJUNCTION_VALUES = 30;
/** At most this many interest queries (60 values): tags beyond the first are rarely decisive. */
export const MAX_INTEREST_CHUNKS = 2;

/** Relative shares of the document budget per source (2:1:1), redistributed when a source is absent. */
export const CANDIDATE_SHARES = Object.freeze({ interests: 2, purposes: 1, city: 1, nearby: 1 });

/** A cell's diagonal, km: the geo radius is widened by it, so a neighbour cell's point is never cut off. */
export const CELL_WIDENING_KM = 1.5;

type Source = keyof typeof CANDIDATE_SHARES;

export type CandidateQuery =
  | {
      source: Exclude<Source, 'nearby'>;
      field: 'interests' | 'purposes' | 'location.city';
      op: 'array-contains-any' | 'in';
      value: string[];
      limit: number;
    }
  | { source: 'nearby'; field: 'match.geohash'; op: 'range'; value: [string, string]; limit: number };

/** The caller's tags (or city) as stored, then lower-cased variants; distinct, non-empty, first `max`. */
export function queryValues(tags: unknown, max: number): string[] {
  if (!Array.isArray(tags)) return [];
  const written: string[] = [];
  for (const tag of tags as unknown[]) {
    if (typeof tag === 'string' && tag.trim() !== '') written.push(tag.trim());
  }
  const values = [...new Set([...written, ...written.map((tag) => tag.toLowerCase())])];
  return values.slice(0, max);
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

/**
 * The queries for `viewer`, with limits summing to at most `cap`; without `sameCity` the city's
 * share goes to the other sources. Pure: unit-tested.
 */
export function planCandidateQueries(
  viewer: UserRecord,
  cap: number,
  options: { sameCity: boolean; radiusKm?: number } = { sameCity: true },
): CandidateQuery[] {
  const interestChunks = chunk(
    queryValues(viewer.interests, MAX_DISJUNCTION_VALUES * MAX_INTEREST_CHUNKS),
    MAX_DISJUNCTION_VALUES,
  );
  const purposes = queryValues(viewer.purposes, MAX_DISJUNCTION_VALUES);
  const cities = options.sameCity ? queryValues([viewer.location?.city], MAX_DISJUNCTION_VALUES) : [];
  const bounds = options.sameCity ? nearbyBounds(viewer, options.radiusKm ?? DEFAULT_RADIUS_KM) : [];

  const present: Record<Source, number> = {
    interests: interestChunks.length > 0 ? CANDIDATE_SHARES.interests : 0,
    purposes: purposes.length > 0 ? CANDIDATE_SHARES.purposes : 0,
    city: cities.length > 0 ? CANDIDATE_SHARES.city : 0,
    nearby: bounds.length > 0 ? CANDIDATE_SHARES.nearby : 0,
  };
  const total = present.interests + present.purposes + present.city + present.nearby;
  if (total === 0 || cap < 1) return [];
  const budget = (source: Source): number => Math.floor((cap * present[source]) / total);

  const queries: CandidateQuery[] = [];
  const perChunk = Math.floor(budget('interests') / Math.max(1, interestChunks.length));
  for (const values of interestChunks) {
    queries.push({ source: 'interests', field: 'interests', op: 'array-contains-any', value: values, limit: perChunk });
  }
  if (purposes.length > 0) {
    queries.push({
      source: 'purposes',
      field: 'purposes',
      op: 'array-contains-any',
      value: purposes,
      limit: budget('purposes'),
    });
  }
  if (cities.length > 0) {
    queries.push({ source: 'city', field: 'location.city', op: 'in', value: cities, limit: budget('city') });
  }
  const perBound = Math.floor(budget('nearby') / Math.max(1, bounds.length));
  for (const value of bounds)
    queries.push({ source: 'nearby', field: 'match.geohash', op: 'range', value, limit: perBound });
  return queries.filter((query) => query.limit >= 1);
}

/** geofire-common ranges around the caller's cell point: radius in metres, widened by a cell. */
export function nearbyBounds(viewer: UserRecord, radiusKm: number): [string, string][] {
  const { lat, lng } = viewer.location ?? {};
  if (lat === undefined || lng === undefined) return [];
  return geohashQueryBounds([lat, lng], (radiusKm + CELL_WIDENING_KM) * 1000).map(([start, end]) => [start, end]);
}

/** Whether a geo-retrieved profile's cell point is within the radius (distanceBetween is in km). */
export function withinRadius(viewer: UserRecord, candidate: UserRecord, radiusKm: number): boolean {
  const a = viewer.location;
  const b = candidate.location;
  if (a?.lat === undefined || a.lng === undefined || b?.lat === undefined || b.lng === undefined) return false;
  return distanceBetween([a.lat, a.lng], [b.lat, b.lng]) <= radiusKm + CELL_WIDENING_KM;
}

function toFirestoreQuery(db: Firestore, query: CandidateQuery): Query {
  const users = db.collection('users');
  if (query.op === 'range') {
    const [start, end] = query.value;
    return users.where(query.field, '>=', start).where(query.field, '<=', end).orderBy(query.field).limit(query.limit);
  }
  return users.where(query.field, query.op, query.value).limit(query.limit);
}

/**
 * Discoverable users other than the caller that share an interest, a purpose or the city, at most
 * `cap` documents read. Duplicates across queries are read (and counted) but returned once.
 */
export async function retrieveUserCandidates(
  db: Firestore,
  viewer: UserRecord,
  options: { cap: number; sameCity: boolean; radiusKm?: number },
  reads: ReadCounter,
): Promise<UserRecord[]> {
  const radiusKm = options.radiusKm ?? DEFAULT_RADIUS_KM;
  const plans = planCandidateQueries(viewer, options.cap, { sameCity: options.sameCity, radiusKm });
  const snapshots = await withFirestoreDeadline(
    'query candidates',
    Promise.all(plans.map((plan) => toFirestoreQuery(db, plan).get())),
  );
  const byId = new Map<string, UserRecord>();
  snapshots.forEach((snapshot, i) => {
    reads.addQuery(snapshot.size);
    for (const doc of snapshot.docs) {
      if (doc.id === viewer.id || byId.has(doc.id)) continue;
      const record = toUserRecord(doc);
      if (!record?.suggestable) continue;
      if (plans[i].source === 'nearby' && !withinRadius(viewer, record, radiusKm)) continue;
      byId.set(doc.id, record);
    }
  });
  return [...byId.values()];
}
