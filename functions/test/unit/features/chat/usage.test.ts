// What a chat reply tells its caller about token usage.
import { describe, expect, it } from 'vitest';
import { toChatUsage } from '../../../../src/lib/features/chat/backends/gemini-model.js';

describe('toChatUsage', () => {
  it('reports prompt, output, total and thought tokens', () => {
    expect(
      toChatUsage({ promptTokenCount: 12, candidatesTokenCount: 5, totalTokenCount: 20, thoughtsTokenCount: 3 }),
    ).toEqual({ promptTokens: 12, outputTokens: 5, totalTokens: 20, thoughtsTokens: 3 });
  });

  it('never reports the cached-token count: the implicit cache is shared across users of the project', () => {
    const usage = toChatUsage({
      promptTokenCount: 2_000,
      candidatesTokenCount: 5,
      totalTokenCount: 2_005,
      cachedContentTokenCount: 1_024,
    });
    expect(usage).toEqual({ promptTokens: 2_000, outputTokens: 5, totalTokens: 2_005 });
  });
});
