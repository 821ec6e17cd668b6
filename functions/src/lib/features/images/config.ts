// The image settings a job reads, in the shapes the feature's modules take (AppConfig.images is the
// source; platform/config knows nothing of the feature's types).
import type { AppConfig } from '../../platform/config/index.js';
import { matchModelFamily } from './models.js';
import type { SourceFetchPolicy } from './source-fetch.js';

/** Which input-image URLs may be fetched, and how much of one. */
export function sourceFetchPolicy(config: AppConfig): SourceFetchPolicy {
  return {
    allowedHosts: config.images.sourceAllowedHosts,
    allowLoopback: config.images.sourceAllowLoopback,
    maxBytes: config.images.sourceMaxBytes,
  };
}

/**
 * IMAGE_MODEL_TIMEOUTS' entry for the model's family (the entry it equals or extends with a `-suffix`:
 * `gemini-3-pro-image=240` covers `gemini-3-pro-image-preview` and dated ids; the longest entry wins),
 * else IMAGE_TIMEOUT_SECONDS.
 */
export function imageTimeoutMs(config: AppConfig, model: string): number {
  const timeouts = config.images.modelTimeoutsMs;
  const family = matchModelFamily(model, Object.keys(timeouts));
  return family === undefined ? config.images.defaultTimeoutMs : timeouts[family];
}
