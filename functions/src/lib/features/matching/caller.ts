// The caller's own profile: every matching request starts from it.
import type { Firestore } from 'firebase-admin/firestore';
import { HttpError } from '../../platform/http/index.js';
import { toUserRecord, type ReadCounter, type UserRecord } from './documents.js';
import type { MatchPreferences } from './types.js';

export function profileNotFound(): HttpError {
  return new HttpError(
    404,
    'profile_not_found',
    'No profile for this account. Create users/{your uid} with interests, purposes and location first.',
  );
}

export async function loadCallerProfile(db: Firestore, uid: string, reads: ReadCounter): Promise<UserRecord> {
  const snapshot = await db.collection('users').doc(uid).get();
  reads.addLookups(1);
  const profile = toUserRecord(snapshot);
  if (profile === undefined) throw profileNotFound();
  return profile;
}

/**
 * The profile matching runs with: preference lists given for this request replace the profile's
 * own (a "who is into X" search), and are used for retrieval as well as scoring.
 */
export function applyPreferences(profile: UserRecord, preferences: MatchPreferences | undefined): UserRecord {
  if (preferences === undefined) return profile;
  return {
    ...profile,
    ...(preferences.interests !== undefined ? { interests: preferences.interests } : {}),
    ...(preferences.purposes !== undefined ? { purposes: preferences.purposes } : {}),
  };
}
