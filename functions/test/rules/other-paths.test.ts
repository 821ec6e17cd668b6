// firestore.rules outside the known collections: nothing is readable or writable by clients.
import { assertFails } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc } from 'firebase/firestore';
import { it } from 'vitest';
import { describeRules, useRulesEnvironment } from './support.js';

describeRules('firestore.rules: every other path', () => {
  const clients = useRulesEnvironment('other-paths', async (db) => {
    await setDoc(doc(db, 'anything/x'), { a: 1 });
    await setDoc(doc(db, 'events/e1/comments/c1'), { text: 'hi' });
  });
  const alice = () => clients.as('alice');

  it('denies reads of unknown collections and of subcollections the rules do not name', async () => {
    await assertFails(getDoc(doc(alice(), 'anything/x')));
    await assertFails(getDocs(collection(alice(), 'anything')));
    await assertFails(getDoc(doc(alice(), 'events/e1/comments/c1')));
    await assertFails(getDoc(doc(clients.signedOut(), 'anything/x')));
  });

  it('denies writes there, signed in or out', async () => {
    await assertFails(setDoc(doc(alice(), 'anything/y'), { a: 1 }));
    await assertFails(deleteDoc(doc(alice(), 'anything/x')));
    await assertFails(setDoc(doc(alice(), 'events/e1/comments/c2'), { text: 'x' }));
    await assertFails(setDoc(doc(clients.signedOut(), 'anything/z'), { a: 1 }));
  });
});
