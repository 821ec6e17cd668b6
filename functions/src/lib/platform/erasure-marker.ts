// The mark of an account whose erasure has started: `accountErasures/{sha256(uid) in hex}`, server-only.
// From the moment it exists, every path that would create data for the account refuses to: chat's
// turn claim and the image record read it in their writes, and firestore.rules refuse the client's
// profile and block writes (an ID token stays valid for up to an hour after its account is gone).
//
// Its id is a hash, not the uid, and it holds nothing about the person (times, counts, state), so
// the scan for "anything that names the uid" finds nothing after the erasure. A finished mark gets
// `expireAt` (a day later) for the Firestore TTL policy: by then no token of the account is valid.
import { createHash } from 'node:crypto';
import type { DocumentReference, Firestore, Transaction } from 'firebase-admin/firestore';
import { HttpError } from './http/errors.js';

export const ERASURE_COLLECTION = 'accountErasures';

/** How long a finished mark is kept: longer than any ID token of the account stays valid (1 h). */
export const FINISHED_MARK_TTL_MS = 24 * 3_600_000;

export function erasureMarkId(uid: string): string {
  return createHash('sha256').update(uid, 'utf8').digest('hex');
}

export function erasureMarkRef(db: Firestore, uid: string): DocumentReference {
  return db.collection(ERASURE_COLLECTION).doc(erasureMarkId(uid));
}

/** Whether the account's erasure has started (read inside the caller's transaction when given). */
export async function erasureStarted(db: Firestore, uid: string, tx?: Transaction): Promise<boolean> {
  const ref = erasureMarkRef(db, uid);
  const snapshot = tx ? await tx.get(ref) : await ref.get();
  return snapshot.exists;
}

/** What a request of an account being erased gets, before it creates anything. */
export function accountDeletedError(): HttpError {
  return new HttpError(403, 'account_deleted', 'This account is being deleted: nothing more can be stored for it.');
}
