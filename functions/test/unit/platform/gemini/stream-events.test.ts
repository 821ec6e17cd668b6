// parseGeminiEvents over real-shaped Gemini SSE bodies. Every scenario runs buffered and streamed
// (threshold lowered so each event goes through the incremental JSON parser), whole and in random
// chunkings, and must give the same events; images must reassemble to the original bytes.
import { describe, expect, it } from 'vitest';
import { GeminiApiError, GeminiBlockedError, GeminiProtocolError } from '../../../../src/lib/platform/gemini/errors.js';
import {
  chunkOf,
  fakeJpeg,
  fakePng,
  imagePart,
  runGemini,
  sseText,
  textPart,
  variants,
  type GeminiOutcome,
} from './stream-events-support.js';

async function expectSameEverywhere(
  text: string,
  check: (outcome: GeminiOutcome, label: string) => void,
): Promise<void> {
  let reference: GeminiOutcome | undefined;
  for (const [label, chunks, threshold] of variants(text)) {
    const outcome = await runGemini(chunks, threshold);
    check(outcome, label);
    // Same images and text everywhere; delta boundaries may differ with the chunking.
    reference ??= outcome;
    expect(outcome.images, label).toEqual(reference.images);
    expect(
      outcome.events.filter((e) => e.type !== 'image-delta'),
      label,
    ).toEqual(reference.events.filter((e) => e.type !== 'image-delta'));
  }
}

const base64Of = (bytes: Buffer) => bytes.toString('base64');

describe('parseGeminiEvents: text', () => {
  it('emits text deltas, thoughts flagged, and done with the last usage and finish reason', async () => {
    const body = sseText([
      chunkOf([textPart('Planning the answer', true)]),
      chunkOf([textPart('Hel')], { usage: { promptTokenCount: 5, candidatesTokenCount: 1, totalTokenCount: 6 } }),
      chunkOf([textPart('lo! é😀')], {
        finishReason: 'STOP',
        usage: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8, thoughtsTokenCount: 2 },
      }),
    ]);
    await expectSameEverywhere(body, (outcome, label) => {
      expect(outcome.error, label).toBeUndefined();
      expect(outcome.events, label).toEqual([
        { type: 'text-delta', text: 'Planning the answer', thought: true },
        { type: 'text-delta', text: 'Hel' },
        { type: 'text-delta', text: 'lo! é😀' },
        {
          type: 'done',
          finishReason: 'STOP',
          usage: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8, thoughtsTokenCount: 2 },
          modelVersion: 'gemini-test',
          responseId: 'r-1',
        },
      ]);
    });
  });

  it('reports a safety finish reason in done instead of throwing; ignores other candidates', async () => {
    const chunk = chunkOf([textPart('partial')], { finishReason: 'SAFETY' });
    (chunk.candidates as unknown[]).push({
      content: { parts: [textPart('other candidate'), imagePart(base64Of(fakePng(1, 64)))] },
      index: 1,
    });
    await expectSameEverywhere(
      sseText([chunk, { candidates: [{ content: { role: 'model' }, finishReason: 'IMAGE_SAFETY' }] }]),
      (outcome, label) => {
        expect(outcome.error, label).toBeUndefined();
        expect(outcome.text, label).toBe('partial');
        expect(outcome.images, label).toEqual([]);
        expect(outcome.events.at(-1), label).toMatchObject({ type: 'done', finishReason: 'IMAGE_SAFETY' });
      },
    );
  });
});

