// firestore.rules on users/{uid}/usage/{day}: the daily AI usage the functions write
// (src/lib/platform/budget/usage-record.ts) is readable by its owner only and writable by nobody.
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, updateDoc } from 'firebase/firestore';
import { describe, it } from 'vitest';
import { describeRules, useRulesEnvironment } from './support.js';

describeRules('firestore.rules: users/{uid}/usage/{day}', () => {
  const clients = useRulesEnvironment('usage', async (db) => {
    // The shape usage-record.ts writes.
    const day = { day: '2026-12-02', tokens: 1200, images: 2, limits: { tokens: 200000, images: 20 }, resetAt: 1 };
    await setDoc(doc(db, 'users/alice/usage/2026-12-02'), day);
    await setDoc(doc(db, 'users/bob/usage/2026-12-02'), day);
  });
  const alice = () => clients.as('alice');

  describe('reading', () => {
    it('lets the owner read a day and list their days', async () => {
      await assertSucceeds(getDoc(doc(alice(), 'users/alice/usage/2026-12-02')));
      await assertSucceeds(getDocs(collection(alice(), 'users/alice/usage')));
    });

    it('denies reading or listing someone else’s usage, and any read signed out', async () => {
      await assertFails(getDoc(doc(alice(), 'users/bob/usage/2026-12-02')));
      await assertFails(getDocs(collection(alice(), 'users/bob/usage')));
      await assertFails(getDoc(doc(clients.signedOut(), 'users/alice/usage/2026-12-02')));
    });
  });

  describe('writing', () => {
    it('denies the owner creating, raising, lowering or deleting their usage', async () => {
      await assertFails(setDoc(doc(alice(), 'users/alice/usage/2026-12-03'), { tokens: 0 }));
      await assertFails(updateDoc(doc(alice(), 'users/alice/usage/2026-12-02'), { tokens: 0 }));
      await assertFails(updateDoc(doc(alice(), 'users/alice/usage/2026-12-02'), { limits: { tokens: 1e9 } }));
      await assertFails(deleteDoc(doc(alice(), 'users/alice/usage/2026-12-02')));
    });

    it('denies writing someone else’s usage', async () => {
      await assertFails(setDoc(doc(alice(), 'users/bob/usage/2026-12-02'), { tokens: 0 }));
    });
  });
});
