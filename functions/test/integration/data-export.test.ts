// exportData as a user and as an attacker would call it: everything the caller has, nothing of anyone
// else, streamed as one JSON document (REST) or as chunks (a Firebase callable .stream()).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearFirestore, signUp } from '../support/services.js';
import { actAsUser, seedWorld, startDataHarness, type DataHarness } from './account-data-support.js';

let h: DataHarness;
beforeAll(async () => {
  h = await startDataHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await clearFirestore();
});

function exportOf(idToken: string, init: RequestInit = {}): Promise<Response> {
  return fetch(h.mounted.url('exportData'), {
    ...init,
    headers: { authorization: `Bearer ${idToken}`, ...(init.headers as Record<string, string>) },
    signal: AbortSignal.timeout(60_000),
  });
}

describe('exportData', () => {
  it('exports everything the caller has, and nothing of anyone else', async () => {
    const [alice, bob] = [await signUp(), await signUp()];
    await seedWorld(h.db, [alice.uid, bob.uid]);
    const { conversationId } = await actAsUser(h, alice, 'someone-alice-blocked');
    await actAsUser(h, bob, alice.uid);

    const res = await exportOf(alice.idToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const data = JSON.parse(text);
    expect(data).toMatchObject({
      format: 'social-ai-export/1',
      uid: alice.uid,
      account: { email: alice.email, providers: ['password'] },
      profile: { displayName: 'Person 0', bio: `bio of ${alice.uid}`, location: { lat: 37.8044 } },
      blocks: [{ userId: 'someone-alice-blocked', createdAt: expect.stringMatching(/^\d{4}-/) }],
      complete: true,
    });
    expect(data.usage).toHaveLength(1);
    expect(data.usage[0]).toMatchObject({ images: 1, tokens: expect.any(Number) });
    expect(data.events.map((e: { eventId: string; title: string }) => [e.eventId, e.title])).toEqual([
      ['ev-a', 'Jazz night 0'],
      ['ev-b', 'Jazz night 1'],
    ]);
    expect(data.images).toHaveLength(1);
    expect(data.images[0]).toMatchObject({
      prompt: `a lighthouse for ${alice.uid}`,
      url: expect.stringMatching(/^http/),
    });
    expect(data.images[0].owner).toBeUndefined();
    expect(data.conversations).toHaveLength(1);
    const [conversation] = data.conversations;
    expect(conversation).toMatchObject({ id: conversationId, lastMessagePreview: expect.any(String) });
    expect(conversation.messages).toHaveLength(4);
    const texts = conversation.messages.map((m: { text: string }) => m.text);
    expect(texts).toEqual(expect.arrayContaining([`hello from ${alice.uid}`, 'and again']));
    for (const message of conversation.messages) {
      expect(message).toMatchObject({ role: expect.stringMatching(/^(user|assistant)$/), status: 'complete' });
      expect(message.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(message.attempt).toBeUndefined();
      expect(message.exchangeJson).toBeUndefined();
    }
    // Nothing of Bob: not his uid (his block of Alice, his attendance), not his messages or prompt.
    expect(text).not.toContain(bob.uid);
  });

  it('exports an account with nothing stored as empty lists, and says it is complete', async () => {
    const carol = await signUp();
    const data = JSON.parse(await (await exportOf(carol.idToken)).text());
    expect(data).toMatchObject({
      uid: carol.uid,
      profile: null,
      blocks: [],
      usage: [],
      events: [],
      images: [],
      conversations: [],
      complete: true,
    });
  });

  it('answers only GET at its own path, and a callable call only as a stream', async () => {
    const carol = await signUp();
    expect(
      (await exportOf(carol.idToken, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(405);
    const wrongPath = await fetch(`${h.mounted.url('exportData')}/${carol.uid}`, {
      headers: { authorization: `Bearer ${carol.idToken}` },
    });
    expect(wrongPath.status).toBe(404);
    const plain = await exportOf(carol.idToken, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: null }),
    });
    const plainBody = (await plain.json()) as { error: unknown };
    expect(plainBody.error).toMatchObject({ status: 'INVALID_ARGUMENT', details: { code: 'stream_required' } });
  });

  it('streams the same content as callable chunks to a .stream() caller', async () => {
    const [alice, bob] = [await signUp(), await signUp()];
    await seedWorld(h.db, [alice.uid, bob.uid]);
    const { conversationId } = await actAsUser(h, alice, bob.uid);
    const res = await exportOf(alice.idToken, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ data: null }),
    });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split('\n').filter((line) => line.startsWith('data: '));
    const frames = lines.map((line) => JSON.parse(line.slice('data: '.length)));
    const chunks = frames.filter((frame) => 'message' in frame).map((frame) => frame.message);
    expect(chunks.map((chunk) => chunk.type)).toEqual([
      'account',
      'profile',
      'blocks',
      'usage',
      'events',
      'images',
      'conversation',
      'messages',
    ]);
    expect(chunks[6]).toMatchObject({ type: 'conversation', id: conversationId });
    expect(chunks[7]).toMatchObject({ type: 'messages', conversationId, items: expect.any(Array) });
    expect(chunks[7].items).toHaveLength(4);
    expect(frames.at(-1).result).toMatchObject({
      uid: alice.uid,
      complete: true,
      counts: { conversations: 1, messages: 4, images: 1, events: 2, blocks: 1, usageDays: 1 },
    });
  });
});
