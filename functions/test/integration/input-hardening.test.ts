// Issue 10 (items 3, 4, 7): every request input well-formed and bounded BEFORE any upstream work.
// The seven exported functions mounted in-process on real HTTP, against the shared Firestore and Auth
// emulators and the local Gemini-protocol server. Each bad input must get 400 `invalid_request` naming
// its field, and must cost nothing upstream: no Gemini request (the server's request log) and no
// Firestore write (document counts of every collection, messages included).
import { getFirestore, Timestamp, type Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import { getAdminApp } from '../../src/lib/platform/firebase.js';
import { FUNCTION_NAMES, type FunctionName } from '../support/example-requests.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, signUp, type SignedUpUser } from '../support/services.js';
import { makePng } from '../unit/platform/image-pipeline/fixtures.js';

const LONE = '\ud800'; // JSON.stringify writes it as the escape "\ud800", which JSON.parse turns back into a lone surrogate
const PNG_DATA_URI = `data:image/png;base64,${makePng(8, 8).toString('base64')}`;
const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

let mounted: MountedFunctions;
let gemini: GeminiServerControl;
let db: Firestore;
let user: SignedUpUser;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const services = applyServiceEnv();
  Object.assign(process.env, { RATE_LIMIT_PER_MINUTE: '10000', IMAGE_RATE_LIMIT_PER_MINUTE: '1000' });
  gemini = new GeminiServerControl(services.gemini.url);
  await gemini.reset();
  mounted = await mountFunctions(await loadFunctions(FUNCTION_NAMES));
  db = getFirestore(getAdminApp());
  user = await signUp();
  // A profile, so matching gets as far as its candidate queries when the input is let through.
  await db
    .collection('users')
    .doc(user.uid)
    .set({
      displayName: 'Input Tester',
      interests: ['hiking', 'jazz'],
      purposes: ['friendship'],
      location: { city: 'Oakland', lat: 37.8, lng: -122.27 },
    });
  await db
    .collection('events')
    .doc(`hardening-${user.uid}`)
    .set({
      title: 'Jazz night',
      tags: ['jazz'],
      startsAt: Timestamp.fromDate(new Date(Date.now() + 3 * DAY_MS)),
      attendeeIds: [],
    });
});

afterAll(async () => {
  await mounted?.close();
  process.env = { ...savedEnv };
});

interface Answer {
  status: number;
  error?: {
    code?: string;
    message?: string;
    details?: { issues?: Array<{ location: string; path: unknown[]; code: string }> };
  };
}

async function send(name: FunctionName, options: { body?: string; path?: string } = {}): Promise<Answer> {
  const res = await fetch(mounted.url(name) + (options.path ?? ''), {
    method: name === 'suggestions' ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${user.idToken}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body,
    signal: AbortSignal.timeout(55_000),
  });
  const text = await res.text();
  try {
    return { status: res.status, error: (JSON.parse(text) as Answer).error };
  } catch {
    return { status: res.status }; // an SSE stream
  }
}

/** Every collection the functions write, and every conversation's messages. */
const COLLECTIONS = ['users', 'conversations', 'events', 'eventAttendees', 'images'] as const;

/**
 * Documents per collection the functions could write. Named collections and per-conversation
 * subcollections, not listCollections() or a collection-group count, which the Node Firestore
 * stand-in does not implement.
 */
async function documentCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of COLLECTIONS) counts[name] = (await db.collection(name).count().get()).data().count;
  let messages = 0;
  for (const conversation of (await db.collection('conversations').get()).docs) {
    messages += (await conversation.ref.collection('messages').count().get()).data().count;
  }
  counts['conversations/*/messages'] = messages;
  return counts;
}

async function lastGeminiRequestId(): Promise<number> {
  const requests = await gemini.requests();
  return requests.reduce((max, request) => Math.max(max, request.id), 0);
}

/** Sends the request and checks: 400 invalid_request naming `field`, no Gemini request, no Firestore write. */
async function expectRefusedUpFront(
  name: FunctionName,
  request: { body?: unknown; path?: string },
  field: string,
): Promise<Answer> {
  const countsBefore = await documentCounts();
  const geminiBefore = await lastGeminiRequestId();
  const answer = await send(name, {
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    path: request.path,
  });
  expect(answer.status, `${name} answered ${answer.status} ${answer.error?.code ?? ''}`).toBe(400);
  expect(answer.error?.code).toBe('invalid_request');
  const fields = answer.error?.details?.issues?.map((issue) => [issue.location, ...issue.path].join('.'));
  expect(fields).toContain(field);
  expect(answer.error?.message).toContain(field);
  expect(await gemini.requests({ afterId: geminiBefore })).toEqual([]);
  expect(await documentCounts()).toEqual(countsBefore);
  return answer;
}

