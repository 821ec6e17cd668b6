// Safety settings and ratings: the request field, which category a block names, and the stream's
// blocked errors carrying it (a blocked prompt from promptFeedback, a content stop from the candidate's
// last ratings, also when the event is parsed incrementally).
import { describe, expect, it } from 'vitest';
import { GeminiBlockedError } from '../../../../src/lib/platform/gemini/errors.js';
import { finishReasonBlock } from '../../../../src/lib/platform/gemini/finish-reasons.js';
import { toUpstreamHttpError } from '../../../../src/lib/platform/model/errors.js';
import { blockedCategory, readSafetyRatings, toSafetySettings } from '../../../../src/lib/platform/gemini/safety.js';
import { chunkOf, fakePng, imagePart, runGemini, sseText, textPart } from './stream-events-support.js';

const presentation = (blockReasonInDetails: boolean) => ({
  messages: { blocked: 'Blocked.', unavailable: 'u', timeout: 't', upstream: 'x' },
  blockReasonInDetails,
});

describe('toSafetySettings', () => {
  it('lists every category in a fixed order with its threshold', () => {
    expect(
      toSafetySettings({
        HARM_CATEGORY_DANGEROUS_CONTENT: 'OFF',
        HARM_CATEGORY_SEXUALLY_EXPLICIT: 'BLOCK_LOW_AND_ABOVE',
        HARM_CATEGORY_HATE_SPEECH: 'BLOCK_ONLY_HIGH',
        HARM_CATEGORY_HARASSMENT: 'BLOCK_NONE',
      }),
    ).toEqual([
      { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' },
      { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_ONLY_HIGH' },
      { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', threshold: 'BLOCK_LOW_AND_ABOVE' },
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'OFF' },
    ]);
  });
});

describe('blockedCategory', () => {
  it('prefers the rating marked blocked, whatever the probabilities', () => {
    expect(
      blockedCategory([
        { category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH' },
        { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'LOW', blocked: true },
      ]),
    ).toBe('hate_speech');
  });

  it('else names the most probable known category above NEGLIGIBLE', () => {
    expect(
      blockedCategory([
        { category: 'HARM_CATEGORY_HARASSMENT', probability: 'LOW' },
        { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'MEDIUM' },
        { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
      ]),
    ).toBe('sexually_explicit');
    expect(
      blockedCategory([{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' }]),
    ).toBeUndefined();
    expect(
      blockedCategory([{ category: 'HARM_CATEGORY_SOMETHING_NEW', probability: 'HIGH', blocked: true }]),
    ).toBeUndefined();
    expect(blockedCategory(undefined)).toBeUndefined();
  });

  it('maps Vertex image categories to the same names', () => {
    expect(blockedCategory([{ category: 'HARM_CATEGORY_IMAGE_HATE', probability: 'HIGH', blocked: true }])).toBe(
      'hate_speech',
    );
  });

  it('reads only category, probability and blocked from whatever arrived', () => {
    expect(
      readSafetyRatings([
        { category: 'HARM_CATEGORY_HARASSMENT', probability: 'LOW', probabilityScore: 0.2, severity: 'X' },
        'junk',
        { probability: 'HIGH' },
      ]),
    ).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'LOW' }]);
    expect(readSafetyRatings({})).toBeUndefined();
  });
});

describe('blocked errors name the category', () => {
  it('finishReasonBlock carries it; the 422 shows only {reason?, category}', () => {
    const blocked = finishReasonBlock('SAFETY', [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH' }]);
    expect(blocked).toBeInstanceOf(GeminiBlockedError);
    expect(blocked?.category).toBe('harassment');
    expect(toUpstreamHttpError(blocked, presentation(false)).details).toEqual({ category: 'harassment' });
    expect(toUpstreamHttpError(blocked, presentation(true)).details).toEqual({
      reason: 'SAFETY',
      category: 'harassment',
    });
    expect(toUpstreamHttpError(finishReasonBlock('SAFETY'), presentation(false)).details).toBeUndefined();
    expect(finishReasonBlock('STOP', [{ category: 'HARM_CATEGORY_HARASSMENT', blocked: true }])).toBeUndefined();
  });

  it('a blocked prompt in the stream throws with the category from promptFeedback.safetyRatings', async () => {
    const body = sseText([
      {
        promptFeedback: {
          blockReason: 'SAFETY',
          safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
        },
        usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
      },
    ]);
    const outcome = await runGemini([body]);
    expect(outcome.error).toBeInstanceOf(GeminiBlockedError);
    expect((outcome.error as GeminiBlockedError).category).toBe('dangerous_content');
  });

  it('done carries the last ratings of a content stop, buffered and streamed', async () => {
    const ratings = [{ category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'HIGH', blocked: true }];
    const stop = chunkOf([imagePart(fakePng(1, 3000).toString('base64'))], { finishReason: 'IMAGE_SAFETY' });
    (stop.candidates as Array<Record<string, unknown>>)[0].safetyRatings = ratings;
    const body = sseText([chunkOf([textPart('partial')]), stop]);
    for (const threshold of [undefined, 256]) {
      const outcome = await runGemini([body], threshold);
      const done = outcome.events.at(-1);
      expect(done).toMatchObject({ type: 'done', finishReason: 'IMAGE_SAFETY', safetyRatings: ratings });
    }
  });
});
