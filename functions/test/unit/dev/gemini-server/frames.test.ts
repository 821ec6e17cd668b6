import { describe, expect, it } from 'vitest';
import { imageRanges, renderContentEvent, streamEvents, usageMetadata } from '../../../../dev/gemini-server/frames.js';
import type { ContentPlan, ImageItem } from '../../../../dev/gemini-server/reply-plan.js';

function imageItem(length: number, delivery: ImageItem['delivery'], fragments: number, aligned = true): ImageItem {
  const base64 = Buffer.from('A'.repeat(length), 'latin1');
  return {
    type: 'image',
    image: { mimeType: 'image/png', width: 1, height: 1, bytes: 0, base64 },
    delivery,
    fragments,
    aligned,
    thought: false,
  };
}

function plan(items: ContentPlan['items'], finishInSeparateEvent = false): ContentPlan {
  return { kind: 'content', items, finishReason: 'STOP', finishInSeparateEvent };
}

describe('imageRanges', () => {
  it('splits fragments on base64 quad boundaries, covering every byte once', () => {
    const ranges = imageRanges(imageItem(1_000, 'fragmented', 7));
    expect(ranges).toHaveLength(7);
    expect(ranges[0][0]).toBe(0);
    expect(ranges.at(-1)?.[1]).toBe(1_000);
    ranges.forEach(([start, end], i) => {
      expect(end).toBeGreaterThan(start);
      if (i > 0) expect(start).toBe(ranges[i - 1][1]);
      if (i < ranges.length - 1) expect(end % 4).toBe(0);
    });
  });

  it('can cut mid-quad, and repeats the prefix for cumulative delivery', () => {
    const unaligned = imageRanges(imageItem(1_000, 'fragmented', 4, false));
    expect(unaligned.slice(0, -1).some(([, end]) => end % 4 !== 0)).toBe(true);
    const cumulative = imageRanges(imageItem(1_000, 'cumulative', 4));
    expect(cumulative.every(([start]) => start === 0)).toBe(true);
    expect(cumulative.map(([, end]) => end)).toEqual([...cumulative.map(([, end]) => end)].sort((a, b) => a - b));
    expect(cumulative.at(-1)?.[1]).toBe(1_000);
  });

  it('never makes more fragments than there are quads', () => {
    expect(imageRanges(imageItem(8, 'fragmented', 10))).toEqual([
      [0, 4],
      [4, 8],
    ]);
  });
});

describe('streamEvents', () => {
  it('puts finishReason on the last content event, or on a separate empty event when asked', () => {
    const items: ContentPlan['items'] = [{ type: 'text', chunks: ['a', 'b'], thought: false }];
    expect(streamEvents(plan(items)).map((e) => e.finish)).toEqual([false, true]);
    const separate = streamEvents(plan(items, true));
    expect(separate.map((e) => [e.parts.length, e.finish])).toEqual([
      [1, false],
      [1, false],
      [0, true],
    ]);
    expect(streamEvents(plan([])).map((e) => [e.parts.length, e.finish])).toEqual([[0, true]]);
  });

  it('counts thinking separately from answer tokens', () => {
    const events = streamEvents(
      plan([
        { type: 'text', chunks: ['12345678'], thought: true },
        { type: 'text', chunks: ['1234'], thought: false },
      ]),
    );
    expect(events.map((e) => [e.thoughtTokens, e.candidateTokens])).toEqual([
      [2, 0],
      [0, 1],
    ]);
  });
});

describe('renderContentEvent', () => {
  it('splices the image base64 into the JSON without copying it into a string', () => {
    const item = imageItem(12, 'whole', 1);
    const [event] = streamEvents(plan([item]));
    const pieces = renderContentEvent(
      event,
      plan([item]),
      { modelVersion: 'm-offline', responseId: 'r', promptTokens: 3 },
      usageMetadata(3, 1290, 0),
    );
    const slice = pieces.find((p) => typeof p !== 'string');
    expect(slice).toEqual({ mimeType: 'image/png', source: item.image.base64, start: 0, end: 12 });
    const json = pieces.map((p) => (typeof p === 'string' ? p : p.source.toString('latin1', p.start, p.end))).join('');
    const parsed = JSON.parse(json);
    expect(parsed.candidates[0]).toMatchObject({
      content: { parts: [{ inlineData: { mimeType: 'image/png', data: 'A'.repeat(12) } }], role: 'model' },
      finishReason: 'STOP',
    });
    expect(parsed.usageMetadata).toEqual({ promptTokenCount: 3, candidatesTokenCount: 1290, totalTokenCount: 1293 });
  });
});
