// Token usage as every endpoint reports it (chat's `usage`, the image functions' `usage`, image
// records): {promptTokens, outputTokens, totalTokens, thoughtsTokens?}. Never Gemini's cached-token
// count: its implicit cache is shared by the whole project, so a hit would tell a caller that someone
// else recently sent the same prompt prefix.
import type { GeminiTokenUsage } from './types.js';

export interface TokenUsage {
  promptTokens: number;
  outputTokens: number;
  totalTokens: number;
  thoughtsTokens?: number;
}

export function toTokenUsage(usage: GeminiTokenUsage): TokenUsage {
  return {
    promptTokens: usage.promptTokenCount,
    outputTokens: usage.candidatesTokenCount,
    totalTokens: usage.totalTokenCount,
    ...(usage.thoughtsTokenCount !== undefined ? { thoughtsTokens: usage.thoughtsTokenCount } : {}),
  };
}
