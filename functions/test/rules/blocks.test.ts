// firestore.rules on users/{uid}/blocks/{otherUid}: the owner keeps their own block list; nobody else
// reads or writes it, a block holds only its creation time, and unblocking deletes it. Also: the
// prepared pools (matchPool, matchEventPool) and the server-owned profile fields stay closed to clients.
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, serverTimestamp, setDoc, updateDoc } from 'firebase/firestore';
import { describe, it } from 'vitest';
import { describeRules, useRulesEnvironment } from './support.js';

describeRules('firestore.rules: users/{uid}/blocks/{otherUid}', () => {
  const clients = useRulesEnvironment('blocks', async (db) => {
    await setDoc(doc(db, 'users/alice'), { displayName: 'Alice' });
    await setDoc(doc(db, 'users/bob'), { displayName: 'Bob' });
    await setDoc(doc(db, 'users/alice/blocks/mallory'), { createdAt: 1 });
    await setDoc(doc(db, 'matchPool/s00'), { entries: { alice: { interests: ['jazz'] } } });
    await setDoc(doc(db, 'matchEventPool/2026-12-05'), { entries: { e1: { t: 1, crowd: ['alice'] } } });
  });
  const alice = () => clients.as('alice');
  const bob = () => clients.as('bob');

  describe('the owner', () => {
    it('blocks someone with an empty document or one stamped with the request time', async () => {
      await assertSucceeds(setDoc(doc(alice(), 'users/alice/blocks/bob'), {}));
      await assertSucceeds(setDoc(doc(alice(), 'users/alice/blocks/carol'), { createdAt: serverTimestamp() }));
    });

    it('reads and lists their own blocks, and unblocks by deleting', async () => {
      await assertSucceeds(getDoc(doc(alice(), 'users/alice/blocks/mallory')));
      await assertSucceeds(getDocs(collection(alice(), 'users/alice/blocks')));
      await assertSucceeds(deleteDoc(doc(alice(), 'users/alice/blocks/mallory')));
    });

    it('cannot block themself, store anything else in a block, back-date it, or edit it', async () => {
      await assertFails(setDoc(doc(alice(), 'users/alice/blocks/alice'), {}));
      await assertFails(setDoc(doc(alice(), 'users/alice/blocks/bob'), { reason: 'spam' }));
      await assertFails(setDoc(doc(alice(), 'users/alice/blocks/bob'), { createdAt: 5 }));
      await assertFails(setDoc(doc(alice(), `users/alice/blocks/${'x'.repeat(129)}`), {}));
      await assertFails(updateDoc(doc(alice(), 'users/alice/blocks/mallory'), { createdAt: serverTimestamp() }));
    });
  });

  describe('anyone else', () => {
    it('cannot read or list another person’s blocks, not even the blocked person', async () => {
      await assertFails(getDoc(doc(clients.as('mallory'), 'users/alice/blocks/mallory')));
      await assertFails(getDocs(collection(bob(), 'users/alice/blocks')));
      await assertFails(getDoc(doc(clients.signedOut(), 'users/alice/blocks/mallory')));
    });

    it('cannot block on someone’s behalf or remove their block', async () => {
      await assertFails(setDoc(doc(bob(), 'users/alice/blocks/bob'), {}));
      await assertFails(deleteDoc(doc(clients.as('mallory'), 'users/alice/blocks/mallory')));
      await assertFails(setDoc(doc(clients.signedOut(), 'users/alice/blocks/bob'), {}));
    });
  });

  describe('server-owned matching data', () => {
    it('keeps accountState and the derived match fields off limits on the profile', async () => {
      await assertFails(updateDoc(doc(alice(), 'users/alice'), { accountState: 'active' }));
      await assertFails(updateDoc(doc(alice(), 'users/alice'), { match: { visible: true } }));
      await assertFails(setDoc(doc(clients.as('carol'), 'users/carol'), { displayName: 'C', accountState: 'active' }));
    });

    it('closes the prepared pool to every client', async () => {
      await assertFails(getDoc(doc(alice(), 'matchPool/s00')));
      await assertFails(getDocs(collection(alice(), 'matchPool')));
      await assertFails(setDoc(doc(alice(), 'matchPool/s00'), { entries: {} }));
    });

    it('closes the event pool to every client: its entries name who attends', async () => {
      await assertFails(getDoc(doc(alice(), 'matchEventPool/2026-12-05')));
      await assertFails(getDocs(collection(alice(), 'matchEventPool')));
      await assertFails(setDoc(doc(alice(), 'matchEventPool/2026-12-05'), { entries: {} }));
    });
  });
});
