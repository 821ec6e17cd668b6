// The caller's own profile: every matching request starts from it.
import { withFirestoreDeadline } from '../../platform/firestore-deadline.js';
import type { Firestore } from 'firebase-admin/firestore';
import { HttpError } from '../../platform/http/index.js';
import { toUserRecord, type ReadCounter, type UserRecord } from './documents.js';
import type { MatchPreferences } from './types.js';
import { isHiddenAccountState } from './account-state.js';
import type { UserRequirements } from './scoring/index.js';

export function profileNotFound(): HttpError {
  return new HttpError(
    404,
    'profile_not_found',
    'No profile for this account. Create users/{your uid} with interests, purposes and location first.',
  );
}

/** A suspended or deleted account (account-state.ts) is out of discovery both ways: it is shown to
 * nobody, and it is shown nobody. 403 before any candidate is read or any model is called. */
export function accountUnavailable(accountState: string): HttpError {
  return new HttpError(
    403,
    'account_unavailable',
    `This account is ${accountState}: matching and suggestions are not available to it.`,
    { details: { accountState } },
  );
}

export async function loadCallerProfile(db: Firestore, uid: string, reads: ReadCounter): Promise<UserRecord> {
  const snapshot = await withFirestoreDeadline('read the caller profile', db.collection('users').doc(uid).get());
  reads.addLookups(1);
  const profile = toUserRecord(snapshot);
  if (profile === undefined) throw profileNotFound();
  const accountState: unknown = snapshot.get('accountState');
  if (isHiddenAccountState(accountState)) throw accountUnavailable(accountState as string);
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

/**
 * Preferences filter, they do not only boost: with `interests` only people sharing at least one of
 * them are returned, with `purposes` only people sharing one of those, and with `maxDistanceKm` only
 * people within it (a distance band starting below it, or the same city when either has no position).
 */
export function preferenceRequirements(preferences: MatchPreferences | undefined): UserRequirements | undefined {
  if (preferences === undefined) return undefined;
  return {
    interests: (preferences.interests?.length ?? 0) > 0,
    purposes: (preferences.purposes?.length ?? 0) > 0,
    withinRadius: preferences.maxDistanceKm !== undefined,
  };
}
