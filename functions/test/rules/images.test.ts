// firestore.rules on images/{id}: the owner reads their own image records (a "my images" list must
// be filtered to the owner); only the functions (firebase-admin) write them.
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import {
  addDoc,
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  limit,
  orderBy,
  query,
  setDoc,
  updateDoc,
  where,
} from 'firebase/firestore';
import { describe, it } from 'vitest';
import { describeRules, useRulesEnvironment } from './support.js';

describeRules('firestore.rules: images/{id}', () => {
  const clients = useRulesEnvironment('images', async (db) => {
    // `owner` is the field functions/src/lib/features/images/metadata.ts writes.
    await setDoc(doc(db, 'images/i1'), { owner: 'alice', prompt: 'a cat', url: 'https://x/1', createdAt: 1 });
    await setDoc(doc(db, 'images/i2'), { owner: 'bob', prompt: 'what bob asked', url: 'https://x/2', createdAt: 2 });
  });
  const alice = () => clients.as('alice');
  const images = () => collection(alice(), 'images');

  describe('reading', () => {
    it('lets the owner read their image record', async () => {
      await assertSucceeds(getDoc(doc(alice(), 'images/i1')));
    });

    it('denies reading another user’s image record, signed in or out', async () => {
      await assertFails(getDoc(doc(alice(), 'images/i2')));
      await assertFails(getDoc(doc(clients.signedOut(), 'images/i1')));
    });

    it('lets the owner list their images filtered to themselves', async () => {
      await assertSucceeds(getDocs(query(images(), where('owner', '==', 'alice'))));
      await assertSucceeds(
        getDocs(query(images(), where('owner', '==', 'alice'), orderBy('createdAt', 'desc'), limit(20))),
      );
    });

    it('denies listing images without the owner filter, or filtered to someone else', async () => {
      await assertFails(getDocs(images()));
      await assertFails(getDocs(query(images(), where('owner', '==', 'bob'))));
      await assertFails(getDocs(query(collection(clients.signedOut(), 'images'), where('owner', '==', 'alice'))));
    });
  });

  describe('writing', () => {
    it('denies creating, updating or deleting image records, even one’s own', async () => {
      await assertFails(addDoc(images(), { owner: 'alice', url: 'https://evil/x' }));
      await assertFails(updateDoc(doc(alice(), 'images/i1'), { url: 'https://evil/x' }));
      await assertFails(updateDoc(doc(alice(), 'images/i2'), { owner: 'alice' }));
      await assertFails(deleteDoc(doc(alice(), 'images/i1')));
      await assertFails(setDoc(doc(clients.signedOut(), 'images/i3'), { owner: 'x' }));
    });
  });
});
