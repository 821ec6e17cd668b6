// deleteAccount: the user deletes their own account from inside the app. It needs a recent sign-in
// (401 requires_recent_login otherwise), then erases everything (erasure.ts), then deletes the Auth
// user, so the old ID token is refused from then on (at once on this instance; others check the Auth
// backend within the revocation cache window (http/auth.ts, 30 s)). If anything fails, the answer is an error and the
// account still exists: the user retries, and the erasure finishes what the first attempt left.
// Deleting the Auth user runs the Auth trigger, which erases once more (anything a request already
// running on another instance stored meanwhile).
import type { DecodedIdToken } from 'firebase-admin/auth';
import { requireRecentLogin } from '../platform/http/auth.js';
import type { RequestScope } from '../platform/request-scope.js';
import { forgetUserOnThisInstance } from '../platform/user-memory.js';
import { eraseAccount, type ErasureCounts, type ErasureDeps, type ErasureOptions } from './erasure.js';

export interface DeleteAccountDeps extends ErasureDeps {
  /** Firebase Auth's deleteUser. */
  deleteAuthUser(uid: string): Promise<void>;
}

export interface DeleteAccountResult {
  deleted: ErasureCounts;
  authUserDeleted: true;
}

export async function deleteAccount(
  deps: DeleteAccountDeps,
  request: { scope: Pick<RequestScope, 'uid' | 'log'>; token: Pick<DecodedIdToken, 'auth_time'> },
  hooks: Pick<ErasureOptions, 'onBatch'> = {},
): Promise<DeleteAccountResult> {
  requireRecentLogin(request.token, deps.clock);
  const { uid, log } = request.scope;
  const deleted = await eraseAccount(deps, uid, { source: 'deleteAccount', log, ...hooks });
  try {
    await deps.deleteAuthUser(uid);
  } catch (error) {
    // Deleted meanwhile (the console, another device): the account is gone either way.
    if ((error as { code?: unknown } | null)?.code !== 'auth/user-not-found') throw error;
  }
  forgetUserOnThisInstance(uid);
  return { deleted, authUserDeleted: true };
}
