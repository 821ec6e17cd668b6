export type { RateLimitDecision, RateLimiter } from './types.js';
export { MemorySlidingWindowLimiter } from './memory-sliding-window.js';
export { UpstashLimiter, createUpstashRatelimit, UPSTASH_LIMIT_TIMEOUT_MS } from './upstash-limiter.js';
export { ResilientLimiter, getRateLimiter, type RateLimitMemory } from './resilient-limiter.js';
