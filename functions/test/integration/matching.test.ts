// matchUsers, matchEvents and suggestions in-process (real HTTP, Auth-emulator tokens, the Firestore
// emulator, a scripted Gemini-protocol server): ranking, exclusions, retrieval bounds, explanations
// and every fallback path, the cache, and the suggestions' single explanation call.
import { describe, expect, it } from 'vitest';
import { scopedEnv } from '../support/env.js';
import { OFFLINE_MARK } from '../../dev/gemini-server/index.js';
import { cellBounds, cellOf } from '../../src/lib/features/matching/scoring/coarse-location.js';
import { POOL_COLLECTION, POOL_SHARD_COUNT } from '../../src/lib/features/matching/index.js';
import {
  call,
  EXPLANATION_MODEL,
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

const h = useMatchingHarness();

/** Env overrides of one test, undone after it. */
const setEnv = scopedEnv();

const SECRET_BIO = 'my-private-bio-phrase';

/** A caller with a profile and a small, varied neighbourhood. */
async function seedNeighbourhood(): Promise<SignedUpUser> {
  const me = await signUp();
  await writeProfiles(h.db, {
    [me.uid]: {
      displayName: 'Me',
      interests: ['hiking', 'photography', 'coffee', 'board games'],
      purposes: ['friendship'],
      location: SAN_FRANCISCO,
      bio: SECRET_BIO,
    },
    // Everything shared, close by.
    best: {
      displayName: 'Best',
      interests: ['Hiking', 'photography', 'coffee'],
      purposes: ['friendship'],
      location: OAKLAND,
      bio: SECRET_BIO,
    },
    // Two interests, no purpose, same city.
    good: {
      displayName: 'Good',
      interests: ['coffee', 'board games', 'chess'],
      purposes: ['networking'],
      location: SAN_FRANCISCO,
    },
    // Only the purpose, far away.
    weak: { displayName: 'Weak', interests: ['opera'], purposes: ['friendship'], location: LONDON },
    // A perfect match who opted out of discovery.
    hidden: {
      displayName: 'Hidden',
      interests: ['hiking', 'photography', 'coffee', 'board games'],
      purposes: ['friendship'],
      location: SAN_FRANCISCO,
      discoverable: false,
    },
    // Shares nothing: not even retrieved.
    stranger: { displayName: 'Stranger', interests: ['opera'], purposes: ['dating'], location: LONDON },
  });
  return me;
}

function explanationRequests() {
  return h.gemini.requests({ action: 'generateContent' });
}

describe('matchUsers', () => {
  it('ranks retrieved people by score, without the caller or non-discoverable users, each explained by the model', async () => {
    const me = await seedNeighbourhood();
    const res = await call(h, 'matchUsers', me, { body: {} });
    expect(res.status).toBe(200);
    const matches = res.json.matches as {
      userId: string;
      score: number;
      components: { interests: number };
      explanation: string;
    }[];
    expect(matches.map((m) => m.userId)).toEqual(['best', 'good', 'weak']);
    const scores = matches.map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(matches[0]).toMatchObject({
      displayName: 'Best',
      matched: {
        interests: ['hiking', 'photography', 'coffee'],
        purposes: ['friendship'],
        location: { kind: 'distance' },
      },
      explanationSource: 'model',
    });
    expect(matches[0].components.interests).toBeGreaterThan(0);
    for (const match of matches) expect(match.explanation).toContain(OFFLINE_MARK);
    // The stand-in writes a sentence from the facts it was sent, not a placeholder.
    expect(matches[0].explanation).toBe(
      `${OFFLINE_MARK} You share hiking, photography and coffee; you are both here for friendship; you are 10-15 km apart.`,
    );

    // One structured-output call with the seed's settings, grounded in matched signals only.
    const requests = explanationRequests();
    expect(requests).toHaveLength(1);
    const body = requests[0].body!;
    expect(requests[0].model).toBe(EXPLANATION_MODEL);
    expect(body.generationConfig).toMatchObject({
      temperature: 0.8,
      responseMimeType: 'application/json',
      maxOutputTokens: 350,
    });
    const sent = `${body.systemInstruction ?? ''}\n${body.contents.flatMap((c) => c.texts).join('\n')}`;
    expect(sent).toContain('"sharedInterests":["hiking","photography","coffee"]');
    expect(sent).not.toContain(SECRET_BIO);
    expect(sent).not.toMatch(/Best|Good|Weak|best|good"|weak"/);
  });

  it("honours limit and preferences (replacing the profile's interests for this request)", async () => {
    const me = await seedNeighbourhood();
    const limited = await call(h, 'matchUsers', me, { body: { limit: 1 } });
    expect(limited.json.matches.map((m: { userId: string }) => m.userId)).toEqual(['best']);

    const chess = await call(h, 'matchUsers', me, { body: { preferences: { interests: ['chess'], purposes: [] } } });
    expect(chess.json.matches[0]).toMatchObject({ userId: 'good', matched: { interests: ['chess'] } });
  });

  it('preferences filter: only people sharing a requested interest or purpose, or within the distance, come back', async () => {
    const me = await seedNeighbourhood();
    const ids = async (preferences: object) => {
      const res = await call(h, 'matchUsers', me, { body: { preferences } });
      expect(res.status).toBe(200);
      return (res.json.matches as { userId: string }[]).map((m) => m.userId).sort();
    };
    // Without preferences "best" and "weak" come back too, on other interests, the purpose or the place.
    expect(await ids({})).toEqual(['best', 'good', 'weak']);
    expect(await ids({ interests: ['chess'] })).toEqual(['good']);
    expect(await ids({ interests: ['theremin'] })).toEqual([]);
    expect(await ids({ purposes: ['friendship'] })).toEqual(['best', 'weak']);
    // Oakland is 10-15 km from San Francisco, London is not within 20 km.
    expect(await ids({ maxDistanceKm: 20 })).toEqual(['best', 'good']);
    expect(await ids({ maxDistanceKm: 5 })).toEqual(['good']);
    // Together: all of them must hold.
    expect(await ids({ interests: ['coffee'], maxDistanceKm: 5 })).toEqual(['good']);
  });

  it('answers 404 profile_not_found, saying what to create, for a caller without a profile', async () => {
    const nobody = await signUp();
    const res = await call(h, 'matchUsers', nobody, { body: {} });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('profile_not_found');
    expect(res.json.error.message).toMatch(/users\/\{your uid\}/);
    expect(explanationRequests()).toHaveLength(0);
  });

  it('rejects an invalid body with 400', async () => {
    const me = await seedNeighbourhood();
    const res = await call(h, 'matchUsers', me, { body: { limit: 500, preferences: { maxDistanceKm: -1 } } });
    expect(res.status).toBe(400);
  });

  it('reads the pool, not the people: the caller, the pool shards and the winners, however many match', async () => {
    const me = await signUp();
    const crowd: Record<string, object> = {};
    for (let i = 0; i < 150; i++) {
      crowd[`crowd-${String(i).padStart(3, '0')}`] = {
        displayName: `Crowd ${i}`,
        interests: ['hiking', i % 2 === 0 ? 'coffee' : 'jazz'],
        purposes: ['friendship'],
        location: SAN_FRANCISCO,
      };
    }
    await writeProfiles(h.db, {
      [me.uid]: { interests: ['hiking', 'coffee'], purposes: ['friendship'], location: SAN_FRANCISCO },
      ...crowd,
    });
    const shards = (await h.db.collection(POOL_COLLECTION).get()).size;
    expect(shards).toBeLessThanOrEqual(POOL_SHARD_COUNT);

    const res = await call(h, 'matchUsers', me, { body: { limit: 5 } });
    expect(res.status).toBe(200);
    // 1 (the caller's profile) + the caller's blocks (none) + every pool shard + the profile and the
    // reverse block of each of the 7 winners confirmed (limit 5 + slack 2).
    expect(res.documentsRead).toBe(1 + 0 + shards + 7 * 2);
    expect(res.json.matches).toHaveLength(5);
    // Everyone is ranked: the top five share both interests.
    for (const match of res.json.matches) expect(match.matched.interests).toEqual(['hiking', 'coffee']);
  });

  it('ranks everyone nearby, whatever their city or its spelling, even with no tag in common; not one beyond the radius', async () => {
    const me = await signUp();
    await writeProfiles(h.db, {
      [me.uid]: { interests: ['hiking'], purposes: ['friendship'], location: SAN_FRANCISCO },
      // Nothing in common but the city, 1 km away.
      neighbour: {
        displayName: 'Neighbour',
        interests: ['opera'],
        purposes: ['dating'],
        location: { ...SAN_FRANCISCO, lat: 37.7839 },
      },
      lowercase: {
        displayName: 'Lowercase',
        interests: ['opera'],
        purposes: ['dating'],
        location: { city: 'san francisco', lat: 37.7659, lng: -122.4194 },
      },
      // Oakland, ~13 km away: another city, still near.
      across: { displayName: 'Across', interests: ['opera'], purposes: ['dating'], location: OAKLAND },
      // Sacramento, ~120 km away: beyond a 50 km radius.
      far: {
        displayName: 'Far',
        interests: ['opera'],
        purposes: ['dating'],
        location: { city: 'Sacramento', lat: 38.58, lng: -121.49 },
      },
    });
    const res = await call(h, 'matchUsers', me, { body: {} });
    expect(res.status).toBe(200);
    const matches = res.json.matches as {
      userId: string;
      components: { interests: number; purpose: number; location: number };
      matched: { location: unknown };
    }[];
    expect(matches.map((m) => m.userId).sort()).toEqual(['across', 'lowercase', 'neighbour']);
    for (const match of matches) {
      expect(match.components.interests).toBe(0);
      expect(match.components.purpose).toBe(0);
    }
    expect(matches.find((m) => m.userId === 'across')?.matched.location).toEqual({
      kind: 'distance',
      minKm: 10,
      maxKm: 15,
    });
  });
});

describe('location privacy', () => {
  it('answers matchUsers and suggestions identically for two positions of another user within one ~1 km cell', async () => {
    const me = await signUp();
    // Opposite corners of the grid cell around Oakland's centre, about 1.4 km apart.
    const { south, north, west, east } = cellBounds(cellOf(37.8044, -122.2712));
    const corners = [
      { lat: south + 1e-6, lng: west + 1e-6 },
      { lat: north - 1e-6, lng: east - 1e-6 },
    ];
    // The caller moves their own profile around, as an attacker would: inside the cell, next to it, farther.
    const probes = [
      corners[0],
      { lat: south - 0.004, lng: west + 0.001 },
      { lat: north + 0.02, lng: east + 0.03 },
      SAN_FRANCISCO,
    ];
    for (const probe of probes) {
      await writeProfiles(h.db, {
        [me.uid]: { interests: ['chess'], purposes: ['friendship'], location: { lat: probe.lat, lng: probe.lng } },
      });
      const seen = [];
      const modelCalls = [];
      for (const at of corners) {
        await writeProfiles(h.db, {
          target: {
            displayName: 'Target',
            interests: ['chess', 'go'],
            purposes: ['friendship'],
            location: { city: 'Oakland', ...at },
          },
        });
        const users = await call(h, 'matchUsers', me, { body: { preferences: { maxDistanceKm: 200 } } });
        const suggestions = await call(h, 'suggestions', me);
        expect([users.status, suggestions.status]).toEqual([200, 200]);
        expect(users.json.matches).toHaveLength(1);
        seen.push({ users: users.json.matches, suggested: suggestions.json.users });
        modelCalls.push(explanationRequests().length);
      }
      expect(seen[1]).toEqual(seen[0]);
      // The second position asked the model nothing new: the explanation cache key (like everything
      // else) never saw the exact position.
      expect(modelCalls[1]).toBe(modelCalls[0]);
    }
  });
});

describe('hidden profiles', () => {
  it('leave no trace in matchUsers answers: same body and headers whether or not one shares the tag', async () => {
    const me = await signUp();
    await writeProfiles(h.db, { [me.uid]: { interests: ['theremin'], purposes: [], location: SAN_FRANCISCO } });
    const probe = async () => {
      const res = await call(h, 'matchUsers', me, { body: { preferences: { interests: ['theremin'] } } });
      const headers = [...res.headers.entries()].filter(
        // Countdowns (seconds to the rate-limit window's or the AI budget's reset) move between requests.
        ([name]) =>
          !['date', 'x-request-id', 'content-length', 'ai-budget-reset'].includes(name) &&
          !name.startsWith('ratelimit-'),
      );
      return { status: res.status, json: res.json, headers, documentsRead: res.documentsRead };
    };
    const before = await probe();
    await writeProfiles(h.db, {
      hidden: {
        displayName: 'Hidden',
        interests: ['theremin'],
        discoverable: false,
        location: { lat: 37.77, lng: -122.42 },
      },
    });
    const after = await probe();
    // The server did read the hidden profile (it is dropped after the read) ...
    expect(after.documentsRead).toBe((before.documentsRead as number) + 1);
    // ... but nothing the caller receives says so.
    expect({ ...after, documentsRead: 0 }).toEqual({ ...before, documentsRead: 0 });
    expect(after.json.matches).toEqual([]);
  });
});

describe('explanation fallbacks', () => {
  async function firstSources(): Promise<{ sources: string[]; texts: string[]; elapsedMs: number }> {
    const me = await seedNeighbourhood();
    const res = await call(h, 'matchUsers', me, { body: {} });
    expect(res.status).toBe(200);
    return {
      sources: res.json.matches.map((m: { explanationSource: string }) => m.explanationSource),
      texts: res.json.matches.map((m: { explanation: string }) => m.explanation),
      elapsedMs: res.elapsedMs,
    };
  }

  it('uses templates when the model answers HTTP 500', async () => {
    h.gemini.queue({ reply: { kind: 'http-error', code: 500 } });
    const { sources, texts } = await firstSources();
    expect(sources).toEqual(['template', 'template', 'template']);
    expect(texts[0]).toBe(
      'You both like hiking, photography and coffee, and you are both here for friendship. You are 10-15 km apart.',
    );
    expect(explanationRequests()).toHaveLength(1); // no retry inside the budget
  });

  it('uses templates once the time budget is spent', async () => {
    setEnv({ MATCH_EXPLANATION_TIMEOUT_MS: '400' });
    h.gemini.queue({ latencyMs: 5000, reply: { kind: 'default' } });
    const { sources, elapsedMs } = await firstSources();
    expect(sources).toEqual(['template', 'template', 'template']);
    expect(elapsedMs).toBeLessThan(3000);
    const [request] = explanationRequests();
    expect((await h.gemini.waitForAbort(request.id, 5000)).outcome).toBe('aborted');
  });

  it('uses templates when the answer is not valid JSON', async () => {
    h.gemini.queue({
      reply: { kind: 'content', parts: [{ type: 'text', chunks: ['{"m1": "You both', ' like hik'] }] },
    });
    expect((await firstSources()).sources).toEqual(['template', 'template', 'template']);
  });

  it('uses the template only for a match the model left out', async () => {
    const answer = JSON.stringify({ m1: 'You two would get along on a trail.', m3: 'You both want new friends.' });
    h.gemini.queue({ reply: { kind: 'content', parts: [{ type: 'text', text: answer }] } });
    const { sources, texts } = await firstSources();
    expect(sources).toEqual(['model', 'template', 'model']);
    expect(texts[0]).toBe('You two would get along on a trail.');
    expect(texts[1]).toMatch(/^You both like coffee and board games\./);
  });

  it('uses templates when no Gemini key is configured', async () => {
    setEnv({ GEMINI_API_KEY: '' });
    expect((await firstSources()).sources).toEqual(['template', 'template', 'template']);
    expect(explanationRequests()).toHaveLength(0);
  });

  it('serves cached model explanations on the next request without calling the model', async () => {
    const me = await seedNeighbourhood();
    const first = await call(h, 'matchUsers', me, { body: {} });
    const second = await call(h, 'matchUsers', me, { body: {} });
    expect(explanationRequests()).toHaveLength(1);
    expect(second.json.matches).toEqual(first.json.matches);
    expect(second.json.matches.every((m: { explanationSource: string }) => m.explanationSource === 'model')).toBe(true);

    // A changed signal is a new cache key: only that match is asked for again.
    await writeProfiles(h.db, {
      weak: { displayName: 'Weak', interests: ['opera'], purposes: ['friendship'], location: OAKLAND },
    });
    await call(h, 'matchUsers', me, { body: {} });
    const requests = explanationRequests();
    expect(requests).toHaveLength(2);
    expect(requests[1].body!.generationConfig).toMatchObject({ maxOutputTokens: 150 });
  });
});

describe('matchEvents', () => {
  it('ranks upcoming events in the window, leaving out past, too-late and already-attended ones', async () => {
    const me = await signUp();
    await writeProfiles(h.db, {
      [me.uid]: { interests: ['hiking', 'photography', 'jazz'], purposes: ['friendship'], location: SAN_FRANCISCO },
      fan1: { interests: ['photography', 'jazz'], location: OAKLAND },
      fan2: { interests: ['photography', 'jazz'], location: OAKLAND },
      fan3: { interests: ['photography', 'jazz', 'opera'], location: OAKLAND },
      shy: { interests: ['hiking', 'opera'], discoverable: false },
    });
    await writeEvents(h.db, {
      hike: {
        title: 'Sunrise hike',
        tags: ['hiking', 'outdoors'],
        location: OAKLAND,
        startsAt: inDays(3),
        attendeeIds: ['fan1', 'fan2', 'fan3', 'shy'],
      },
      jazz: { title: 'Jazz night', tags: ['jazz'], location: LONDON, startsAt: inDays(5) },
      opera: { title: 'Opera', tags: ['opera'], location: LONDON, startsAt: inDays(4) },
      past: { title: 'Past hike', tags: ['hiking', 'photography'], location: SAN_FRANCISCO, startsAt: inDays(-1) },
      later: {
        title: 'Far future hike',
        tags: ['hiking', 'photography'],
        location: SAN_FRANCISCO,
        startsAt: inDays(60),
      },
      mine: {
        title: 'My own walk',
        tags: ['hiking', 'photography'],
        location: SAN_FRANCISCO,
        startsAt: inDays(2),
        attendeeIds: [me.uid],
      },
    });
    const res = await call(h, 'matchEvents', me, { body: { until: inDays(30).toISOString() } });
    expect(res.status).toBe(200);
    const matches = res.json.matches as {
      eventId: string;
      title: string;
      startsAt: string;
      components: Record<string, number>;
      matched: { tags: string[]; crowdInterests: string[] };
      explanationSource: string;
    }[];
    expect(matches.map((m) => m.eventId)).toEqual(['hike', 'jazz']);
    expect(matches[0].title).toBe('Sunrise hike');
    expect(Date.parse(matches[0].startsAt)).toBeGreaterThan(Date.now());
    // The event's own tag apart from what three attendees share; the hidden "shy" counts for nothing
    // (opera, shared by fan3 and shy only, is not a crowd interest either way).
    expect(matches[0].matched).toEqual({
      tags: ['hiking'],
      crowdInterests: ['photography', 'jazz'],
      location: { kind: 'distance', minKm: 10, maxKm: 15 },
    });
    // The event formula's components only, rounded as every surface shows them.
    expect(Object.keys(matches[0].components).sort()).toEqual(['interests', 'location']);
    for (const value of Object.values(matches[0].components)) expect(value).toBe(Math.round(value * 100) / 100);
    expect(matches.every((m) => m.explanationSource === 'model')).toBe(true);
    // 1 profile + the caller's blocks (none) + the people pool's shards + the event pool's 4 days in
    // the window (those of hike, opera, jazz and mine) + the 2 winners confirmed (event and attendance
    // each) + whether each of the 3 suggestable attendees of the shown events blocked the caller.
    const shards = (await h.db.collection(POOL_COLLECTION).get()).size;
    expect(res.documentsRead).toBe(1 + 0 + shards + 4 + 2 * 2 + 3);

    const later = await call(h, 'matchEvents', me, {
      body: { from: inDays(50).toISOString(), until: inDays(70).toISOString() },
    });
    expect(later.json.matches.map((m: { eventId: string }) => m.eventId)).toEqual(['later']);
  });

  it('validates the window', async () => {
    const me = await signUp();
    const backwards = await call(h, 'matchEvents', me, {
      body: { from: inDays(5).toISOString(), until: inDays(1).toISOString() },
    });
    expect(backwards.status).toBe(400);
    const notADate = await call(h, 'matchEvents', me, { body: { from: 'tomorrow' } });
    expect(notADate.status).toBe(400);
  });

  it('answers 404 profile_not_found without a profile', async () => {
    const res = await call(h, 'matchEvents', await signUp(), { body: {} });
    expect([res.status, res.json.error.code]).toEqual([404, 'profile_not_found']);
  });
});

describe('suggestions', () => {
  it('returns the top people and events with ONE explanation call for both', async () => {
    const me = await seedNeighbourhood();
    await writeEvents(h.db, {
      walk: { title: 'Photo walk', tags: ['photography'], location: OAKLAND, startsAt: inDays(2) },
      games: { title: 'Board game night', tags: ['board games'], location: SAN_FRANCISCO, startsAt: inDays(4) },
    });
    const res = await call(h, 'suggestions', me, { path: `/${me.uid}` });
    expect(res.status).toBe(200);
    expect(res.json.users.map((u: { userId: string }) => u.userId)).toEqual(['best', 'good', 'weak']);
    expect(res.json.events.map((e: { eventId: string }) => e.eventId).sort()).toEqual(['games', 'walk']);
    const requests = explanationRequests();
    expect(requests).toHaveLength(1);
    expect(requests[0].body!.generationConfig).toMatchObject({ maxOutputTokens: 5 * 100 + 50 });
    for (const match of [...res.json.users, ...res.json.events]) expect(match.explanationSource).toBe('model');

    const top1 = await call(h, 'suggestions', me, { query: '?limit=1' });
    expect([top1.json.users.length, top1.json.events.length]).toEqual([1, 1]);
  });

  it("is 403 for another user's uid", async () => {
    const me = await seedNeighbourhood();
    const res = await call(h, 'suggestions', me, { path: '/best' });
    expect([res.status, res.json.error.code]).toEqual([403, 'forbidden']);
  });

  it('answers 404 profile_not_found without a profile', async () => {
    const res = await call(h, 'suggestions', await signUp());
    expect([res.status, res.json.error.code]).toEqual([404, 'profile_not_found']);
  });
});
