// What one matching request reads at most once, however many rankings use it: the prepared people
// pool (or the instance's shared copy of it) and the caller's own block list.
import type { Firestore } from 'firebase-admin/firestore';
import type { PreparedProfile } from './scoring/index.js';
import { loadPoolProfiles } from './candidate-pool.js';
import type { ReadCounter } from './documents.js';
import { loadBlockedIds } from './exclusions.js';
import type { SharedMatchCache } from './shared-cache.js';

export type PoolLoader = () => Promise<{ profiles: PreparedProfile[]; byId: Map<string, PreparedProfile> }>;

export function poolLoader(db: Firestore, reads: ReadCounter, shared?: SharedMatchCache): PoolLoader {
  const load = () =>
    loadPoolProfiles(db, reads).then((profiles) => ({
      profiles,
      byId: new Map(profiles.map((profile) => [profile.id as string, profile])),
    }));
  let loaded: ReturnType<PoolLoader> | undefined;
  return () => (loaded ??= shared === undefined ? load() : shared.get('pool', load));
}

/** Everyone the caller blocked (never cached across requests: a block applies on the next request). */
export type BlocksLoader = () => Promise<Set<string>>;

export function blocksLoader(db: Firestore, uid: string, reads: ReadCounter): BlocksLoader {
  let loaded: Promise<Set<string>> | undefined;
  return () => (loaded ??= loadBlockedIds(db, uid, reads));
}
