// What an instance starts right after its module load: the one-time set-up that every request needs
// and that would otherwise fall on the first one. The Firestore transport (google-gax, 150-200 ms) and,
// where Redis is configured, its clients. Only on the instance that serves the function
// (FUNCTION_TARGET, as Cloud Run and the emulator's workers set it): never in deploy discovery or in
// tests, and never during the module load itself, which stays as short as bench/cold-start.ts measures
// it. A request that arrives meanwhile waits no longer than it would have (its first read needs the same
// load); one that arrives later finds it done.
import { firestoreTransport, loadSoon } from './on-first-use.js';
import { loadRedisClientsSoon } from './redis.js';

let started = false;

export function warmUpInstanceFor(functionName: string): void {
  if (started || process.env.FUNCTION_TARGET !== functionName) return;
  started = true;
  loadSoon(firestoreTransport);
  loadRedisClientsSoon();
}
