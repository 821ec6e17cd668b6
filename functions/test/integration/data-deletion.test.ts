// deleteConversation, deleteImage and deleteAccount's refusals, as a user and as an attacker would call
// them: the caller's own data goes (with its cache entries and its S3 object); another user's ids, an
// unknown id, reserved, huge or ill-formed ids are refused before anything is read or deleted; a
// turn streaming into a conversation while it is deleted re-creates nothing.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Redis } from '@upstash/redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import { createS3Client } from '../../src/lib/platform/image-pipeline/s3-target.js';
import { clearFirestore, getServices, signUp, type SignedUpUser } from '../support/services.js';
import { actAsUser, call, imageKeysOf, seedWorld, startDataHarness, type DataHarness } from './account-data-support.js';

let h: DataHarness;
let gemini: GeminiServerControl;
beforeAll(async () => {
  h = await startDataHarness();
  gemini = new GeminiServerControl(h.services.gemini.url);
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await clearFirestore();
});
afterEach(async () => {
  vi.useRealTimers();
  await gemini.reset();
});

async function pair(): Promise<{ alice: SignedUpUser; bob: SignedUpUser; aliceChat: string; bobChat: string }> {
  const [alice, bob] = [await signUp(), await signUp()];
  await seedWorld(h.db, [alice.uid, bob.uid]);
  const { conversationId: aliceChat } = await actAsUser(h, alice, 'x');
  const { conversationId: bobChat } = await actAsUser(h, bob, 'y');
  return { alice, bob, aliceChat, bobChat };
}

async function messageCount(conversationId: string): Promise<number> {
  return (await h.db.collection(`conversations/${conversationId}/messages`).get()).size;
}

async function chatCacheKeysOf(uid: string): Promise<string[]> {
  const { upstash } = getServices();
  if (!upstash) return [];
  const redis = new Redis({ url: upstash.url, token: upstash.token });
  const [, keys] = await redis.scan(0, { match: `cache:chat:*${uid}*`, count: 10_000 });
  return keys;
}

/** Requests an attacker would send for an id field, and the status each must get. */
function hostileIds(field: string, foreignId: string): Array<[string, unknown, number]> {
  return [
    ["another user's id", { [field]: foreignId }, 404],
    ['an unknown id', { [field]: 'no-such-id-0000' }, 404],
    ['a reserved id', { [field]: '__name__' }, 400],
    ['a path', { [field]: `${foreignId}/messages` }, 400],
    ['a dot segment', { [field]: '..' }, 400],
    ['129 characters', { [field]: 'a'.repeat(129) }, 400],
    ['a lone surrogate', `{"${field}":"\\ud800abc"}`, 400],
    ['a number', { [field]: 42 }, 400],
    ['no id', {}, 400],
    ['an extra field', { [field]: foreignId, uid: foreignId }, 400],
    ['a 70 KB body', { [field]: 'a'.repeat(70_000) }, 413],
  ];
}

describe('deleteConversation', () => {
  it('deletes the caller’s conversation, every message and their cached replies; a retry gets 404', async () => {
    const { alice, bob, aliceChat, bobChat } = await pair();
    expect(await messageCount(aliceChat)).toBe(4);
    if (getServices().upstash) expect(await chatCacheKeysOf(alice.uid)).not.toEqual([]);
    const res = await call(h, 'deleteConversation', alice, { conversationId: aliceChat });
    expect([res.status, res.json]).toEqual([200, { conversationId: aliceChat, deletedMessages: 4 }]);
    expect((await h.db.doc(`conversations/${aliceChat}`).get()).exists).toBe(false);
    expect(await messageCount(aliceChat)).toBe(0);
    expect(await chatCacheKeysOf(alice.uid)).toEqual([]);
    expect((await h.db.collection('conversationDeletions').get()).size).toBe(0);
    // Bob's conversation and cache are untouched.
    expect(await messageCount(bobChat)).toBe(4);
    if (getServices().upstash) expect(await chatCacheKeysOf(bob.uid)).not.toEqual([]);
    const again = await call(h, 'deleteConversation', alice, { conversationId: aliceChat });
    expect([again.status, again.json.error.code]).toEqual([404, 'conversation_not_found']);
  });

  it('refuses every hostile id with the same answers as for a missing conversation, deleting nothing', async () => {
    const { alice, bobChat } = await pair();
    const answers: unknown[] = [];
    for (const [what, body, status] of hostileIds('conversationId', bobChat)) {
      const res = await call(h, 'deleteConversation', alice, body);
      expect([what, res.status]).toEqual([what, status]);
      if (status === 404) answers.push({ ...res.json.error, requestId: undefined });
    }
    // Someone else's conversation looks exactly like one that does not exist.
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({ code: 'conversation_not_found' });
    expect(await messageCount(bobChat)).toBe(4);
  });

  it('a turn streaming into the conversation while it is deleted stores nothing afterwards', async () => {
    const { alice, aliceChat } = await pair();
    await gemini.queue({
      name: 'late-reply',
      latencyMs: 1500,
      reply: { kind: 'content', parts: [{ type: 'text', text: 'late reply' }] },
    });
    const turn = call(h, 'chatMessage', alice, { conversationId: aliceChat, message: 'one more' });
    // This turn's own model call (pair() made others before it): the turn has claimed its place.
    await gemini.waitForRequest({ scenario: 'late-reply' }, { stage: 'received' });
    const deleted = await call(h, 'deleteConversation', alice, { conversationId: aliceChat });
    expect(deleted.status).toBe(200);
    expect((await turn).status).toBe(200); // the reply was delivered; it just has nowhere to be stored
    expect((await h.db.doc(`conversations/${aliceChat}`).get()).exists).toBe(false);
    expect(await messageCount(aliceChat)).toBe(0);
    expect(await chatCacheKeysOf(alice.uid)).toEqual([]);
  });
});