describe('parseGeminiEvents: images', () => {
  const png = fakePng(1, 6000);
  const png64 = base64Of(png);

  it('WHOLE: one event, with text around it; the base64 decodes to the original bytes', async () => {
    const body = sseText([
      chunkOf([textPart('Here you go:'), imagePart(png64), textPart('Done.')], { finishReason: 'STOP' }),
    ]);
    await expectSameEverywhere(body, (outcome, label) => {
      expect(outcome.error, label).toBeUndefined();
      expect(
        outcome.images.map((i) => i.mimeType),
        label,
      ).toEqual(['image/png']);
      expect(Buffer.from(outcome.images[0].base64, 'base64').equals(png), label).toBe(true);
      expect(
        outcome.events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]),
        label,
      ).toEqual(['text-delta', 'image-start', 'image-delta', 'text-delta', 'done']);
    });
  });

  it('FRAGMENTED: each event carries the next bytes of the same image', async () => {
    const cuts = [0, 5, 700, 2100, 5000, png64.length];
    const body = sseText(cuts.slice(1).map((end, i) => chunkOf([imagePart(png64.slice(cuts[i], end))])));
    await expectSameEverywhere(body, (outcome, label) => {
      expect(outcome.error, label).toBeUndefined();
      expect(outcome.images, label).toEqual([{ mimeType: 'image/png', base64: png64 }]);
    });
  });

  it('CUMULATIVE: each event repeats all bytes so far; only the new suffix is emitted', async () => {
    const ends = [10, 1500, 1500, 4000, png64.length];
    const body = sseText(ends.map((end) => chunkOf([imagePart(png64.slice(0, end))])));
    await expectSameEverywhere(body, (outcome, label) => {
      expect(outcome.error, label).toBeUndefined();
      expect(outcome.images, label).toEqual([{ mimeType: 'image/png', base64: png64 }]);
      const emitted = outcome.events.filter((e) => e.type === 'image-delta').reduce((n, e) => n + e.data.length, 0);
      expect(emitted, label).toBe(png64.length); // nothing emitted twice
    });
  });

  it('CUMULATIVE beyond the 64 Ki-char head is verified by the tail window', async () => {
    const big64 = base64Of(fakePng(2, 150_000)); // 200,000 chars
    const ends = [70_000, 140_000, big64.length];
    const result = await runGemini([sseText(ends.map((end) => chunkOf([imagePart(big64.slice(0, end))])))], 4096);
    expect(result.error).toBeUndefined();
    expect(result.images).toEqual([{ mimeType: 'image/png', base64: big64 }]);
  });

  it('refuses a continuation that matches the 64 Ki head but not the end (data would be lost)', async () => {
    const first = fakePng(3, 90_000);
    const second = Buffer.concat([first.subarray(0, 60_000), fakePng(4, 40_000).subarray(100)]);
    const result = await runGemini(
      [sseText([chunkOf([imagePart(base64Of(first))]), chunkOf([imagePart(base64Of(second))])])],
      4096,
    );
    expect(result.error).toBeInstanceOf(GeminiProtocolError);
    expect(result.error).toMatchObject({ code: 'PROTOCOL_IMAGE_MISMATCH', status: 502 });
  });

  it('several images: same-size PNGs in separate events, two in one event, a JPEG, text between', async () => {
    const second = base64Of(fakePng(5, 6000)); // same size as png: same first ~40 bytes
    const jpeg = base64Of(fakeJpeg(6, 3000));
    const third = base64Of(fakePng(7, 2000));
    const body = sseText([
      chunkOf([imagePart(png64)]),
      chunkOf([imagePart(second)]),
      chunkOf([textPart('and a photo:')]),
      chunkOf([imagePart(jpeg.slice(0, 1000), 'image/jpeg')]),
      chunkOf([imagePart(jpeg.slice(1000), 'image/jpeg')]),
      chunkOf([imagePart(third), imagePart(third.slice(0, 300))]),
    ]);
    await expectSameEverywhere(body, (outcome, label) => {
      expect(outcome.error, label).toBeUndefined();
      expect(outcome.images, label).toEqual([
        { mimeType: 'image/png', base64: png64 },
        { mimeType: 'image/png', base64: second },
        { mimeType: 'image/jpeg', base64: jpeg },
        { mimeType: 'image/png', base64: third },
        { mimeType: 'image/png', base64: third.slice(0, 300) },
      ]);
      expect(outcome.text, label).toBe('and a photo:');
    });
  });

  it('a new image after text is new even when it does not start with a known magic', async () => {
    const raw = Buffer.from('not an image format we know').toString('base64');
    const body = sseText([
      chunkOf([imagePart(png64)]),
      chunkOf([textPart('x')]),
      chunkOf([imagePart(raw, 'image/png')]),
    ]);
    await expectSameEverywhere(body, (outcome, label) => {
      expect(
        outcome.images.map((i) => i.base64),
        label,
      ).toEqual([png64, raw]);
    });
  });

  it('handles mimeType after data: declared when buffered; when streamed, sniffed or awaited (bounded)', async () => {
    const webp = Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), fakePng(8, 500)]).toString(
      'base64',
    );
    const unknown = Buffer.from('plain bytes, no magic at all').toString('base64');
    const raw = (data: string, mimeType: string) =>
      `{"candidates":[{"content":{"parts":[{"inlineData":{"data":"${data}","mimeType":"${mimeType}"}}]}}]}`;
    const body = sseText([
      raw(unknown, 'image/avif'),
      raw(png64, 'image/png'),
      raw(webp, 'image/webp'),
      raw(unknown, 'image/heic'),
    ]);
    for (const threshold of [undefined, 32]) {
      const outcome = await runGemini([body], threshold);
      // streamed: PNG/WEBP sniffed from the magic; the others held back until their mimeType came
      expect(outcome.images.map((i) => i.mimeType)).toEqual(['image/avif', 'image/png', 'image/webp', 'image/heic']);
      expect(outcome.images.map((i) => i.base64)).toEqual([unknown, png64, webp, unknown]);
    }
    // no magic and more than the 64 Ki-char look-ahead before the mimeType: the fallback type
    const large = Buffer.alloc(60_000, 7).toString('base64');
    const streamed = await runGemini([sseText([raw(large, 'image/heic')])], 32);
    expect(streamed.images).toEqual([{ mimeType: 'application/octet-stream', base64: large }]);
  });

  it('decodes JSON escapes inside streamed image data (\\/)', async () => {
    const escaped = JSON.stringify(chunkOf([imagePart(png64)])).replaceAll('/', '\\/');
    for (const [label, chunks, threshold] of variants(sseText([escaped]), 20)) {
      const outcome = await runGemini(chunks, threshold);
      expect(outcome.images, label).toEqual([{ mimeType: 'image/png', base64: png64 }]);
    }
  });

  it('drains thought images: nothing emitted when the flag is known, flagged in done when it comes late', async () => {
    const interim = base64Of(fakePng(9, 3000));
    const flagFirst = `{"candidates":[{"content":{"parts":[{"thought":true,"inlineData":{"mimeType":"image/png","data":"${interim}"}}]}}]}`;
    const flagLast = `{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"${interim}"},"thought":true}]}}]}`;
    const body = sseText([flagFirst, flagLast, chunkOf([imagePart(png64)], { finishReason: 'STOP' })]);
    const buffered = await runGemini([body]);
    expect(buffered.images.map((i) => i.base64)).toEqual([png64]);
    expect(buffered.events.at(-1)).not.toHaveProperty('thoughtImageIndexes');
    const streamed = await runGemini([body], 64);
    expect(streamed.images.map((i) => i.base64)).toEqual([interim, png64]);
    expect(streamed.events.at(-1)).toMatchObject({ type: 'done', thoughtImageIndexes: [0], finishReason: 'STOP' });
  });
});

