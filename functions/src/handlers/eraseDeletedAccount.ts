// Auth trigger: a Firebase Auth user was deleted, by any path (deleteAccount, the Firebase console, the
// Admin SDK, another backend). Runs the one erasure (lib/account-data) for that uid; it is idempotent,
// so a retry after a failure, or a second run after deleteAccount, finishes or finds nothing.
import { onUserDeleted, type AuthEvent, type User } from 'firebase-functions/v2/identity';
import { accountDataDeps, eraseAccount } from '../lib/account-data/index.js';
import { getConfig } from '../lib/platform/config/index.js';
import { createLogger } from '../lib/platform/logging.js';
import { ACCOUNT_ERASURE_OPTIONS } from '../runtime-options.js';

export async function eraseDeletedAccountHandler(event: AuthEvent<User | undefined>): Promise<void> {
  const log = createLogger({ trigger: 'eraseDeletedAccount', eventId: event.id });
  const uid = event.data?.uid;
  if (typeof uid !== 'string' || uid === '') {
    // Nothing to erase by; retrying the same event would not bring a uid.
    log.warn('auth user deleted without a uid; nothing erased');
    return;
  }
  await eraseAccount(accountDataDeps(getConfig()), uid, { source: 'authUserDeleted', log: log.child({ uid }) });
}

export const eraseDeletedAccount = onUserDeleted(ACCOUNT_ERASURE_OPTIONS, eraseDeletedAccountHandler);
