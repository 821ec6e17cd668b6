// The image settings a job reads, in the shapes the feature's modules take (AppConfig.images is the
// source; platform/config knows nothing of the feature's types).
import type { AppConfig } from '../../platform/config/index.js';
import type { SourceFetchPolicy } from './source-fetch.js';

/** Which input-image URLs may be fetched, and how much of one. */
export function sourceFetchPolicy(config: AppConfig): SourceFetchPolicy {
  return {
    allowedHosts: config.images.sourceAllowedHosts,
    allowLoopback: config.images.sourceAllowLoopback,
    maxBytes: config.images.sourceMaxBytes,
  };
}

/** IMAGE_MODEL_TIMEOUTS' entry for the model, else IMAGE_TIMEOUT_SECONDS. */
export function imageTimeoutMs(config: AppConfig, model: string): number {
  return config.images.modelTimeoutsMs[model] ?? config.images.defaultTimeoutMs;
}
