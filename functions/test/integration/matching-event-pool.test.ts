// matchEvents and suggestions ranked from the prepared pools: what the deploy's backfill pooled ranks
// exactly as what the triggers pool, and nothing is shown before either ran (requests read only the
// pools); the backfill runs once per layout; pool entries gone stale (an event deleted, moved out of
// the window, or joined by the caller since its entry was written) are never shown. In-process
// handlers, real Auth tokens, the Firestore emulator. The triggers themselves: match-profile-trigger.test.ts.
import { describe, expect, it } from 'vitest';
import {
  backfillPools,
  BACKFILL_MARK,
  EVENT_POOL_COLLECTION,
  POOL_COLLECTION,
  POOL_LAYOUT,
} from '../../src/lib/features/matching/index.js';
import {
  call,
  inDays,
  LONDON,
  OAKLAND,
  SAN_FRANCISCO,
  signUp,
  useMatchingHarness,
  writeEvents,
  writeProfiles,
  type SignedUpUser,
} from './matching-support.js';
import { Timestamp } from 'firebase-admin/firestore';

const h = useMatchingHarness();

interface Shown {
  eventId: string;
  title: string | null;
  startsAt: string;
  score: number;
  components: unknown;
  matched: unknown;
}

async function matchEvents(user: SignedUpUser, body: object = {}): Promise<Shown[]> {
  const res = await call(h, 'matchEvents', user, { body });
  expect(res.status).toBe(200);
  return (res.json.matches as Shown[]).map(({ eventId, title, startsAt, score, components, matched }) => ({
    eventId,
    title,
    startsAt,
    score,
    components,
    matched,
  }));
}

async function suggestedEvents(user: SignedUpUser): Promise<string[]> {
  const res = await call(h, 'suggestions', user, { query: '?limit=5' });
  expect(res.status).toBe(200);
  return (res.json.events as { eventId: string }[]).map((event) => event.eventId);
}

async function pooledIds(): Promise<string[]> {
  const days = await h.db.collection(EVENT_POOL_COLLECTION).get();
  return days.docs.flatMap((doc) => Object.keys((doc.get('entries') as object) ?? {})).sort();
}

const LIKES = { interests: ['hiking', 'photography', 'jazz'], purposes: ['friendship'], location: SAN_FRANCISCO };

describe('events ranked from the prepared event pool', () => {
  it('ranks what the backfill pooled exactly as what the triggers pool; before either, nothing', async () => {
    const me = await signUp();
    const profiles = {
      [me.uid]: LIKES,
      fan: { interests: ['photography', 'jazz'], location: OAKLAND },
      shy: { interests: ['hiking', 'photography', 'jazz'], discoverable: false },
    };
    const events = {
      hike: {
        title: 'Sunrise hike',
        tags: ['hiking', 'outdoors'],
        location: OAKLAND,
        startsAt: inDays(3),
        attendeeIds: ['fan', 'shy'],
      },
      jazz: { title: 'Jazz night', tags: ['jazz'], location: LONDON, startsAt: inDays(5) },
      opera: { title: 'Opera', tags: ['opera'], location: LONDON, startsAt: inDays(4) },
      past: { title: 'Past hike', tags: ['hiking', 'photography'], location: SAN_FRANCISCO, startsAt: inDays(-1) },
      later: { title: 'Far hike', tags: ['hiking', 'photography'], location: SAN_FRANCISCO, startsAt: inDays(60) },
      mine: { title: 'My walk', tags: ['hiking'], location: SAN_FRANCISCO, startsAt: inDays(2), attendeeIds: [me.uid] },
    };
    // Data from before the triggers were deployed: no pool yet, so nothing to rank.
    await writeProfiles(h.db, profiles, { pools: false });
    await writeEvents(h.db, events, { pools: false });
    expect(await matchEvents(me)).toEqual([]);

    expect(await backfillPools(h.db, { ifNeeded: true })).toMatchObject({ skipped: false, layout: POOL_LAYOUT });
    // Every event from today on is pooled; the past one is not.
    expect(await pooledIds()).toEqual(['hike', 'jazz', 'later', 'mine', 'opera']);
    const backfilled = await matchEvents(me);
    const backfilledSuggested = await suggestedEvents(me);
    expect(backfilled.map((event) => event.eventId)).toEqual(['hike', 'jazz']);
    const far = await matchEvents(me, { from: inDays(50).toISOString(), until: inDays(70).toISOString() });
    expect(far.map((event) => event.eventId)).toEqual(['later']);

    // The mark: the next deploy skips the backfill for this layout.
    expect((await h.db.doc(BACKFILL_MARK).get()).get('layout')).toBe(POOL_LAYOUT);
    expect(await backfillPools(h.db, { ifNeeded: true })).toEqual({ skipped: true, layout: POOL_LAYOUT });

    // The same data pooled by the triggers' steps instead ranks the same.
    for (const collection of [POOL_COLLECTION, EVENT_POOL_COLLECTION]) {
      for (const doc of (await h.db.collection(collection).get()).docs) await doc.ref.delete();
    }
    expect(await matchEvents(me)).toEqual([]);
    await writeProfiles(h.db, profiles);
    await writeEvents(h.db, events);
    expect(await matchEvents(me)).toEqual(backfilled);
    expect(await suggestedEvents(me)).toEqual(backfilledSuggested);
  });

  it('never shows an entry gone stale: deleted, moved out of the window, or joined by the caller since', async () => {
    const me = await signUp();
    await writeProfiles(h.db, { [me.uid]: LIKES });
    const crowd = Array.from({ length: 30 }, (_, i) => `guest-${i}`);
    const best = { tags: ['hiking', 'photography', 'jazz'], location: SAN_FRANCISCO };
    await writeEvents(h.db, {
      gone: { title: 'Gone', ...best, startsAt: inDays(2) },
      moved: { title: 'Moved', ...best, startsAt: inDays(3) },
      joined: { title: 'Joined', ...best, startsAt: inDays(4), attendeeIds: crowd },
      good: { title: 'Good', tags: ['hiking', 'photography'], location: SAN_FRANCISCO, startsAt: inDays(5) },
      fair: { title: 'Fair', tags: ['hiking'], location: SAN_FRANCISCO, startsAt: inDays(6) },
      other: { title: 'Other', tags: ['opera'], location: LONDON, startsAt: inDays(7) },
    });
    expect((await matchEvents(me, { limit: 3 })).map((event) => event.eventId).sort()).toEqual([
      'gone',
      'joined',
      'moved',
    ]);

    // Written without the triggers (the in-process harness has none), so the pool still ranks all three first.
    await h.db.doc('events/gone').delete();
    await h.db.doc('events/moved').update({ startsAt: Timestamp.fromDate(inDays(90)) });
    // Beyond the first 20 ids the pool keeps: only the fresh attendance read can tell.
    await h.db.doc('eventAttendees/joined').set({ attendeeIds: [...crowd, me.uid] });
    expect(await pooledIds()).toContain('gone');

    const shown = await matchEvents(me, { limit: 2 });
    expect(shown.map((event) => event.eventId)).toEqual(['good', 'fair']);
    expect(shown[0].title).toBe('Good');
  });
});
