// The crowd signal names nobody: on every event surface (matchEvents, suggestions, the assistant's
// find_events), with the crowd from the people pool, an attendee the caller blocked, who blocked the caller, who is not discoverable, or whose
// account is suspended or deleted, never feeds an event's shared interests or its score; and a crowd
// interest counts only when CROWD_MIN_SHARERS attendees share it. In-process handlers, real Auth
// tokens, the Firestore emulator.
import { describe, expect, it } from 'vitest';
import { assistantTools } from '../../src/lib/assistant-tools/index.js';
import { CROWD_MIN_SHARERS, matchingSettings } from '../../src/lib/features/matching/index.js';
import { getConfig } from '../../src/lib/platform/config/index.js';
import { parse } from 'zod/mini';
import { createLogger } from '../../src/lib/platform/logging.js';
import {
  call,
  inDays,
  OAKLAND,
  SAN_FRANCISCO,
  signUp,
  useMatchingHarness,
  writeEvents,
  writeProfiles,
  type SignedUpUser,
} from './matching-support.js';

const h = useMatchingHarness();

type Surface = 'matchEvents' | 'suggestions' | 'find_events';
type Exclusion = 'blocked by the caller' | 'blocking the caller' | 'not discoverable' | 'suspended' | 'deleted';

interface ShownEvent {
  eventId: string;
  score: number;
  crowdInterests: string[];
}

/** The events a surface shows `user`, with their scores and the crowd's shared interests. */
async function shownEvents(surface: Surface, user: SignedUpUser): Promise<Map<string, ShownEvent>> {
  let events: ShownEvent[];
  if (surface === 'find_events') {
    const tool = assistantTools({ db: h.db, settings: matchingSettings(getConfig()) }).find(
      (t) => t.name === 'find_events',
    )!;
    const result = await tool.run(parse(tool.args, { limit: 5 }), {
      uid: user.uid,
      timeZone: 'UTC',
      signal: new AbortController().signal,
      log: createLogger(),
    });
    events = result.events as ShownEvent[];
  } else {
    const res = await call(
      h,
      surface,
      user,
      surface === 'matchEvents' ? { body: { limit: 10 } } : { query: '?limit=10' },
    );
    expect(res.status).toBe(200);
    const matches = (surface === 'matchEvents' ? res.json.matches : res.json.events) as Array<{
      eventId: string;
      score: number;
      matched: { crowdInterests: string[] };
    }>;
    events = matches.map((m) => ({ eventId: m.eventId, score: m.score, crowdInterests: m.matched.crowdInterests }));
  }
  return new Map(events.map((event) => [event.eventId, event]));
}

/**
 * Three events alike in every way but their crowds: `withX` has two ordinary attendees and X (the
 * person under test, who also holds a tag nobody else has); `twoOnly` has the same two; `three` has
 * them and a third ordinary one. All share "board games" with the caller, X included.
 */
async function world(exclusion: Exclusion | undefined) {
  const caller = await signUp();
  const x = await signUp(); // a real account, so a block by X is a document X's own client could write
  const ordinary = { interests: ['board games'], purposes: ['friendship'], location: OAKLAND };
  await writeProfiles(h.db, {
    [caller.uid]: { interests: ['board games', 'falconry'], purposes: ['friendship'], location: SAN_FRANCISCO },
    s1: ordinary,
    s2: ordinary,
    s3: ordinary,
    [x.uid]: {
      interests: ['board games', 'falconry'],
      location: OAKLAND,
      ...(exclusion === 'not discoverable' ? { discoverable: false } : {}),
      ...(exclusion === 'suspended' || exclusion === 'deleted' ? { accountState: exclusion } : {}),
    },
  });
  if (exclusion === 'blocked by the caller') await h.db.doc(`users/${caller.uid}/blocks/${x.uid}`).set({});
  if (exclusion === 'blocking the caller') await h.db.doc(`users/${x.uid}/blocks/${caller.uid}`).set({});
  const walk = { tags: ['walking'], location: OAKLAND };
  await writeEvents(h.db, {
    withX: { title: 'Walk with X', ...walk, startsAt: inDays(3), attendeeIds: ['s1', 's2', x.uid] },
    twoOnly: { title: 'Walk of two', ...walk, startsAt: inDays(3), attendeeIds: ['s1', 's2'] },
    three: { title: 'Walk of three', ...walk, startsAt: inDays(3), attendeeIds: ['s1', 's2', 's3'] },
  });
  return caller;
}

const SURFACES: Surface[] = ['matchEvents', 'suggestions', 'find_events'];
const EXCLUSIONS: Exclusion[] = [
  'blocked by the caller',
  'blocking the caller',
  'not discoverable',
  'suspended',
  'deleted',
];

describe('the crowd signal, from the pools', () => {
  describe.each(SURFACES.map((surface) => [surface]))('%s', (surface) => {
    it.each(EXCLUSIONS.map((exclusion) => [exclusion]))(
      'an attendee %s never feeds the crowd: not their unique tag, not the tag they would make shared, not the score',
      async (exclusion) => {
        const caller = await world(exclusion);
        const shown = await shownEvents(surface as Surface, caller);
        const [withX, twoOnly, three] = ['withX', 'twoOnly', 'three'].map((id) => shown.get(id)!);
        expect(withX.crowdInterests).toEqual([]); // neither "falconry" (X alone) nor "board games" (X makes 3)
        expect(withX.score).toBe(twoOnly.score);
        // The control: three attendees who may count make "board games" a crowd interest.
        expect(three.crowdInterests).toEqual(['board games']);
        expect(three.score).toBeGreaterThan(twoOnly.score);
      },
    );

    it(`an attendee who may count makes a tag shared by ${CROWD_MIN_SHARERS} appear; their unique tag never does`, async () => {
      const caller = await world(undefined);
      const shown = await shownEvents(surface as Surface, caller);
      expect(shown.get('withX')!.crowdInterests).toEqual(['board games']);
      expect(shown.get('withX')!.score).toBe(shown.get('three')!.score);
      for (const event of shown.values()) expect(event.crowdInterests).not.toContain('falconry');
    });
  });
});