describe('ill-formed Unicode (item 3): refused before any I/O, naming the field', () => {
  const cases: Array<[FunctionName, unknown, string]> = [
    ['chatMessage', { message: `hello ${LONE}` }, 'body.message'],
    ['chatStream', { message: `hello ${LONE}` }, 'body.message'],
    ['chatMessage', { message: 'hello', conversationId: `c${LONE}` }, 'body.conversationId'],
    ['chatStream', { message: 'hello', clientMessageId: `m${LONE}` }, 'body.clientMessageId'],
    ['matchUsers', { preferences: { interests: ['jazz', `hik${LONE}ing`] } }, 'body.preferences.interests.1'],
    ['matchUsers', { preferences: { purposes: [LONE] } }, 'body.preferences.purposes.0'],
    ['matchEvents', { from: `${inDays(1)}${LONE}` }, 'body.from'],
    ['generateImage', { prompt: `a lighthouse ${LONE}`, aspectRatio: '1:1' }, 'body.prompt'],
    [
      'generateImage',
      { prompt: 'a lighthouse', aspectRatio: '1:1', styleReferenceImages: [`${PNG_DATA_URI}${LONE}`] },
      'body.styleReferenceImages.0',
    ],
    ['editImage', { editPrompt: `make it snow ${LONE}`, image: PNG_DATA_URI }, 'body.editPrompt'],
    ['editImage', { editPrompt: 'make it snow', image: `https://cdn.example.test/${LONE}.png` }, 'body.image'],
  ];

  it.each(cases)('%s %j -> 400 naming %s', async (name, body, field) => {
    await expectRefusedUpFront(name, { body }, field);
  });

  it.each<FunctionName>(['chatMessage', 'matchUsers', 'generateImage'])(
    '%s: an ill-formed KEY, even one the schema would strip, is refused (shown as U+FFFD)',
    async (name) => {
      const valid = {
        chatMessage: { message: 'hi' },
        matchUsers: {},
        generateImage: { prompt: 'a cat', aspectRatio: '1:1' },
      }[name as 'chatMessage'];
      await expectRefusedUpFront(name, { body: { ...valid, [`x${LONE}`]: 1 } }, 'body.x\ufffd');
    },
  );

  it('suggestions: a path segment that is a percent-encoded lone surrogate is refused, naming the segment', async () => {
    await expectRefusedUpFront('suggestions', { path: '/%ED%A0%80' }, 'path.0');
  });

  it('well-formed non-ASCII (emoji, accents) still passes: the check is about lone surrogates only', async () => {
    const answer = await send('matchUsers', {
      body: JSON.stringify({ preferences: { interests: ['jazz 🎷', 'café'] } }),
    });
    expect(answer.status).toBe(200);
  });
});

describe('bounded shape: nesting and value count', () => {
  it('refuses a deeply nested body before the schema, naming where it stopped', async () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 40; level++) deep = [deep];
    const answer = await expectRefusedUpFront(
      'chatMessage',
      { body: { message: 'hi', extra: deep } },
      `body.extra${'.0'.repeat(15)}`,
    );
    expect(answer.error?.details?.issues?.[0]?.code).toBe('too_deep');
  });

  it('refuses a body of many values (within the 30 MB image limit) before any image work', async () => {
    const answer = await expectRefusedUpFront(
      'generateImage',
      { body: { prompt: 'a cat', aspectRatio: '1:1', junk: new Array(100_000).fill(0) } },
      'body.junk',
    );
    expect(answer.error?.details?.issues?.[0]?.code).toBe('too_many_values');
  });
});

describe('dates and windows (item 4)', () => {
  it('from in year 9999 is a 400 naming from (was a 500: from + 30 days overflowed the Timestamp)', async () => {
    await expectRefusedUpFront('matchEvents', { body: { from: '9999-12-31T00:00:00Z' } }, 'body.from');
  });

  it('until in year 9999, or before 2000, is a 400 naming until', async () => {
    await expectRefusedUpFront('matchEvents', { body: { until: '9999-12-31T00:00:00Z' } }, 'body.until');
    await expectRefusedUpFront('matchEvents', { body: { until: '1999-12-31T00:00:00Z' } }, 'body.until');
  });

  it('until alone keeps the 366-day window, measured from now', async () => {
    await expectRefusedUpFront('matchEvents', { body: { until: inDays(400) } }, 'body.until');
    expect((await send('matchEvents', { body: JSON.stringify({ until: inDays(300) }) })).status).toBe(200);
  });

  it('until alone must be after its effective from (now)', async () => {
    await expectRefusedUpFront('matchEvents', { body: { until: inDays(-1) } }, 'body.until');
  });

  it('the default window (no until: 30 days, MATCH_TUNING) answers, in matchEvents and suggestions', async () => {
    const answer = await send('matchEvents', { body: '{}' });
    expect(answer.status, `${answer.status} ${answer.error?.code ?? ''}`).toBe(200);
    const suggestions = await send('suggestions');
    expect(suggestions.status, `${suggestions.status} ${suggestions.error?.code ?? ''}`).toBe(200);
  });
});

describe('reserved ids (item 7)', () => {
  it.each(['__x__', '__conversations__', '____'])('conversationId %s is a 400 naming the field', async (id) => {
    await expectRefusedUpFront('chatMessage', { body: { message: 'hi', conversationId: id } }, 'body.conversationId');
  });
});
