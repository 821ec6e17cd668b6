import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { doc, getDoc, setDoc, updateDoc, deleteDoc, collection, addDoc } from 'firebase/firestore';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';

// Only meaningful against the official emulator, which `npm run test:rules` starts and names in
// FIRESTORE_EMULATOR_HOST together with RULES_EMULATOR=official.
const official = process.env.RULES_EMULATOR === 'official' && !!process.env.FIRESTORE_EMULATOR_HOST;
if (!official) {
  console.warn(
    'firestore.rules tests SKIPPED: they need the official Firestore emulator, which needs Java 21+ ' +
      '(this machine may have less, and the embedded Node emulator evaluates no rules). ' +
      'Run `npm run test:rules` at the repo root on a machine that can run it.',
  );
}

describe.skipIf(!official)('firestore.rules', () => {
  let env: RulesTestEnvironment;

  beforeAll(async () => {
    const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(':');
    env = await initializeTestEnvironment({
      projectId: 'demo-social-ai',
      firestore: {
        rules: readFileSync(resolve(__dirname, '../../../firestore.rules'), 'utf8'),
        host,
        port: Number(port),
      },
    });
  });

  afterAll(async () => {
    await env?.cleanup();
  });

  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled(async (ctx) => {
      const db = ctx.firestore();
      await setDoc(doc(db, 'users/alice'), { displayName: 'Alice', interests: ['jazz'], createdAt: 1 });
      await setDoc(doc(db, 'users/bob'), { displayName: 'Bob', interests: ['chess'] });
      await setDoc(doc(db, 'conversations/c1'), { ownerId: 'alice', lastMessagePreview: 'hi' });
      await setDoc(doc(db, 'conversations/c1/messages/m1'), { role: 'user', text: 'hi' });
      await setDoc(doc(db, 'conversations/c2'), { ownerId: 'bob' });
      await setDoc(doc(db, 'conversations/c2/messages/m1'), { role: 'user', text: 'secret' });
      await setDoc(doc(db, 'events/e1'), { title: 'Jazz night', tags: ['jazz'] });
      await setDoc(doc(db, 'images/i1'), { ownerId: 'alice', url: 'x' });
    });
  });

  const alice = () => env.authenticatedContext('alice').firestore();
  const anon = () => env.unauthenticatedContext().firestore();

  it('lets a user read their own profile and not anyone else’s', async () => {
    await assertSucceeds(getDoc(doc(alice(), 'users/alice')));
    await assertFails(getDoc(doc(alice(), 'users/bob')));
    await assertFails(getDoc(doc(anon(), 'users/alice')));
  });

  it('lets a user update user-owned profile fields only', async () => {
    await assertSucceeds(updateDoc(doc(alice(), 'users/alice'), { bio: 'hello', interests: ['jazz', 'art'] }));
    await assertFails(updateDoc(doc(alice(), 'users/alice'), { createdAt: 2 }));
    await assertFails(updateDoc(doc(alice(), 'users/alice'), { discoverable: 'yes' }));
    await assertFails(updateDoc(doc(alice(), 'users/bob'), { bio: 'pwned' }));
    await assertFails(deleteDoc(doc(alice(), 'users/alice')));
  });

  it('lets a user create their own profile with user-owned fields only', async () => {
    await env.withSecurityRulesDisabled((ctx) => deleteDoc(doc(ctx.firestore(), 'users/alice')));
    await assertFails(setDoc(doc(alice(), 'users/alice'), { displayName: 'A', role: 'admin' }));
    await assertSucceeds(setDoc(doc(alice(), 'users/alice'), { displayName: 'A', interests: [] }));
  });

  it('lets a user read their own conversations and messages only', async () => {
    await assertSucceeds(getDoc(doc(alice(), 'conversations/c1')));
    await assertSucceeds(getDoc(doc(alice(), 'conversations/c1/messages/m1')));
    await assertFails(getDoc(doc(alice(), 'conversations/c2')));
    await assertFails(getDoc(doc(alice(), 'conversations/c2/messages/m1')));
  });

  it('keeps conversations and messages server-written', async () => {
    await assertFails(setDoc(doc(alice(), 'conversations/c3'), { ownerId: 'alice' }));
    await assertFails(addDoc(collection(alice(), 'conversations/c1/messages'), { role: 'assistant', text: 'x' }));
    await assertFails(updateDoc(doc(alice(), 'conversations/c1'), { lastMessagePreview: 'edited' }));
  });

  it('lets signed-in users read events but not write them', async () => {
    await assertSucceeds(getDoc(doc(alice(), 'events/e1')));
    await assertFails(getDoc(doc(anon(), 'events/e1')));
    await assertFails(setDoc(doc(alice(), 'events/e2'), { title: 'mine' }));
  });

  it('keeps everything else server-only', async () => {
    await assertFails(getDoc(doc(alice(), 'images/i1')));
    await assertFails(setDoc(doc(alice(), 'anything/x'), { a: 1 }));
  });
});
