// What this instance keeps in memory about a user, forgotten at once when the user's data is erased:
// passed revocation checks (so the deleted account's token is refused here without waiting for
// AUTH_REVOCATION_CACHE_SECONDS), rate-limit windows, budget counters and cache entries. Other
// instances drop theirs as they expire (docs/data.md says how long); Redis is erased separately.
import { forgetUserBudgets } from './budget/registry.js';
import { forgetUserCacheEntriesInMemory } from './cache/index.js';
import { verifyWithFirebaseAdmin } from './http/auth.js';
import { forgetUserRateLimits } from './rate-limit/registry.js';

export function forgetUserOnThisInstance(uid: string): void {
  verifyWithFirebaseAdmin.forget(uid);
  forgetUserRateLimits(uid);
  forgetUserBudgets(uid);
  forgetUserCacheEntriesInMemory(uid);
}
