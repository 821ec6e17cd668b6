// Gemini's usage report in the terms calls are priced in (platform/pricing): what it bills as input
// (the prompt with tool-use tokens; cached tokens are part of the prompt count), and as output (the
// candidates plus thinking tokens, which candidatesTokenCount leaves out), image tokens apart when
// candidatesTokensDetails names them.
import type { BillableTokens } from '../pricing/cost.js';
import type { PricedImageSize } from '../pricing/price-table.js';
import type { GeminiTokenUsage } from './types.js';

export function geminiBillableTokens(
  usage: GeminiTokenUsage,
  images?: { count: number; size: PricedImageSize },
): BillableTokens {
  const image = usage.imageOutputTokenCount;
  return {
    input: usage.promptTokenCount + (usage.toolUsePromptTokenCount ?? 0),
    cachedInput: usage.cachedContentTokenCount ?? 0,
    output: usage.candidatesTokenCount - (image ?? 0) + (usage.thoughtsTokenCount ?? 0),
    ...(image !== undefined ? { imageOutput: image } : {}),
    ...(images && images.count > 0 ? { images } : {}),
  };
}
