// The shared Upstash Redis client, built lazily from the configured secrets.
// null means "not configured": callers fall back to per-instance memory (never an error).
import type { Redis } from '@upstash/redis';
import { getUpstashCredentials } from './config/index.js';
import { loadSoon, upstashRatelimitSdk, upstashRedisSdk } from './on-first-use.js';

/** Per HTTP call to Upstash: a hung Redis must not stall a request for long. */
export const REDIS_REQUEST_TIMEOUT_MS = 1000;

let cached: { key: string; client: Redis } | undefined;

/** The client for the current credentials (rebuilt only if they change), or null if unset. */
export function getRedis(): Redis | null {
  const credentials = getUpstashCredentials();
  if (!credentials) return null;
  const key = `${credentials.url}\n${credentials.token}`;
  if (cached?.key !== key) {
    cached = {
      key,
      client: new (upstashRedisSdk().Redis)({
        url: credentials.url,
        token: credentials.token,
        // A function: a fresh timeout signal per HTTP call (one static signal would expire once, forever).
        signal: () => AbortSignal.timeout(REDIS_REQUEST_TIMEOUT_MS),
        // The default is 5 retries with exponential backoff (seconds in total); callers have fallbacks.
        retry: { retries: 1, backoff: () => 50 },
      }),
    };
  }
  return cached.client;
}

let clientsRequested = false;

/**
 * Where Redis is configured, loads its clients (the Redis and rate-limit SDKs) once the event loop is
 * free: an instance's first request calls this before its sign-in check, whose I/O the load overlaps.
 */
export function loadRedisClientsSoon(): void {
  if (clientsRequested) return;
  clientsRequested = true;
  loadSoon(() => {
    if (getRedis()) upstashRatelimitSdk();
  });
}
