// FirestoreChatStore on two Firestore emulators: the Node stand-in (started here) and the shared one of
// the integration run (test/setup/global.ts: the official emulator wherever this machine has it).
//
// Racing claims. Two identical first messages at once (same uid and clientMessageId, no
// conversationId) both claim the same derived conversation. Their claim transactions start in the same
// tick, so both read before either commits. On the Node Firestore emulator, whose transactions take no read locks, the
// later commit then fails ALREADY_EXISTS on create(conversation): before the fix that surfaced as a
// 500. The official emulator locks the reads and the SDK retries the loser, which reads the winner's
// claim. Either way the caller must get the duplicate rule's answer: one claim starts the turn, the
// other is 409 in_progress, and there is one conversation with one user message.
//
// Profile reads. Only the fields chat puts in the prompt are read (a field mask), so coordinates and
// any other (possibly large) field of users/{uid} never reach the function. The Node stand-in ignores
// field masks, so that part runs on the shared emulator only.
import { randomUUID } from 'node:crypto';
import { Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFirestore, type FirestoreEmulator } from '../../dev/services/firestore.js';
import { ChatError } from '../../src/lib/features/chat/errors.js';
import { turnIds } from '../../src/lib/features/chat/ids.js';
import { FirestoreChatStore } from '../../src/lib/features/chat/store.js';
import { getServices } from '../support/services.js';

/** A Firestore client for one emulator (the SDK takes the emulator host from the env when it is built). */
function firestoreAt(host: string, projectId: string): Firestore {
  const saved = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = host;
  try {
    return new Firestore({ projectId });
  } finally {
    if (saved === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = saved;
  }
}

let nodeEmulator: FirestoreEmulator;
const clients: Firestore[] = [];
const backends: Record<'node' | 'shared', () => Firestore> = {
  node: () => firestoreAt(nodeEmulator.host, getServices().projectId),
  shared: () => firestoreAt(getServices().firestoreHost, getServices().projectId),
};

function storeOn(backend: keyof typeof backends): { db: Firestore; store: FirestoreChatStore } {
  const db = backends[backend]();
  clients.push(db);
  return { db, store: new FirestoreChatStore(db) };
}

beforeAll(async () => {
  nodeEmulator = await startFirestore({ prefer: 'node' });
});
afterAll(async () => {
  await Promise.all(clients.map((db) => db.terminate()));
  await nodeEmulator?.stop();
});

describe.each(['node', 'shared'] as const)('FirestoreChatStore (%s emulator)', (backend) => {
  it('racing two identical first messages: one claim starts the turn, the other is 409 in_progress (never a 500); one conversation, one user message', async () => {
    const { db, store } = storeOn(backend);
    const uid = `racer-${randomUUID()}`;
    const clientMessageId = randomUUID();
    const ids = turnIds(uid, undefined, clientMessageId);
    const claim = () => store.claimTurn({ uid, ids, message: 'hello there', clientMessageId, leaseMs: 60_000 });

    const outcomes = await Promise.allSettled([claim(), claim()]);

    const started = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(started.map((o) => o.value.kind)).toEqual(['started']);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(ChatError);
    expect(refused[0]).toMatchObject({ status: 409, code: 'in_progress', headers: { 'Retry-After': '2' } });

    const conversation = await db.collection('conversations').doc(ids.conversationId).get();
    expect(conversation.get('ownerId')).toBe(uid);
    const messages = await conversation.ref.collection('messages').get();
    expect(messages.docs.map((doc) => [doc.id, doc.get('role')])).toEqual([[ids.userMessageId, 'user']]);
  });
});

// The Node stand-in ignores field masks (it returns whole documents), so this runs on the official
// emulator only, which honours them as Firestore does; on the fallback it is skipped and says why.
describe('FirestoreChatStore (official emulator only: the Node stand-in ignores field masks)', () => {
  it.skipIf(getServices().firestoreKind === 'node')(
    'loadProfile reads only the fields chat uses: no coordinates, nothing else stored on the profile',
    async () => {
      const { db, store } = storeOn('shared');
      const uid = `profile-${randomUUID()}`;
      await db
        .collection('users')
        .doc(uid)
        .set({
          displayName: 'Ana',
          interests: ['jazz'],
          purposes: ['friends'],
          location: { city: 'Lisbon', region: 'Lisboa', country: 'PT', lat: 38.7223, lng: -9.1393 },
          bio: 'Climber.',
          discoverable: true,
          moderation: { flagged: false, notes: 'n'.repeat(100_000) },
        });
      expect(await store.loadProfile(uid)).toEqual({
        displayName: 'Ana',
        interests: ['jazz'],
        purposes: ['friends'],
        location: { city: 'Lisbon', region: 'Lisboa', country: 'PT' },
        bio: 'Climber.',
      });
      expect(await store.loadProfile(`nobody-${randomUUID()}`)).toBeUndefined();
    },
  );
});