describe('deleteImage', () => {
  it('deletes the caller’s image record and its S3 object; another user’s image is a 404', async () => {
    const { alice, bob } = await pair();
    const [aliceImage] = (await h.db.collection('images').where('owner', '==', alice.uid).get()).docs;
    const [bobImage] = (await h.db.collection('images').where('owner', '==', bob.uid).get()).docs;
    const { s3 } = getServices();
    const client = createS3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const exists = (key: string) =>
      client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).then(
        () => true,
        () => false,
      );
    const [aliceKey] = await imageKeysOf(h.db, alice.uid);
    expect(await exists(aliceKey)).toBe(true);

    for (const [what, body, status] of hostileIds('imageId', bobImage.id)) {
      const res = await call(h, 'deleteImage', alice, body);
      expect([what, res.status]).toEqual([what, status]);
      if (status === 404) expect(res.json.error.code).toBe('image_not_found');
    }
    expect((await bobImage.ref.get()).exists).toBe(true);

    const res = await call(h, 'deleteImage', alice, { imageId: aliceImage.id });
    expect([res.status, res.json]).toEqual([200, { imageId: aliceImage.id }]);
    expect((await aliceImage.ref.get()).exists).toBe(false);
    expect(await exists(aliceKey)).toBe(false);
    expect(await exists((await imageKeysOf(h.db, bob.uid))[0])).toBe(true);
    const again = await call(h, 'deleteImage', alice, { imageId: aliceImage.id });
    expect([again.status, again.json.error.code]).toEqual([404, 'image_not_found']);
  });
});

describe('deleteAccount refuses', () => {
  it('a sign-in older than 5 minutes (401 requires_recent_login), and any body but {}, deleting nothing', async () => {
    const [alice, bob] = [await signUp(), await signUp()];
    await seedWorld(h.db, [alice.uid, bob.uid]);
    for (const body of [{ uid: bob.uid }, { confirm: true }, [], 'null']) {
      const res = await call(h, 'deleteAccount', alice, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    // Six minutes later, the same (still unexpired) token is not fresh enough.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
    const stale = await call(h, 'deleteAccount', alice, {});
    expect([stale.status, stale.json.error.code]).toEqual([401, 'requires_recent_login']);
    expect(stale.json.error.details).toMatchObject({ maxAgeSeconds: 300 });
    vi.useRealTimers();
    expect((await h.db.doc(`users/${alice.uid}`).get()).exists).toBe(true);
    expect((await h.db.doc(`users/${bob.uid}`).get()).exists).toBe(true);
  });
});

describe('retention', () => {
  it('CHAT_RETENTION_DAYS and IMAGE_RETENTION_DAYS set expireAt for the TTL policies; 0 sets none', async () => {
    const user = await signUp();
    await seedWorld(h.db, [user.uid]);
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { CHAT_RETENTION_DAYS: '30', IMAGE_RETENTION_DAYS: '7' });
      const before = Date.now();
      const { conversationId } = await actAsUser(h, user, 'x');
      const after = Date.now();
      const day = 86_400_000;
      const docs = [
        await h.db.doc(`conversations/${conversationId}`).get(),
        ...(await h.db.collection(`conversations/${conversationId}/messages`).get()).docs,
      ];
      expect(docs).toHaveLength(5);
      for (const doc of docs) {
        const expireAt = doc.get('expireAt').toMillis() as number;
        expect(expireAt).toBeGreaterThanOrEqual(before + 30 * day - 60_000);
        expect(expireAt).toBeLessThanOrEqual(after + 30 * day);
      }
      const [image] = (await h.db.collection('images').where('owner', '==', user.uid).get()).docs;
      expect(image.get('expireAt').toMillis()).toBeGreaterThanOrEqual(before + 7 * day - 60_000);
      expect(image.get('expireAt').toMillis()).toBeLessThanOrEqual(after + 7 * day);

      Object.assign(process.env, { CHAT_RETENTION_DAYS: '0', IMAGE_RETENTION_DAYS: '0' });
      const kept = await call(h, 'chatMessage', user, { message: 'keep this one' });
      const keptMessages = await h.db.collection(`conversations/${kept.json.conversationId}/messages`).get();
      expect(keptMessages.docs.map((doc) => doc.get('expireAt'))).toEqual([undefined, undefined]);
      expect((await h.db.doc(`conversations/${kept.json.conversationId}`).get()).get('expireAt')).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });
});
