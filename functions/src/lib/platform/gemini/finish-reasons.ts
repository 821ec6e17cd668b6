// The one classification of Gemini finishReason values that mean "stopped for content reasons", text
// and image ones alike (chat and images both use it). A reply that ends with one of these must not be
// shown or published as complete, whatever was streamed before the stop.
import { GeminiBlockedError } from './errors.js';
import { blockedCategory, type GeminiSafetyRating } from './safety.js';

export const CONTENT_BLOCKING_FINISH_REASONS: ReadonlySet<string> = new Set([
  'SAFETY',
  'PROHIBITED_CONTENT',
  'BLOCKLIST',
  'SPII',
  'RECITATION',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * A GeminiBlockedError (code REPLY_BLOCKED) when `finishReason` is a content stop, else undefined;
 * `safetyRatings` (the done event's) name the category.
 */
export function finishReasonBlock(
  finishReason: string | undefined,
  safetyRatings?: readonly GeminiSafetyRating[],
): GeminiBlockedError | undefined {
  return finishReason !== undefined && CONTENT_BLOCKING_FINISH_REASONS.has(finishReason)
    ? GeminiBlockedError.forFinishReason(finishReason, blockedCategory(safetyRatings))
    : undefined;
}
