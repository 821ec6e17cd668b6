// The pools' backfill as a deploy step: every profile and every upcoming event through the triggers'
// own steps, then a mark of what was built, so `npm run deploy` runs it once per layout and skips it
// after that (the triggers keep the pools from then on). Requests read only the pools.
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { systemClock, type Clock } from '../../../platform/clock.js';
import { backfillEventPool, type EventSyncOutcome } from './event-sync.js';
import { MATCH_FIELDS_VERSION } from './fields.js';
import { POOL_SHARD_COUNT } from './pool.js';
import { backfillMatchFields, type SyncOutcome } from './sync.js';

/** Server-only (no rule allows it): when the pools were last built, and in which layout. */
export const BACKFILL_MARK = 'matchMeta/backfill';

/** What the pools are built for: a change of either needs the backfill again. */
export const POOL_LAYOUT = `fields-v${MATCH_FIELDS_VERSION}/shards-${POOL_SHARD_COUNT}`;

export type BackfillResult =
  | { skipped: true; layout: string }
  | { skipped: false; layout: string; profiles: Record<SyncOutcome, number>; events: Record<EventSyncOutcome, number> };

export async function backfillPools(
  db: Firestore,
  options: {
    ifNeeded?: boolean;
    pageSize?: number;
    clock?: Clock;
    onProgress?: (what: string, done: number) => void;
  } = {},
): Promise<BackfillResult> {
  const mark = db.doc(BACKFILL_MARK);
  if (options.ifNeeded && (await mark.get()).get('layout') === POOL_LAYOUT)
    return { skipped: true, layout: POOL_LAYOUT };
  const profiles = await backfillMatchFields(db, {
    pageSize: options.pageSize,
    onProgress: (done) => options.onProgress?.('profiles', done),
  });
  const events = await backfillEventPool(db, {
    pageSize: options.pageSize,
    clock: options.clock,
    onProgress: (done) => options.onProgress?.('upcoming events', done),
  });
  await mark.set({ layout: POOL_LAYOUT, builtAt: Timestamp.fromMillis((options.clock ?? systemClock)()) });
  return { skipped: false, layout: POOL_LAYOUT, profiles, events };
}
