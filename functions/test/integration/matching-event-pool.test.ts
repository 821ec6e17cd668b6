// matchEvents and suggestions ranked from the prepared event pool (matchEventPool, after the
// backfill) against the same data ranked straight from events/ (before it): the same events, the
// same scores; and pool entries gone stale (an event deleted, moved out of the window, or joined by
// the caller since its entry was written) never shown. In-process handlers, real Auth tokens, the
// Firestore emulator. The triggers that keep the pool current: match-profile-trigger.test.ts.
import { describe, expect, it } from 'vitest';
import {
  backfillEventPool,
  backfillMatchFields,
  EVENT_POOL_COLLECTION,
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
  it('shows the same events with the same scores as ranking straight from events/', async () => {
    const me = await signUp();
    await writeProfiles(h.db, {
      [me.uid]: LIKES,
      fan: { interests: ['photography', 'jazz'], location: OAKLAND },
      shy: { interests: ['hiking', 'photography', 'jazz'], discoverable: false },
    });
    await writeEvents(h.db, {
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
    });
    const direct = await matchEvents(me);
    const directSuggested = await suggestedEvents(me);
    expect(direct.map((event) => event.eventId)).toEqual(['hike', 'jazz']);

    await backfillMatchFields(h.db);
    await backfillEventPool(h.db);
    // Every event from today on is pooled; the past one is not.
    expect(await pooledIds()).toEqual(['hike', 'jazz', 'later', 'mine', 'opera']);
    expect(await matchEvents(me)).toEqual(direct);
    expect(await suggestedEvents(me)).toEqual(directSuggested);
    const far = await matchEvents(me, { from: inDays(50).toISOString(), until: inDays(70).toISOString() });
    expect(far.map((event) => event.eventId)).toEqual(['later']);
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
    await backfillEventPool(h.db);
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
