// The image settings a job reads, in the shapes the feature's modules take (AppConfig.images is the
// source; platform/config knows nothing of the feature's types).
import type { AppConfig } from '../../platform/config/index.js';
import { matchModelFamily } from '../../platform/model/family.js';
import type { SourceFetchPolicy } from './source-fetch.js';
import type { SourceImagePolicy } from './source-image.js';

/** Gemini's documented cap on one inline image: HEIC/HEIF, sent unconverted, must fit in it. */
export const GEMINI_INLINE_IMAGE_MAX_BYTES = 7 * 1024 * 1024;

/** Which input-image URLs may be fetched, and how much of one. */
export function sourceFetchPolicy(config: AppConfig): SourceFetchPolicy {
  return {
    allowedHosts: config.images.sourceAllowedHosts,
    allowLoopback: config.images.sourceAllowLoopback,
    maxBytes: config.images.sourceMaxBytes,
  };
}

/** The fetch policy, plus what an input image becomes before it is sent (input-normalize.ts). */
export function sourceImagePolicy(config: AppConfig): SourceImagePolicy {
  return {
    ...sourceFetchPolicy(config),
    maxSide: config.images.inputMaxSide,
    maxPixels: config.images.inputMaxPixels,
    passthroughMaxBytes: Math.min(GEMINI_INLINE_IMAGE_MAX_BYTES, config.images.sourceMaxBytes),
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