describe('parseGeminiEvents: errors', () => {
  it('throws GeminiApiError for an error event, retryable by status', async () => {
    for (const [code, status, retryable] of [
      [500, 'INTERNAL', true],
      [429, 'RESOURCE_EXHAUSTED', true],
      [400, 'INVALID_ARGUMENT', false],
    ] as const) {
      const body = sseText([chunkOf([textPart('a')]), { error: { code, message: 'upstream says no', status } }]);
      for (const [label, chunks, threshold] of variants(body, 3)) {
        const outcome = await runGemini(chunks, threshold);
        expect(outcome.error, label).toBeInstanceOf(GeminiApiError);
        expect(outcome.error, label).toMatchObject({
          status: code,
          code: status,
          googleStatus: status,
          isRetryable: retryable,
        });
        expect(outcome.text, label).toBe('a');
      }
    }
  });

  it('throws GeminiBlockedError for a blocked prompt', async () => {
    const body = sseText([
      {
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
      },
    ]);
    for (const [label, chunks, threshold] of variants(body, 3)) {
      const outcome = await runGemini(chunks, threshold);
      expect(outcome.error, label).toBeInstanceOf(GeminiBlockedError);
      expect(outcome.error, label).toMatchObject({
        blockReason: 'PROHIBITED_CONTENT',
        code: 'PROMPT_BLOCKED',
        isRetryable: false,
      });
    }
  });

  it('throws GeminiProtocolError for invalid JSON, buffered or streamed', async () => {
    for (const data of ['{"candidates":[', 'not json', '[1,2]', '{"a":1}}']) {
      for (const threshold of [undefined, 4]) {
        const outcome = await runGemini([sseText([chunkOf([textPart('ok')]), data])], threshold);
        expect(outcome.error, `${data} ${threshold}`).toBeInstanceOf(GeminiProtocolError);
        expect(outcome.error, `${data} ${threshold}`).toMatchObject({
          code: 'PROTOCOL_INVALID_JSON',
          isRetryable: false,
        });
        expect(outcome.text).toBe('ok');
      }
    }
  });

  it('throws a retryable GeminiProtocolError when the body ends inside a streamed event', async () => {
    const body = sseText([chunkOf([imagePart(png64Of(10))])]);
    const outcome = await runGemini([body.slice(0, body.length - 40)], 256);
    expect(outcome.error).toBeInstanceOf(GeminiProtocolError);
    expect(outcome.error).toMatchObject({ code: 'PROTOCOL_TRUNCATED_EVENT', isRetryable: true });
    expect(outcome.images).toHaveLength(1); // partly delivered before the truncation was known
  });
});

function png64Of(seed: number): string {
  return fakePng(seed, 3000).toString('base64');
}
