// The assistant's tools end to end, in-process against the Gemini-protocol server (its default reply
// calls find_events / suggest_people; scenarios script every other shape) with the official Firestore
// emulator holding profiles and events. The server's request log shows what "Gemini" got back: the
// model's message with its signatures, and the functionResponse parts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scopedEnv } from '../support/env.js';
import { scopedTuning } from '../support/tuning.js';
import type { ChatStreamEvent } from '../../client/index.js';
import type { Scenario, ScenarioPart } from '../../dev/gemini-server/index.js';
import { utcDay } from '../../src/lib/platform/budget/day.js';
import {
  collectEvents,
  deltaText,
  eventually,
  messagesOf,
  signUp,
  startChatHarness,
  type ChatHarness,
} from './chat-support.js';
import { backfillMatchFields } from '../../src/lib/features/matching/index.js';
import {
  addDays,
  instantOf,
  localMoment,
  localTimeText,
  parseLocalTimeInput,
  resolveTimePhrase,
} from '../../src/lib/platform/time/index.js';
import {
  clearFirestore,
  inDays,
  LONDON,
  OAKLAND,
  SAN_FRANCISCO,
  writeEvents,
  writeProfiles,
} from './matching-support.js';

let h: ChatHarness;
beforeAll(async () => {
  // Every test starts from an empty Firestore: the per-instance cache of the pool would outlive it.
  h = await startChatHarness({ sharedMatchCache: false });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  h.gemini.reset();
  await clearFirestore();
});

/** Env overrides of one test, undone after it. */
const setEnv = scopedEnv();
const tune = scopedTuning(() => h.tuning);

/** A caller with a profile, plus a world of events and people around them (ids unique per test). */
async function world() {
  const user = await signUp();
  const tag = randomUUID().slice(0, 8);
  const jazz = `jazz${tag}`;
  const ids = {
    upcoming: `ev-up-${tag}`,
    later: `ev-later-${tag}`,
    past: `ev-past-${tag}`,
    attended: `ev-att-${tag}`,
    friend: `u-friend-${tag}`,
    hidden: `u-hidden-${tag}`,
  };
  await writeProfiles(h.db, {
    [user.uid]: { displayName: 'Caller', interests: [jazz, 'hiking'], purposes: ['friends'], location: OAKLAND },
    [ids.friend]: { displayName: 'Friendly', interests: [jazz], purposes: ['friends'], location: SAN_FRANCISCO },
    [ids.hidden]: { displayName: 'Hidden', interests: [jazz], purposes: ['friends'], discoverable: false },
  });
  // What the profile trigger does in production: derived fields and the prepared candidate pool.
  await backfillMatchFields(h.db);
  await writeEvents(h.db, {
    [ids.upcoming]: {
      title: `Jazz night ${tag}`,
      tags: [jazz],
      location: OAKLAND,
      startsAt: inDays(2),
      attendeeIds: [ids.friend],
    },
    [ids.later]: { title: `Jazz brunch ${tag}`, tags: [jazz, 'food'], location: LONDON, startsAt: inDays(5) },
    [ids.past]: { title: `Old jazz ${tag}`, tags: [jazz], location: OAKLAND, startsAt: inDays(-2) },
    [ids.attended]: {
      title: `Mine ${tag}`,
      tags: [jazz],
      location: OAKLAND,
      startsAt: inDays(3),
      attendeeIds: [user.uid],
    },
  });
  return { user, jazz, ids, tag };
}

const ofType = <T extends ChatStreamEvent['type']>(events: ChatStreamEvent[], type: T) =>
  events.filter((event): event is Extract<ChatStreamEvent, { type: T }> => event.type === type);

const generateRequests = () => h.gemini.requests((r) => r.action === 'streamGenerateContent');

function scenario(parts: ScenarioPart[]): Scenario {
  return { reply: { kind: 'content', parts } };
}

