// What each Gemini image model accepts in `generationConfig.imageConfig`: its aspect ratios and
// whether (and which) `imageSize` it takes. Model names are configuration, so capabilities are looked
// up by model family (the name without a `models/` prefix or `-preview`/date suffix).
import { matchModelFamily } from '../../platform/model/family.js';

/** The ratios every current Gemini image model accepts. */
export const COMMON_ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;
/** Extra-wide/tall ratios only the 3.1 flash image family accepts. */
const EXTREME_ASPECT_RATIOS = ['1:4', '4:1', '1:8', '8:1'] as const;

/** Every ratio any known model accepts: the request schema's enum (the model check comes after). */
export const ALL_ASPECT_RATIOS = [...COMMON_ASPECT_RATIOS, ...EXTREME_ASPECT_RATIOS] as const;
export type AspectRatio = (typeof ALL_ASPECT_RATIOS)[number];

export const ALL_IMAGE_SIZES = ['1K', '2K', '4K'] as const;
export type ImageSize = (typeof ALL_IMAGE_SIZES)[number];

export interface ImageModelCapabilities {
  /** The family the model was matched to, or "unknown". */
  family: string;
  aspectRatios: readonly AspectRatio[];
  /** Empty: the model takes no imageSize (it must not be sent). */
  imageSizes: readonly ImageSize[];
}

const FAMILIES: readonly ImageModelCapabilities[] = [
  { family: 'gemini-3.1-flash-image', aspectRatios: ALL_ASPECT_RATIOS, imageSizes: ALL_IMAGE_SIZES },
  { family: 'gemini-3-pro-image', aspectRatios: COMMON_ASPECT_RATIOS, imageSizes: ALL_IMAGE_SIZES },
  { family: 'gemini-2.5-flash-image', aspectRatios: COMMON_ASPECT_RATIOS, imageSizes: [] },
];

/** A model we have no entry for gets the ratios all models share and no imageSize (the safe subset). */
const UNKNOWN: ImageModelCapabilities = { family: 'unknown', aspectRatios: COMMON_ASPECT_RATIOS, imageSizes: [] };

export function imageModelCapabilities(model: string): ImageModelCapabilities {
  const family = matchModelFamily(
    model,
    FAMILIES.map((entry) => entry.family),
  );
  return FAMILIES.find((entry) => entry.family === family) ?? UNKNOWN;
}
