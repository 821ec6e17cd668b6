import { describe, expect, it } from 'vitest';
import { ScenarioQueue } from '../../../../dev/gemini-server/scenario-queue.js';
import type { Scenario } from '../../../../dev/gemini-server/types.js';

const text = (name: string, extra: Partial<Scenario> = {}): Scenario => ({
  name,
  reply: { kind: 'content', parts: [{ type: 'text', text: name }] },
  ...extra,
});

describe('ScenarioQueue', () => {
  it('serves scenarios first in, first out, each `times` times', () => {
    const queue = new ScenarioQueue();
    queue.add([text('a', { times: 2 }), text('b')]);
    expect(['m', 'm', 'm', 'm'].map((model) => queue.take(model, 'generateContent')?.name)).toEqual([
      'a',
      'a',
      'b',
      undefined,
    ]);
  });

  it('skips scenarios whose model or action filter does not match, leaving them queued', () => {
    const queue = new ScenarioQueue();
    queue.add([
      text('image-only', { match: { model: 'img' } }),
      text('stream-only', { match: { action: 'streamGenerateContent' } }),
      text('any'),
    ]);
    expect(queue.take('chat', 'generateContent')?.name).toBe('any');
    expect(queue.take('chat', 'streamGenerateContent')?.name).toBe('stream-only');
    expect(queue.take('img', 'generateContent')?.name).toBe('image-only');
  });

  it('serves countTokens only from scenarios that name it', () => {
    const queue = new ScenarioQueue();
    queue.add(text('generation'));
    expect(queue.take('m', 'countTokens')).toBeUndefined();
    queue.add({ match: { action: 'countTokens' }, reply: { kind: 'count-tokens', totalTokens: 5 } });
    expect(queue.take('m', 'countTokens')?.reply).toEqual({ kind: 'count-tokens', totalTokens: 5 });
    expect(queue.pending().map((s) => [s.name, s.remaining])).toEqual([['generation', 1]]);
  });

  it('rejects malformed scenarios with the offending path', () => {
    const queue = new ScenarioQueue();
    expect(() => queue.add({ reply: { kind: 'http-error', code: 200 } })).toThrow(/reply\.code/);
    expect(() => queue.add({ reply: { kind: 'content', parts: [{ type: 'image', delivery: 'sideways' }] } })).toThrow(
      /parts\.0\.delivery/,
    );
    expect(queue.pending()).toEqual([]);
  });
});