describe('the offline default model with tools', () => {
  it('asks find_events, streams tool-call and tool-result cards, then a summary of exactly those events', async () => {
    const { user, ids, tag } = await world();
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: `Any events for me? ${tag}` }));
    const calls = ofType(events, 'tool-call');
    const results = ofType(events, 'tool-result');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'find_events', args: { limit: 3 } });
    expect(results).toHaveLength(1);
    expect(results[0].id).toBe(calls[0].id);
    const cards = results[0].result.events as Array<Record<string, unknown>>;
    const cardIds = cards.map((card) => card.eventId);
    // Upcoming only, never one the caller already attends; ranked by the scorer (nearby jazz first).
    expect(cardIds[0]).toBe(ids.upcoming);
    expect(cardIds).not.toContain(ids.past);
    expect(cardIds).not.toContain(ids.attended);
    const card = cards[0];
    expect(Object.keys(card).sort()).toEqual(
      [
        'attendeeCount',
        'crowdInterests',
        'eventId',
        'localStart',
        'matchedTags',
        'place',
        'score',
        'startsAt',
        'tags',
        'timeZone',
        'title',
      ].sort(),
    );
    expect(card.place).toEqual({ city: 'Oakland', region: 'California', country: 'US' }); // no coordinates
    expect(card.attendeeCount).toBe(1); // a count, never who
    expect(JSON.stringify(results)).not.toContain(ids.friend);

    // Order on the wire: start, tool-call, tool-result, the summary's deltas, done.
    const order = events.map((event) => event.type);
    expect(order[0]).toBe('start');
    expect(order.indexOf('tool-call')).toBeLessThan(order.indexOf('tool-result'));
    expect(order.indexOf('tool-result')).toBeLessThan(order.indexOf('delta'));
    expect(order.at(-1)).toBe('done');
    const text = deltaText(events);
    expect(text).toContain(`Jazz night ${tag}`);
    expect(text).not.toContain(`Old jazz ${tag}`);

    // Gemini got its own turn back with the signature, then the functionResponse.
    const requests = generateRequests();
    expect(requests).toHaveLength(2);
    const [first, second] = requests;
    expect(first.body?.tools).toEqual([
      { functionDeclarations: expect.arrayContaining([expect.objectContaining({ name: 'find_events' })]) },
    ]);
    const contents = second.body!.contents;
    const modelMessage = contents.at(-2)!;
    const responseTurn = contents.at(-1)!;
    expect(modelMessage.role).toBe('model');
    expect(modelMessage.functionCalls).toEqual([
      { name: 'find_events', args: { limit: 3 }, thoughtSignature: expect.any(String) },
    ]);
    expect(responseTurn.role).toBe('user');
    expect(responseTurn.functionResponses).toEqual([{ name: 'find_events', response: { result: results[0].result } }]);
    expect(second.status).toBe(200);
    const done = ofType(events, 'done')[0];
    expect(done.cached).toBe(false);
    expect(done.usage!.promptTokens).toBeGreaterThan(0);

    // Stored with the message: the cards (for the app) and the replayable exchange (for the next turn).
    const start = ofType(events, 'start')[0];
    const stored = await eventually(async () => {
      const messages = await messagesOf(h.db, start.conversationId);
      const reply = messages.find((m) => m.id === start.messageId);
      if (reply?.status !== 'complete') throw new Error('not stored yet');
      return reply;
    });
    expect(JSON.parse(stored.toolCallsJson as string)).toEqual([
      { id: calls[0].id, name: 'find_events', args: { limit: 3 }, result: results[0].result },
    ]);
    expect(typeof stored.exchangeJson).toBe('string');
    expect(stored.exchangeFormat).toBe('gemini');
    expect(stored.text).toBe(text);
  });

  it('"this weekend" is the caller’s weekend: the model is told the local date, fills from/until, and the cards carry local times', async () => {
    const user = await signUp();
    const tag = randomUUID().slice(0, 8);
    await writeProfiles(h.db, {
      [user.uid]: { displayName: 'Caller', interests: [`jazz${tag}`], location: OAKLAND, timeZone: 'Asia/Tokyo' },
    });
    // An event at noon Los Angeles time on each day from yesterday to nine days on (Los Angeles days).
    const laToday = localMoment(Date.now(), 'America/Los_Angeles').date;
    const noons = Array.from({ length: 11 }, (_, i) => addDays(laToday, i - 1)).map((day) => ({
      id: `ev-noon-${day.month}-${day.day}-${tag}`,
      startsAt: new Date(instantOf({ ...day, hour: 12 }, 'America/Los_Angeles')),
    }));
    await writeEvents(
      h.db,
      Object.fromEntries(
        noons.map(({ id, startsAt }) => [
          id,
          { title: `Noon ${id}`, tags: [`jazz${tag}`], location: OAKLAND, startsAt, timeZone: 'America/Los_Angeles' },
        ]),
      ),
    );

    // The request's zone wins over the profile's; without one, the profile's (Tokyo) is used.
    for (const [zone, body] of [
      ['America/Los_Angeles', { timeZone: 'America/Los_Angeles' }],
      ['Asia/Tokyo', {}],
    ] as const) {
      h.gemini.reset();
      const now = Date.now();
      const events = await collectEvents(
        h.clientFor(user).streamMessage({ message: `Any events for me this weekend? ${tag}`, ...body }),
      );
      expect(ofType(events, 'start')[0]).toMatchObject({
        timeZone: zone,
        timeZoneSource: zone === 'Asia/Tokyo' ? 'profile' : 'request',
      });
      const instruction = generateRequests()[0].body!.systemInstruction!;
      const local = localMoment(now, zone);
      expect(instruction).toContain(`time zone ${zone}`);
      expect(instruction).toMatch(
        new RegExp(`Current local time: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(\\w+\\), time zone ${zone}`),
      );
      const window = resolveTimePhrase('this weekend', local.date)!;
      const [call] = ofType(events, 'tool-call');
      expect(call.args).toEqual({ from: window.from, until: window.until, limit: 3 });

      const from = Math.max(now, parseLocalTimeInput(window.from, 'start', zone)!);
      const until = parseLocalTimeInput(window.until, 'end', zone)!;
      const expected = noons
        .filter(({ startsAt }) => startsAt.getTime() >= from && startsAt.getTime() <= until)
        .map(({ id }) => id);
      const cards = ofType(events, 'tool-result')[0].result.events as Array<Record<string, string>>;
      expect(cards.map((card) => card.eventId).sort()).toEqual(expected.sort());
      for (const card of cards) {
        expect(card.localStart).toBe(localTimeText(Date.parse(card.startsAt), zone));
        expect(card.timeZone).toBe('America/Los_Angeles');
        expect(deltaText(events)).toContain(card.localStart);
      }
      expect(deltaText(events)).toContain(expected.length > 0 ? 'this weekend:' : 'no upcoming events this weekend');
    }
  });

  it('without a zone in the request or the profile, times are UTC and the reply says so; turns store their local date', async () => {
    const { user, tag } = await world();
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: `Any events for me? ${tag}` }));
    const start = ofType(events, 'start')[0];
    expect(start).toMatchObject({ timeZone: 'UTC', timeZoneSource: 'default' });
    expect(generateRequests()[0].body!.systemInstruction).toContain('When you mention a time, say that it is UTC.');
    expect(deltaText(events)).toContain('Times are in UTC: your time zone is not known.');
    const messages = await eventually(async () => {
      const stored = await messagesOf(h.db, start.conversationId);
      if (!stored.every((m) => m.sent)) throw new Error('not stamped yet');
      return stored;
    });
    for (const message of messages)
      expect(message.sent).toMatchObject({ timeZone: 'UTC', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('suggest_people shows discoverable people only, never the caller, with a distance band and no coordinates', async () => {
    const { user, ids } = await world();
    const reply = await h.clientFor(user).sendMessage({ message: 'Who could I meet?' });
    expect(reply.toolCalls).toHaveLength(1);
    const [call] = reply.toolCalls;
    expect(call.name).toBe('suggest_people');
    const people = call.result.people as Array<Record<string, unknown>>;
    const userIds = people.map((person) => person.userId);
    expect(userIds).toContain(ids.friend);
    expect(userIds).not.toContain(ids.hidden);
    expect(userIds).not.toContain(user.uid);
    const friend = people.find((person) => person.userId === ids.friend)!;
    expect(Object.keys(friend).sort()).toEqual(
      ['displayName', 'distance', 'matchedInterests', 'matchedPurposes', 'userId'].sort(),
    );
    expect(friend.distance).toMatchObject({ kind: 'distance', minKm: expect.any(Number), maxKm: expect.any(Number) });
    expect(JSON.stringify(call.result)).not.toMatch(/"lat"|"lng"|37\.80|122\.27/);
    expect(reply.reply).toContain('Friendly');
  });

  it('suggest_people honours blocks both ways: neither side of a blocked pair is suggested to the other', async () => {
    const mine = await world();
    await h.db.doc(`users/${mine.user.uid}/blocks/${mine.ids.friend}`).set({});
    const blocked = await h.clientFor(mine.user).sendMessage({ message: 'Who could I meet?' });
    const firstIds = (blocked.toolCalls[0].result.people as Array<{ userId: string }>).map((p) => p.userId);
    expect(firstIds).not.toContain(mine.ids.friend);

    const theirs = await world();
    await h.db.doc(`users/${theirs.ids.friend}/blocks/${theirs.user.uid}`).set({});
    const blockedBy = await h.clientFor(theirs.user).sendMessage({ message: 'Who could I meet?' });
    const secondIds = (blockedBy.toolCalls[0].result.people as Array<{ userId: string }>).map((p) => p.userId);
    expect(secondIds).not.toContain(theirs.ids.friend);
    // Still a working search: the other world's friend (not blocked) is there.
    expect(secondIds).toContain(mine.ids.friend);
  });

  it('a turn that used tools is never served from the cache: the same question runs the tools again', async () => {
    const { user, tag } = await world();
    const client = h.clientFor(user);
    const message = `Any events? ${tag}`;
    const first = await client.sendMessage({ message });
    const second = await client.sendMessage({ message });
    expect(first.toolCalls).toHaveLength(1);
    expect(second.cached).toBe(false);
    expect(second.toolCalls).toHaveLength(1);
    expect(generateRequests()).toHaveLength(4);
  });

  it('the next turn replays the function-call and function-response parts, signatures included', async () => {
    const { user, tag } = await world();
    const client = h.clientFor(user);
    const first = await client.sendMessage({ message: `Any events for me? ${tag}` });
    const signature = generateRequests()[1].body!.contents.at(-2)!.functionCalls[0].thoughtSignature;
    expect(signature).toEqual(expect.any(String));
    h.gemini.reset();
    await client.sendMessage({ conversationId: first.conversationId, message: 'Thanks! Tell me a joke.' });
    const [request] = generateRequests();
    const replayed = request.body!.contents;
    expect(replayed.map((content) => content.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    expect(replayed[1].functionCalls).toEqual([
      { name: 'find_events', args: { limit: 3 }, thoughtSignature: signature },
    ]);
    expect(replayed[2].functionResponses[0].name).toBe('find_events');
    expect(replayed[3].texts.join('')).toBe(first.reply);
    expect(request.status).toBe(200);
  });
});

describe('scripted tool calls', () => {
  it('parallel calls in one chunk, the signed one repeated later without its signature: each runs once, the signature kept', async () => {
    const { user, ids, jazz } = await world();
    h.gemini.queue(
      scenario([
        {
          type: 'functionCall',
          name: 'find_events',
          args: { tags: [jazz], limit: 2 },
          thoughtSignature: 'sig-A',
          repeatInLaterChunk: true,
        },
        { type: 'functionCall', name: 'get_event', args: { eventId: ids.later }, sameChunk: true },
      ]),
      scenario([{ type: 'text', chunks: ['Here ', 'you go.'] }]),
    );
    const events = await collectEvents(h.clientFor(user).streamMessage({ message: 'jazz and that brunch?' }));
    const calls = ofType(events, 'tool-call');
    expect(calls.map((call) => call.name)).toEqual(['find_events', 'get_event']);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    const results = ofType(events, 'tool-result');
    expect(results.map((result) => result.name).sort()).toEqual(['find_events', 'get_event']);
    const brunch = results.find((result) => result.name === 'get_event')!.result.event as Record<string, unknown>;
    expect(brunch).toMatchObject({ eventId: ids.later, place: { city: 'London' }, attendeeCount: 0 });
    expect(deltaText(events)).toBe('Here you go.');

    const follow = generateRequests()[1];
    expect(follow.status).toBe(200);
    expect(follow.body!.contents.at(-2)!.functionCalls).toEqual([
      { name: 'find_events', args: { tags: [jazz], limit: 2 }, thoughtSignature: 'sig-A' },
      { name: 'get_event', args: { eventId: ids.later } },
    ]);
    expect(follow.body!.contents.at(-1)!.functionResponses.map((r) => r.name)).toEqual(['find_events', 'get_event']);
  });

  it('bad arguments, an unknown tool and an invalid window go back to the model as errors, never a 500', async () => {
    const { user } = await world();
    h.gemini.queue(
      scenario([
        { type: 'functionCall', name: 'find_events', args: { limit: 99, tags: 'jazz' }, thoughtSignature: 's1' },
        { type: 'functionCall', name: 'delete_everything', args: {}, sameChunk: true },
        {
          type: 'functionCall',
          name: 'find_events',
          args: { from: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' },
          sameChunk: true,
        },
      ]),
      scenario([{ type: 'text', text: 'Sorry, I could not look that up.' }]),
    );
    const reply = await h.clientFor(user).sendMessage({ message: 'find stuff' });
    expect(reply.finishReason).toBe('STOP');
    expect(reply.reply).toBe('Sorry, I could not look that up.');
    const errors = reply.toolCalls.map((call) => (call.result.error as { code: string }).code);
    expect(errors).toEqual(['invalid_arguments', 'unknown_tool', 'failed']);
    const messages = reply.toolCalls.map((call) => (call.result.error as { message: string }).message);
    expect(messages[0]).toMatch(/limit/);
    expect(messages[0]).toMatch(/tags/);
    expect(messages[1]).toMatch(/find_events, suggest_people, get_event/);
    const responses = generateRequests()[1].body!.contents.at(-1)!.functionResponses;
    expect(responses.map((r) => (r.response as { error?: { code: string } }).error?.code)).toEqual(errors);
  });

  it('several steps, bounded: at most maxModelCalls calls, the last with function calling off', async () => {
    const { user } = await world();
    tune({ chat: { maxModelCalls: 3 } });
    const call = (n: number): Scenario =>
      scenario([{ type: 'functionCall', name: 'find_events', args: { limit: n }, thoughtSignature: `sig-${n}` }]);
    h.gemini.queue(call(1), call(2), call(3));
    const reply = await h.clientFor(user).sendMessage({ message: 'keep looking' });
    const requests = generateRequests();
    expect(requests).toHaveLength(3);
    expect(requests.map((r) => r.body?.toolConfig)).toEqual([
      undefined,
      undefined,
      { functionCallingConfig: { mode: 'NONE' } },
    ]);
    // Two steps ran; the third call came from a model told not to call, and was not run.
    expect(reply.toolCalls.map((c) => c.args)).toEqual([{ limit: 1 }, { limit: 2 }]);
    // Every signed call of the turn went back with its own signature.
    expect(requests[2].body!.contents.flatMap((c) => c.functionCalls)).toEqual([
      { name: 'find_events', args: { limit: 1 }, thoughtSignature: 'sig-1' },
      { name: 'find_events', args: { limit: 2 }, thoughtSignature: 'sig-2' },
    ]);
    expect(requests.every((r) => r.status === 200)).toBe(true);
  });

  it('a tool that runs out of time answers the model with a timeout error', async () => {
    const { user } = await world();
    tune({ chat: { toolTimeoutMs: 1 } });
    h.gemini.queue(
      scenario([{ type: 'functionCall', name: 'suggest_people', args: {}, thoughtSignature: 'sig' }]),
      scenario([{ type: 'text', text: 'Try later.' }]),
    );
    const reply = await h.clientFor(user).sendMessage({ message: 'people?' });
    expect(reply.toolCalls[0].result).toEqual({
      error: { code: 'timeout', message: 'suggest_people did not answer in time.' },
    });
  });

  it('a client that leaves during a tool step ends the turn: stored as interrupted with the calls done', async () => {
    const { user } = await world();
    h.gemini.queue(scenario([{ type: 'functionCall', name: 'find_events', args: {}, thoughtSignature: 'sig' }]), {
      ...scenario([{ type: 'text', chunks: ['never ', 'seen'] }]),
      latencyMs: 2_000,
    });
    const controller = new AbortController();
    const seen: ChatStreamEvent[] = [];
    const stream = h.clientFor(user).streamMessage({ message: 'events?' }, { signal: controller.signal });
    await expect(
      (async () => {
        for await (const event of stream) {
          seen.push(event);
          if (event.type === 'tool-result') controller.abort();
        }
      })(),
    ).rejects.toThrow();
    const start = ofType(seen, 'start')[0];
    const stored = await eventually(async () => {
      const messages = await messagesOf(h.db, start.conversationId);
      const reply = messages.find((m) => m.id === start.messageId);
      if (reply?.status !== 'interrupted') throw new Error('not stored yet');
      return reply;
    });
    expect(JSON.parse(stored.toolCallsJson as string).map((c: { name: string }) => c.name)).toEqual(['find_events']);
    expect(stored.exchangeJson).toBeUndefined();
    // The follow-up model call was never made, or was cut off: nothing answers a client that left.
    const firstId = generateRequests()[0].id;
    await eventually(async () => {
      const later = generateRequests().filter((r) => r.id > firstId);
      if (!later.every((r) => r.aborted)) throw new Error('a follow-up request is still running');
      return true;
    });
  });

  it('charges the daily token budget with every model call of the turn: the sum Gemini reported', async () => {
    const { user } = await world();
    h.gemini.queue(
      {
        reply: {
          kind: 'content',
          parts: [{ type: 'functionCall', name: 'find_events', args: {}, thoughtSignature: 'sig' }],
          usage: { promptTokenCount: 100, candidatesTokenCount: 7, totalTokenCount: 107 },
        },
      },
      {
        reply: {
          kind: 'content',
          parts: [{ type: 'text', text: 'Done.' }],
          usage: { promptTokenCount: 150, candidatesTokenCount: 3, totalTokenCount: 153 },
        },
      },
    );
    setEnv({ MODEL_PRICES: JSON.stringify({ 'gemini-flash-latest': { input: 2, output: 5 } }) });
    const reply = await h.clientFor(user).sendMessage({ message: 'events please' });
    // 250 input tokens at $2/M and 10 output tokens at $5/M (fixed prices: the defaults change by date).
    expect(reply.usage).toEqual({ promptTokens: 250, outputTokens: 10, totalTokens: 260, costUsd: 0.00055 });
    const usage = await eventually(async () => {
      const data = (await h.db.doc(`users/${user.uid}/usage/${utcDay(Date.now())}`).get()).data();
      if (!data) throw new Error('no usage yet');
      return data;
    });
    expect(usage.tokens).toBe(260);
  });

  it('a turn cut off mid-stream is still charged: Gemini bills the call (prompt estimate + output cap)', async () => {
    const { user } = await world();
    h.gemini.queue({ ...scenario([{ type: 'text', chunks: ['a ', 'b ', 'c'] }]), chunkDelayMs: 1_000 });
    const controller = new AbortController();
    const stream = h.clientFor(user).streamMessage({ message: 'tell me slowly' }, { signal: controller.signal });
    await expect(
      (async () => {
        for await (const event of stream) if (event.type === 'delta') controller.abort();
      })(),
    ).rejects.toThrow();
    const usage = await eventually(async () => {
      const data = (await h.db.doc(`users/${user.uid}/usage/${utcDay(Date.now())}`).get()).data();
      if (!data) throw new Error('no usage yet');
      return data;
    });
    // At least the output cap (CHAT_MAX_OUTPUT_TOKENS, 512) on top of a non-empty prompt.
    expect(usage.tokens).toBeGreaterThan(512);
  });
});
