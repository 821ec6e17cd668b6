// Candidate retrieval for matchUsers: a few bounded Firestore queries instead of a scan.
//
//   users where interests     array-contains-any <caller's interests>   (chunks of <= 30 values)
//   users where purposes      array-contains-any <caller's purposes>    (<= 30 values)
//   users where location.city in [<caller's city as written>, <lower-cased>]
//
// each with a `limit`, the limits summing to at most `cap` documents per request (shares 2:1:1). All
// are single-field queries (a map's subfield is indexed like a top-level field), served by
// Firestore's automatic indexes: no composite index needed. The caller and `discoverable: false`
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
import type { Firestore, Query } from 'firebase-admin/firestore';
import { toUserRecord, type ReadCounter, type UserRecord } from './documents.js';

/** Firestore's limit on array-contains-any / in values per query. */
export const MAX_DISJUNCTION_VALUES = 30;
/** At most this many interest queries (60 values): tags beyond the first are rarely decisive. */
export const MAX_INTEREST_CHUNKS = 2;

/** Relative shares of the document budget per source (2:1:1), redistributed when a source is absent. */
export const CANDIDATE_SHARES = Object.freeze({ interests: 2, purposes: 1, city: 1 });

type Source = keyof typeof CANDIDATE_SHARES;

export interface CandidateQuery {
  source: Source;
  field: 'interests' | 'purposes' | 'location.city';
  op: 'array-contains-any' | 'in';
  value: string[];
  limit: number;
}

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
  options: { sameCity: boolean } = { sameCity: true },
): CandidateQuery[] {
  const interestChunks = chunk(
    queryValues(viewer.interests, MAX_DISJUNCTION_VALUES * MAX_INTEREST_CHUNKS),
    MAX_DISJUNCTION_VALUES,
  );
  const purposes = queryValues(viewer.purposes, MAX_DISJUNCTION_VALUES);
  const cities = options.sameCity ? queryValues([viewer.location?.city], MAX_DISJUNCTION_VALUES) : [];

  const present: Record<Source, number> = {
    interests: interestChunks.length > 0 ? CANDIDATE_SHARES.interests : 0,
    purposes: purposes.length > 0 ? CANDIDATE_SHARES.purposes : 0,
    city: cities.length > 0 ? CANDIDATE_SHARES.city : 0,
  };
  const total = present.interests + present.purposes + present.city;
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
  return queries.filter((query) => query.limit >= 1);
}

function toFirestoreQuery(db: Firestore, query: CandidateQuery): Query {
  return db.collection('users').where(query.field, query.op, query.value).limit(query.limit);
}

/**
 * Discoverable users other than the caller that share an interest, a purpose or the city, at most
 * `cap` documents read. Duplicates across queries are read (and counted) but returned once.
 */
export async function retrieveUserCandidates(
  db: Firestore,
  viewer: UserRecord,
  options: { cap: number; sameCity: boolean },
  reads: ReadCounter,
): Promise<UserRecord[]> {
  const plans = planCandidateQueries(viewer, options.cap, { sameCity: options.sameCity });
  const snapshots = await Promise.all(plans.map((plan) => toFirestoreQuery(db, plan).get()));
  const byId = new Map<string, UserRecord>();
  for (const snapshot of snapshots) {
    reads.addQuery(snapshot.size);
    for (const doc of snapshot.docs) {
      if (doc.id === viewer.id || byId.has(doc.id)) continue;
      const record = toUserRecord(doc);
      if (record?.discoverable) byId.set(doc.id, record);
    }
  }
  return [...byId.values()];
}
