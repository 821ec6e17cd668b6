// An OpenAI-compatible server's usage in the terms calls are priced in (platform/pricing). Unlike
// Gemini's candidates count, `completion_tokens` already holds the reasoning tokens, so output is that
// alone; servers report no cached-prompt count we read, so no input is priced as cached.
import type { BillableTokens } from '../pricing/cost.js';
import type { OpenAiTokenUsage } from './types.js';

export function openAiBillableTokens(usage: OpenAiTokenUsage): BillableTokens {
  return { input: usage.prompt_tokens, cachedInput: 0, output: usage.completion_tokens };
}
