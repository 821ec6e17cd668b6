// chatMessage and chatStream through the REAL Functions and Auth emulators (built lib/), with the
// shared Gemini-protocol server's default replies, driven by the app's chat client.
// (Client disconnects are tested in-process: the emulator does not pass them on to functions.)
import { randomUUID } from 'node:crypto';
import { getFirestore } from 'firebase-admin/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import { createChatClient, type ChatClient, type ChatStreamEvent } from '../../client/index.js';
import { getAdminApp } from '../../src/lib/platform/firebase.js';
import { applyServiceEnv, functionUrl, signUp, type SignedUpUser } from '../support/services.js';

describe('chat through the emulators', () => {
  let user: SignedUpUser;
  let client: ChatClient;

  beforeAll(async () => {
    applyServiceEnv();
    user = await signUp();
    client = createChatClient({
      urls: { chatMessage: functionUrl('chatMessage'), chatStream: functionUrl('chatStream') },
      getIdToken: () => user.idToken,
    });
  });

  it('chatMessage answers and stores the turn; chatStream continues the same conversation', async () => {
    const first = await client.sendMessage({ message: `Any jazz events? ${randomUUID()}` });
    expect(first.reply).toContain('[offline model]');
    expect(first).toMatchObject({ finishReason: 'STOP', cached: false });

    const events: ChatStreamEvent[] = [];
    for await (const event of client.streamMessage({
      message: 'Tell me more.',
      conversationId: first.conversationId,
    })) {
      events.push(event);
    }
    expect(events[0]).toMatchObject({ type: 'start', conversationId: first.conversationId });
    expect(events.filter((e) => e.type === 'delta').length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'STOP' });
    const streamed = events.map((e) => (e.type === 'delta' ? e.text : '')).join('');
    expect(streamed).toContain('(turn 2)'); // the offline model saw the first turn as history

    const db = getFirestore(getAdminApp());
    const messages = await db.collection('conversations').doc(first.conversationId).collection('messages').get();
    const byRole = messages.docs.map((d) => d.data()).map((m) => [m.role, m.status, m.text]);
    expect(byRole).toHaveLength(4);
    expect(byRole).toContainEqual(['assistant', 'complete', streamed]);
  });

  it('a repeated clientMessageId is answered from the stored reply', async () => {
    const clientMessageId = randomUUID();
    const first = await client.sendMessage({ message: `once ${randomUUID()}`, clientMessageId });
    const again = await client.sendMessage({ message: 'once', clientMessageId });
    expect(again).toMatchObject({
      conversationId: first.conversationId,
      messageId: first.messageId,
      reply: first.reply,
    });
  });
});
