// firestore.rules on users/{uid}: a person reads and edits only their own profile, and only its
// user-owned fields, with types and sizes capped down to list elements and the keys of `location`.
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import {
  collection,
  deleteDoc,
  deleteField,
  doc,
  getDoc,
  getDocs,
  query,
  serverTimestamp,
  setDoc,
  Timestamp,
  updateDoc,
  where,
  type DocumentData,
} from 'firebase/firestore';
import { describe, it } from 'vitest';
import { chars, describeRules, tags, useRulesEnvironment } from './support.js';

/** Every user-owned field at its largest allowed size. */
const fullProfile = {
  displayName: chars(100),
  interests: tags(50, 64),
  purposes: tags(20, 64),
  location: { city: chars(100), region: chars(100), country: chars(100), lat: -90, lng: 180 },
  bio: chars(2000),
  discoverable: false,
  photoURL: `https://cdn.example.com/${chars(2048 - 'https://cdn.example.com/'.length)}`,
  updatedAt: serverTimestamp(),
  timeZone: `America/${chars(64 - 'America/'.length)}`,
};

describeRules('firestore.rules: users/{uid}', () => {
  const clients = useRulesEnvironment('users', async (db) => {
    // createdAt and geohash stand for server-owned fields (a trigger may derive such fields later).
    await setDoc(doc(db, 'users/alice'), { displayName: 'Alice', interests: ['jazz'], createdAt: 1, geohash: 'u4pr' });
    await setDoc(doc(db, 'users/bob'), { displayName: 'Bob', interests: ['chess'], discoverable: false });
  });
  const alice = () => clients.as('alice');
  const aliceProfile = () => doc(alice(), 'users/alice');
  /** Creating carol's profile as carol: a user with no profile yet. */
  const createCarol = (data: DocumentData) => setDoc(doc(clients.as('carol'), 'users/carol'), data);

  describe('reading', () => {
    it('lets a user read their own profile', async () => {
      await assertSucceeds(getDoc(aliceProfile()));
    });

    it('denies reading another user’s profile, signed in or out', async () => {
      await assertFails(getDoc(doc(alice(), 'users/bob')));
      await assertFails(getDoc(doc(clients.signedOut(), 'users/alice')));
    });

    it('denies listing profiles, even filtered to a public-looking field', async () => {
      await assertFails(getDocs(collection(alice(), 'users')));
      await assertFails(getDocs(query(collection(alice(), 'users'), where('discoverable', '==', true))));
      await assertFails(getDocs(collection(clients.signedOut(), 'users')));
    });
  });

  describe('creating', () => {
    it('lets a user create their own profile, every field at its largest size', async () => {
      await assertSucceeds(createCarol(fullProfile));
    });

    it('lets a user create a profile with some fields or none', async () => {
      await assertSucceeds(createCarol({ displayName: 'C', interests: [], location: {} }));
      await assertSucceeds(setDoc(doc(clients.as('dave'), 'users/dave'), {}));
    });

    it('denies creating another user’s profile, or any profile signed out', async () => {
      await assertFails(setDoc(doc(alice(), 'users/carol'), { displayName: 'Carol' }));
      await assertFails(setDoc(doc(clients.signedOut(), 'users/carol'), { displayName: 'Carol' }));
    });

    it('denies extra keys and server-owned keys', async () => {
      await assertFails(createCarol({ displayName: 'C', role: 'admin' }));
      await assertFails(createCarol({ displayName: 'C', createdAt: 1 }));
      await assertFails(createCarol({ displayName: 'C', geohash: 'u4pr' }));
    });

    it('denies wrong types for each field', async () => {
      await assertFails(createCarol({ displayName: 42 }));
      await assertFails(createCarol({ displayName: null }));
      await assertFails(createCarol({ bio: ['hello'] }));
      await assertFails(createCarol({ discoverable: 'yes' }));
      await assertFails(createCarol({ interests: 'jazz' }));
      await assertFails(createCarol({ purposes: { 0: 'friends' } }));
      await assertFails(createCarol({ location: 'Berlin' }));
    });

    it('denies strings outside their sizes', async () => {
      await assertFails(createCarol({ displayName: '' }));
      await assertFails(createCarol({ displayName: chars(101) }));
      await assertFails(createCarol({ bio: chars(2001) }));
    });

    it('denies lists that are too long', async () => {
      await assertFails(createCarol({ interests: tags(51) }));
      await assertFails(createCarol({ purposes: tags(21) }));
    });

    it('denies list elements of the wrong type, at any index up to the cap', async () => {
      const withAt = (list: unknown[], index: number, value: unknown) => list.map((v, i) => (i === index ? value : v));
      await assertFails(createCarol({ interests: [42] }));
      await assertFails(createCarol({ interests: withAt(tags(50), 49, { tag: 'jazz' }) }));
      await assertFails(createCarol({ interests: withAt(tags(50), 23, null) }));
      await assertFails(createCarol({ purposes: withAt(tags(20), 19, true) }));
      await assertFails(createCarol({ purposes: withAt(tags(20), 5, 7.5) }));
    });

    it('denies list elements outside 1..64 characters, at any index up to the cap', async () => {
      const withAt = (list: string[], index: number, value: string) => list.map((v, i) => (i === index ? value : v));
      await assertFails(createCarol({ interests: [chars(65)] }));
      await assertFails(createCarol({ interests: withAt(tags(50), 49, chars(65)) }));
      await assertFails(createCarol({ interests: withAt(tags(50), 10, '') }));
      await assertFails(createCarol({ purposes: withAt(tags(20), 19, chars(65)) }));
      await assertFails(createCarol({ purposes: withAt(tags(20), 0, '') }));
    });

    it('counts tag sizes in characters (code points), so 64 emoji fit and 65 do not', async () => {
      await assertSucceeds(createCarol({ interests: [chars(64, '😀')] }));
      await assertFails(createCarol({ interests: [chars(65, '😀')] }));
    });

    it('denies tags with a line break (the rules split lists on it), even when each part is short', async () => {
      await assertFails(createCarol({ interests: ['jazz\nblues'] }));
      await assertFails(createCarol({ purposes: ['friends', `${chars(60)}\n${chars(60)}`] }));
    });

    it('denies a location with other keys or malformed values', async () => {
      await assertFails(createCarol({ location: { city: 'Berlin', street: 'Unter den Linden 1' } }));
      await assertFails(createCarol({ location: { city: chars(101) } }));
      await assertFails(createCarol({ location: { country: { name: 'DE' } } }));
      await assertFails(createCarol({ location: { region: 7 } }));
      await assertFails(createCarol({ location: { lat: '52.5', lng: 13.4 } }));
      await assertFails(createCarol({ location: { lat: 90.5, lng: 13.4 } }));
      await assertFails(createCarol({ location: { lat: 52.5, lng: -180.5 } }));
      await assertFails(createCarol({ location: { lat: Number.NaN, lng: 13.4 } }));
    });

    it('denies one coordinate without the other', async () => {
      await assertFails(createCarol({ location: { lat: 52.5 } }));
      await assertFails(createCarol({ location: { lng: 13.4 } }));
      await assertSucceeds(createCarol({ location: { city: 'Berlin', lat: 52.5, lng: 13.4 } }));
    });
  });

  describe('what apps add: photoURL, updatedAt, timeZone', () => {
    it('accepts an https photo URL up to 2048 characters, a timestamp and a zone name', async () => {
      await assertSucceeds(
        createCarol({
          photoURL: 'https://images.example.com/u/carol.jpg?size=256',
          updatedAt: Timestamp.fromMillis(Date.now() - 60_000),
          timeZone: 'America/Los_Angeles',
        }),
      );
      await assertSucceeds(updateDoc(aliceProfile(), { timeZone: 'Etc/GMT+5', updatedAt: serverTimestamp() }));
      await assertSucceeds(updateDoc(aliceProfile(), { photoURL: deleteField(), timeZone: deleteField() }));
    });

    it('denies a photo URL that is not https, has whitespace, or is over 2048 characters', async () => {
      for (const photoURL of [
        'http://images.example.com/a.jpg',
        'javascript:alert(1)',
        'https://',
        'https://images.example.com/a b.jpg',
        `https://cdn.example.com/${chars(2049 - 'https://cdn.example.com/'.length)}`,
        42,
      ])
        await assertFails(createCarol({ photoURL }));
    });

    it('denies an updatedAt that is not a timestamp, far in the future or before 2000', async () => {
      for (const updatedAt of [
        '2026-12-07T10:00:00Z',
        Date.now(),
        Timestamp.fromMillis(Date.now() + 24 * 3_600_000),
        Timestamp.fromMillis(Date.UTC(1999, 11, 31)),
      ])
        await assertFails(createCarol({ updatedAt }));
    });

    it('denies a time zone that is not shaped like a zone name', async () => {
      for (const timeZone of ['', ' UTC', 'Europe/London\n', '+05:00', '../etc', chars(65), 1]) {
        await assertFails(createCarol({ timeZone }));
        await assertFails(updateDoc(aliceProfile(), { timeZone }));
      }
    });
  });

  describe('updating', () => {
    it('lets a user update each user-owned field, keeping server-owned fields', async () => {
      await assertSucceeds(updateDoc(aliceProfile(), { bio: 'hello', interests: ['jazz', 'art'] }));
      await assertSucceeds(updateDoc(aliceProfile(), fullProfile));
      await assertSucceeds(updateDoc(aliceProfile(), { 'location.city': 'Paris' }));
      await assertSucceeds(setDoc(aliceProfile(), { discoverable: true }, { merge: true }));
    });

    it('lets a user remove a user-owned field', async () => {
      await assertSucceeds(updateDoc(aliceProfile(), { interests: deleteField() }));
    });

    it('denies changing, adding or removing server-owned and unknown keys', async () => {
      await assertFails(updateDoc(aliceProfile(), { createdAt: 2 }));
      await assertFails(updateDoc(aliceProfile(), { geohash: deleteField() }));
      await assertFails(updateDoc(aliceProfile(), { bio: 'hi', role: 'admin' }));
      // A full overwrite drops createdAt and geohash: that changes server-owned keys too.
      await assertFails(setDoc(aliceProfile(), { displayName: 'Alice' }));
    });

    it('denies updating another user’s profile, or any profile signed out', async () => {
      await assertFails(updateDoc(doc(alice(), 'users/bob'), { bio: 'pwned' }));
      await assertFails(updateDoc(doc(clients.signedOut(), 'users/alice'), { bio: 'pwned' }));
    });

    it('denies invalid values on update, as on create', async () => {
      await assertFails(updateDoc(aliceProfile(), { discoverable: 'yes' }));
      await assertFails(updateDoc(aliceProfile(), { displayName: chars(101) }));
      await assertFails(updateDoc(aliceProfile(), { interests: [...tags(30), chars(65)] }));
      await assertFails(updateDoc(aliceProfile(), { purposes: [...tags(19), 7] }));
      await assertFails(updateDoc(aliceProfile(), { 'location.street': 'Unter den Linden 1' }));
      await assertFails(updateDoc(aliceProfile(), { 'location.lat': 91, 'location.lng': 0 }));
    });
  });

  describe('deleting', () => {
    it('denies deleting a profile, one’s own or another’s', async () => {
      await assertFails(deleteDoc(aliceProfile()));
      await assertFails(deleteDoc(doc(alice(), 'users/bob')));
      await assertFails(deleteDoc(doc(clients.signedOut(), 'users/bob')));
    });
  });

  describe('subcollections', () => {
    // blocks/ is the one subcollection a person may use (test/rules/blocks.test.ts); any other is closed.
    it('denies reading and writing any other subcollection under a profile, even one’s own', async () => {
      await clients.server((db) => setDoc(doc(db, 'users/alice/private/settings'), { createdAt: 1 }));
      await assertFails(getDoc(doc(alice(), 'users/alice/private/settings')));
      await assertFails(setDoc(doc(alice(), 'users/alice/notes/carol'), { createdAt: 1 }));
    });
  });
});
