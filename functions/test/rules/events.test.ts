// firestore.rules on events/{id} (public fields, readable when signed in) and eventAttendees/{id}
// (who goes: server-only, so nobody learns where a non-discoverable person is going).
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import {
  arrayUnion,
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  increment,
  query,
  setDoc,
  updateDoc,
  where,
} from 'firebase/firestore';
import { describe, it } from 'vitest';
import { describeRules, useRulesEnvironment } from './support.js';

describeRules('firestore.rules: events/{id} and eventAttendees/{id}', () => {
  const clients = useRulesEnvironment('events', async (db) => {
    await setDoc(doc(db, 'events/e1'), { title: 'Jazz night', tags: ['jazz'], attendeeCount: 2 });
    // alice and bob go to e1; bob may well be `discoverable: false`.
    await setDoc(doc(db, 'eventAttendees/e1'), { attendeeIds: ['alice', 'bob'] });
  });
  const alice = () => clients.as('alice');
  const carol = () => clients.as('carol');

  describe('events', () => {
    it('lets a signed-in user read and list events', async () => {
      await assertSucceeds(getDoc(doc(carol(), 'events/e1')));
      await assertSucceeds(getDocs(collection(carol(), 'events')));
      await assertSucceeds(getDocs(query(collection(carol(), 'events'), where('tags', 'array-contains', 'jazz'))));
    });

    it('denies reading or listing events signed out', async () => {
      await assertFails(getDoc(doc(clients.signedOut(), 'events/e1')));
      await assertFails(getDocs(collection(clients.signedOut(), 'events')));
    });

    it('denies creating, updating (joining) or deleting events', async () => {
      await assertFails(setDoc(doc(carol(), 'events/e2'), { title: 'mine' }));
      await assertFails(updateDoc(doc(carol(), 'events/e1'), { attendeeCount: increment(1) }));
      await assertFails(updateDoc(doc(carol(), 'events/e1'), { attendeeIds: arrayUnion('carol') }));
      await assertFails(deleteDoc(doc(carol(), 'events/e1')));
      await assertFails(setDoc(doc(clients.signedOut(), 'events/e3'), { title: 'x' }));
    });
  });

  describe('eventAttendees', () => {
    it('denies everyone reading who attends, attendees included', async () => {
      await assertFails(getDoc(doc(carol(), 'eventAttendees/e1')));
      await assertFails(getDoc(doc(alice(), 'eventAttendees/e1')));
      await assertFails(getDoc(doc(clients.as('bob'), 'eventAttendees/e1')));
      await assertFails(getDoc(doc(clients.signedOut(), 'eventAttendees/e1')));
    });

    it('denies listing attendee records, filtered to a person or not', async () => {
      await assertFails(getDocs(collection(carol(), 'eventAttendees')));
      await assertFails(
        getDocs(query(collection(carol(), 'eventAttendees'), where('attendeeIds', 'array-contains', 'bob'))),
      );
      await assertFails(
        getDocs(query(collection(alice(), 'eventAttendees'), where('attendeeIds', 'array-contains', 'alice'))),
      );
    });

    it('denies writing attendee records: joining goes through the functions', async () => {
      await assertFails(updateDoc(doc(carol(), 'eventAttendees/e1'), { attendeeIds: arrayUnion('carol') }));
      await assertFails(setDoc(doc(carol(), 'eventAttendees/e2'), { attendeeIds: ['carol'] }));
      await assertFails(deleteDoc(doc(alice(), 'eventAttendees/e1')));
      await assertFails(setDoc(doc(clients.signedOut(), 'eventAttendees/e2'), { attendeeIds: ['x'] }));
    });
  });
});
