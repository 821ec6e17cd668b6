// Rate-limit buckets shared by endpoints of the same cost class: a user's budget is per class, so
// switching between e.g. chatMessage and chatStream does not double it.
import type { RateLimitSpec } from '../http/index.js';

export const CHAT_LIMIT: RateLimitSpec = { bucket: 'chat', perMinute: (config) => config.rateLimit.perMinute };
export const MATCH_LIMIT: RateLimitSpec = { bucket: 'match', perMinute: (config) => config.rateLimit.perMinute };
export const IMAGE_LIMIT: RateLimitSpec = {
  bucket: 'image',
  perMinute: (config) => config.rateLimit.imagePerMinute,
};

/** Deleting single conversations or images: cheap, at the general per-user rate. */
export const DATA_LIMIT: RateLimitSpec = { bucket: 'data', perMinute: (config) => config.rateLimit.perMinute };
/** deleteAccount and exportData: heavy work per call (an export reads everything), a few per minute. */
export const ACCOUNT_LIMIT: RateLimitSpec = { bucket: 'account', perMinute: 5 };
