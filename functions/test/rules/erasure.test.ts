// firestore.rules while an account is erased: its ID token stays valid for up to an hour after the
// Auth user is gone, so the rules refuse that account's profile and block writes as soon as its
// erasure mark (accountErasures/{sha256(uid)}) exists; the erasure's bookkeeping is server-only; and
// deleting a profile, a conversation, an image or usage stays the functions' job.
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, updateDoc } from 'firebase/firestore';
import { describe, it } from 'vitest';
import { ERASURE_COLLECTION, erasureMarkId } from '../../src/lib/platform/erasure-marker.js';
import { describeRules, useRulesEnvironment } from './support.js';

// An id the hash must survive: the rules hash the uid exactly as the functions do.
const ERASED = 'erased-üser:1';

describeRules('firestore.rules: accounts being erased', () => {
  const clients = useRulesEnvironment('erasure', async (db) => {
    await setDoc(doc(db, `users/${ERASED}`), { displayName: 'Erin', accountState: 'deleted' });
    await setDoc(doc(db, 'users/alice'), { displayName: 'Alice' });
    await setDoc(doc(db, `${ERASURE_COLLECTION}/${erasureMarkId(ERASED)}`), { state: 'running' });
    await setDoc(doc(db, 'conversationDeletions/c1'), { ownerId: 'alice' });
    await setDoc(doc(db, 'conversations/c2'), { ownerId: 'alice' });
    await setDoc(doc(db, 'images/i1'), { owner: 'alice' });
    await setDoc(doc(db, 'users/alice/usage/2026-12-01'), { tokens: 1 });
  });
  const erased = () => clients.as(ERASED);
  const alice = () => clients.as('alice');

  describe('the erased account', () => {
    it('cannot write its profile back, whether it is still there or already deleted', async () => {
      await assertFails(updateDoc(doc(erased(), `users/${ERASED}`), { displayName: 'Back' }));
      await clients.server((db) => deleteDoc(doc(db, `users/${ERASED}`)));
      await assertFails(setDoc(doc(erased(), `users/${ERASED}`), { displayName: 'Back' }));
    });

    it('cannot create a block', async () => {
      await assertFails(setDoc(doc(erased(), `users/${ERASED}/blocks/alice`), {}));
    });

    it('is refused because of the mark alone: without it, the same writes pass', async () => {
      await clients.server((db) => deleteDoc(doc(db, `${ERASURE_COLLECTION}/${erasureMarkId(ERASED)}`)));
      await assertSucceeds(updateDoc(doc(erased(), `users/${ERASED}`), { displayName: 'Back' }));
      await assertSucceeds(setDoc(doc(erased(), `users/${ERASED}/blocks/alice`), {}));
    });

    it('while an account without a mark still can (the mark is per account)', async () => {
      await assertSucceeds(updateDoc(doc(alice(), 'users/alice'), { displayName: 'Alice B' }));
      await assertSucceeds(setDoc(doc(alice(), `users/alice/blocks/${ERASED}`), {}));
    });
  });

  describe('the erasure bookkeeping', () => {
    it('is readable and writable by nobody, not even the account it is about', async () => {
      const mark = `${ERASURE_COLLECTION}/${erasureMarkId(ERASED)}`;
      await assertFails(getDoc(doc(erased(), mark)));
      await assertFails(getDocs(collection(alice(), ERASURE_COLLECTION)));
      await assertFails(deleteDoc(doc(erased(), mark)));
      await assertFails(setDoc(doc(alice(), `${ERASURE_COLLECTION}/${erasureMarkId('alice')}`), {}));
      await assertFails(getDoc(doc(alice(), 'conversationDeletions/c1')));
      await assertFails(setDoc(doc(alice(), 'conversationDeletions/c3'), { ownerId: 'alice' }));
    });
  });

  describe('deleting', () => {
    it('is the functions’ job for a profile, a conversation, an image and usage, even one’s own', async () => {
      await assertFails(deleteDoc(doc(alice(), 'users/alice')));
      await assertFails(deleteDoc(doc(alice(), 'conversations/c2')));
      await assertFails(deleteDoc(doc(alice(), 'images/i1')));
      await assertFails(deleteDoc(doc(alice(), 'users/alice/usage/2026-12-01')));
    });
  });
});
