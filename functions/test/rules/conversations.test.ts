// firestore.rules on conversations/{id} and their messages: the owner reads them, a list must be
// filtered to the owner, and only the functions (firebase-admin) write them.
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import {
  addDoc,
  collection,
  collectionGroup,
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

describeRules('firestore.rules: conversations/{id} and messages', () => {
  const clients = useRulesEnvironment('conversations', async (db) => {
    await setDoc(doc(db, 'conversations/c1'), { ownerId: 'alice', lastMessagePreview: 'hi', updatedAt: 2 });
    await setDoc(doc(db, 'conversations/c1/messages/m1'), { role: 'user', text: 'hi' });
    await setDoc(doc(db, 'conversations/c2'), { ownerId: 'bob', lastMessagePreview: 'secret', updatedAt: 1 });
    await setDoc(doc(db, 'conversations/c2/messages/m1'), { role: 'user', text: 'secret' });
    // Messages whose conversation document does not exist: nobody owns them.
    await setDoc(doc(db, 'conversations/orphan/messages/m1'), { role: 'user', text: 'lost' });
  });
  const alice = () => clients.as('alice');
  const conversations = () => collection(alice(), 'conversations');

  describe('reading conversations', () => {
    it('lets the owner read their conversation', async () => {
      await assertSucceeds(getDoc(doc(alice(), 'conversations/c1')));
    });

    it('denies reading another user’s conversation, signed in or out', async () => {
      await assertFails(getDoc(doc(alice(), 'conversations/c2')));
      await assertFails(getDoc(doc(clients.signedOut(), 'conversations/c1')));
    });

    it('lets the owner list conversations filtered to themselves', async () => {
      await assertSucceeds(getDocs(query(conversations(), where('ownerId', '==', 'alice'))));
      await assertSucceeds(
        getDocs(query(conversations(), where('ownerId', '==', 'alice'), orderBy('updatedAt', 'desc'), limit(20))),
      );
    });

    it('denies listing conversations without the owner filter, or filtered to someone else', async () => {
      await assertFails(getDocs(conversations()));
      await assertFails(getDocs(query(conversations(), orderBy('updatedAt', 'desc'), limit(20))));
      await assertFails(getDocs(query(conversations(), where('ownerId', '==', 'bob'))));
      await assertFails(getDocs(query(conversations(), where('ownerId', 'in', ['alice', 'bob']))));
      await assertFails(
        getDocs(query(collection(clients.signedOut(), 'conversations'), where('ownerId', '==', 'alice'))),
      );
    });
  });

  describe('reading messages', () => {
    it('lets the owner of the conversation read and list its messages', async () => {
      await assertSucceeds(getDoc(doc(alice(), 'conversations/c1/messages/m1')));
      await assertSucceeds(getDocs(collection(alice(), 'conversations/c1/messages')));
    });

    it('denies reading or listing the messages of another user’s conversation', async () => {
      await assertFails(getDoc(doc(alice(), 'conversations/c2/messages/m1')));
      await assertFails(getDocs(collection(alice(), 'conversations/c2/messages')));
      await assertFails(getDoc(doc(clients.signedOut(), 'conversations/c1/messages/m1')));
    });

    it('denies messages of a conversation that does not exist', async () => {
      await assertFails(getDoc(doc(alice(), 'conversations/orphan/messages/m1')));
    });

    it('denies a collection-group query over everyone’s messages', async () => {
      await assertFails(getDocs(collectionGroup(alice(), 'messages')));
      await assertFails(getDocs(query(collectionGroup(alice(), 'conversations'), where('ownerId', '==', 'alice'))));
    });
  });

  describe('writing', () => {
    it('denies creating, updating or deleting a conversation, even one’s own', async () => {
      await assertFails(setDoc(doc(alice(), 'conversations/c3'), { ownerId: 'alice' }));
      await assertFails(updateDoc(doc(alice(), 'conversations/c1'), { lastMessagePreview: 'edited' }));
      await assertFails(updateDoc(doc(alice(), 'conversations/c2'), { ownerId: 'alice' }));
      await assertFails(deleteDoc(doc(alice(), 'conversations/c1')));
      await assertFails(setDoc(doc(clients.signedOut(), 'conversations/c4'), { ownerId: 'x' }));
    });

    it('denies writing messages of any role, even in one’s own conversation', async () => {
      const messages = collection(alice(), 'conversations/c1/messages');
      await assertFails(addDoc(messages, { role: 'user', text: 'x' }));
      await assertFails(addDoc(messages, { role: 'assistant', text: 'x' }));
      await assertFails(addDoc(messages, { role: 'system', text: 'x' }));
      await assertFails(updateDoc(doc(alice(), 'conversations/c1/messages/m1'), { text: 'edited' }));
      await assertFails(deleteDoc(doc(alice(), 'conversations/c1/messages/m1')));
      await assertFails(
        addDoc(collection(clients.signedOut(), 'conversations/c1/messages'), { role: 'user', text: 'x' }),
      );
    });
  });
});
