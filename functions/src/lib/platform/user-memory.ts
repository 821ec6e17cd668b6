// What this instance keeps in memory about a user, forgotten at once when the user's data is erased:
// passed revocation checks (so the deleted account's token is refused here without waiting for
// the revocation cache window, 30 s, http/auth.ts), and the rate-limit windows, budget counters and
// cache entries of the instance's stores (shared-store.ts). Other instances drop theirs as they expire
// (docs/data.md says how long); Redis is erased separately.
import { verifyWithFirebaseAdmin } from './http/auth.js';
import { forgetUserInInstanceStores } from './shared-store.js';

export function forgetUserOnThisInstance(uid: string): void {
  verifyWithFirebaseAdmin.forget(uid);
  forgetUserInInstanceStores(uid);
}
