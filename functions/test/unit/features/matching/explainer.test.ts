import { describe, expect, it } from 'vitest';
import { MemoryLruCache } from '../../../../src/lib/platform/cache/index.js';
import { ownerOfCacheKey } from '../../../../src/lib/platform/cache/user-keys.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';
import {
  explainMatches,
  explanationCacheKey,
  type ExplainItem,
  type ExplainerSettings,
} from '../../../../src/lib/features/matching/explain/explainer.js';
import { personFacts } from '../../../../src/lib/features/matching/explain/facts.js';
import { cellBounds, cellOf } from '../../../../src/lib/features/matching/scoring/coarse-location.js';
import { scoreUserMatch } from '../../../../src/lib/features/matching/scoring/index.js';
import type { ExplanationModel, ExplanationRequest } from '../../../../src/lib/features/matching/explain/model.js';
import { templateExplanation } from '../../../../src/lib/features/matching/explain/templates.js';

const SETTINGS: ExplainerSettings = {
  model: 'm',
  timeoutMs: 200,
  temperature: 0.8,
  tokensPerMatch: 100,
  cacheTtlSeconds: 60,
};
const log = createLogger({ test: 'explainer' });

function item(targetId: string, interests: string[], purposes: string[] = []): ExplainItem {
  return {
    viewerId: 'me',
    targetId,
    facts: personFacts({ interests, purposes, location: { kind: 'city', place: 'Oakland' } }),
    components: { interests: 0.5, purpose: purposes.length > 0 ? 1 : 0, location: 1 },
  };
}

const ITEMS = [item('a', ['hiking']), item('b', ['coffee', 'chess'], ['networking']), item('c', ['jazz'])];

/** A model that answers `answer(request)` and records each request. */
function fakeModel(answer: (request: ExplanationRequest) => string | Promise<string>) {
  const calls: ExplanationRequest[] = [];
  const model: ExplanationModel = async (request) => {
    calls.push(request);
    return answer(request);
  };
  return { model, calls };
}

function handlesIn(request: ExplanationRequest): string[] {
  return (request.schema as { required: string[] }).required;
}

const allAnswered = (request: ExplanationRequest) =>
  JSON.stringify(Object.fromEntries(handlesIn(request).map((key) => [key, `Model text for ${key}.`])));

async function run(
  items: readonly ExplainItem[],
  model: ExplanationModel | undefined,
  cache = new MemoryLruCache(),
  signal = new AbortController().signal,
) {
  return explainMatches(items, { cache, model, settings: SETTINGS }, { signal, log });
}

describe('explainMatches', () => {
  it('explains every match with ONE model call, grounded in the matched facts only', async () => {
    const { model, calls } = fakeModel(allAnswered);
    const { explanations, stats } = await run(ITEMS, model);
    expect(calls).toHaveLength(1);
    expect(explanations.map((e) => e.source)).toEqual(['model', 'model', 'model']);
    expect(explanations[1].text).toBe('Model text for m2.');
    expect(stats).toMatchObject({ modelCalls: 1, modelAnswered: 3, templates: 0, cacheHits: 0 });

    const request = calls[0];
    expect(request.prompt).toContain('"sharedInterests":["coffee","chess"]');
    expect(request.prompt).toContain('"place":"both in Oakland"');
    // Handles, not ids, reach the model.
    expect(request.prompt).not.toMatch(/"(a|b|c)"/);
    expect(request.temperature).toBe(0.8);
    expect(request.maxOutputTokens).toBe(3 * 100 + 50);
  });

  it('falls back per match when the model leaves one out or answers one badly', async () => {
    const { model } = fakeModel(() => JSON.stringify({ m1: 'Fine.', m2: '', m3: 'x'.repeat(401) }));
    const { explanations, stats } = await run(ITEMS, model);
    expect(explanations.map((e) => e.source)).toEqual(['model', 'template', 'template']);
    expect(explanations[1].text).toBe(templateExplanation(ITEMS[1].facts));
    expect(stats.fallbackReason).toBe('incomplete');
  });

  it.each([
    ['not JSON', 'Sure! Here are your explanations: ...'],
    ['a JSON array', '["a", "b", "c"]'],
    ['unknown keys only', '{"x": "y"}'],
    ['truncated JSON', '{"m1": "You both like hik'],
  ])('uses templates for all when the answer is %s', async (_label, answer) => {
    const { model } = fakeModel(() => answer);
    const { explanations, stats } = await run(ITEMS, model);
    expect(explanations.every((e) => e.source === 'template')).toBe(true);
    expect(stats.fallbackReason).toBe('invalid_output');
  });

  it('uses templates when the call fails', async () => {
    const { model } = fakeModel(() => Promise.reject(new Error('HTTP 500')));
    const { explanations, stats } = await run(ITEMS, model);
    expect(explanations.map((e) => e.text)).toEqual(ITEMS.map((i) => templateExplanation(i.facts)));
    expect(stats.fallbackReason).toBe('error');
  });

  it('gives up at the time budget and answers with templates', async () => {
    const model: ExplanationModel = (request) =>
      new Promise((_resolve, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
    const started = Date.now();
    const { explanations, stats } = await run(ITEMS, model);
    const elapsed = Date.now() - started;
    expect(stats.fallbackReason).toBe('timeout');
    expect(explanations.every((e) => e.source === 'template')).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(SETTINGS.timeoutMs - 20);
    expect(elapsed).toBeLessThan(SETTINGS.timeoutMs + 500);
  });

  it('stops the call when the request is aborted', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const model: ExplanationModel = (request) => {
      seen = request.signal;
      setTimeout(() => controller.abort(new Error('client disconnected')), 5);
      return new Promise((_resolve, reject) =>
        request.signal.addEventListener('abort', () => reject(request.signal.reason)),
      );
    };
    const { stats } = await run(ITEMS, model, new MemoryLruCache(), controller.signal);
    expect(seen?.aborted).toBe(true);
    expect(stats.fallbackReason).toBe('aborted');
  });

  it('serves cached model text on the next request without calling the model, and asks only for the rest', async () => {
    const cache = new MemoryLruCache();
    const first = fakeModel(allAnswered);
    await run(ITEMS.slice(0, 2), first.model, cache);

    const second = fakeModel(allAnswered);
    const { explanations, stats } = await run(ITEMS, second.model, cache);
    expect(stats).toMatchObject({ cacheHits: 2, modelCalls: 1, modelAnswered: 1 });
    expect(explanations.map((e) => e.source)).toEqual(['model', 'model', 'model']);
    expect(explanations[0].text).toBe('Model text for m1.');
    expect(handlesIn(second.calls[0])).toEqual(['m1']);
    expect(second.calls[0].prompt).toContain('"jazz"');

    const third = fakeModel(allAnswered);
    await run(ITEMS, third.model, cache);
    expect(third.calls).toHaveLength(0);
  });

  it('never caches templates', async () => {
    const cache = new MemoryLruCache();
    await run(ITEMS, fakeModel(() => 'nope').model);
    await run(ITEMS, undefined, cache);
    const { model, calls } = fakeModel(allAnswered);
    const { stats } = await run(ITEMS, model, cache);
    expect(calls).toHaveLength(1);
    expect(stats.cacheHits).toBe(0);
  });

  it('without a model (no API key) answers with templates', async () => {
    const { explanations, stats } = await run(ITEMS, undefined);
    expect(explanations.every((e) => e.source === 'template')).toBe(true);
    expect(stats).toMatchObject({ modelCalls: 0, fallbackReason: 'no_model' });
  });

  it('makes no call for an empty list', async () => {
    const { model, calls } = fakeModel(allAnswered);
    expect((await run([], model)).explanations).toEqual([]);
    expect(calls).toHaveLength(0);
  });
});

describe('explanationCacheKey', () => {
  it('changes with the pair, the components, the facts and the model, and is stable otherwise', () => {
    const base = item('a', ['hiking']);
    const key = explanationCacheKey(base, 'm');
    expect(explanationCacheKey(item('a', ['hiking']), 'm')).toBe(key);
    expect(explanationCacheKey({ ...base, targetId: 'z' }, 'm')).not.toBe(key);
    expect(explanationCacheKey({ ...base, viewerId: 'other' }, 'm')).not.toBe(key);
    expect(explanationCacheKey({ ...base, components: { ...base.components, location: 0.5 } }, 'm')).not.toBe(key);
    expect(explanationCacheKey(item('a', ['hiking', 'coffee']), 'm')).not.toBe(key);
    expect(explanationCacheKey(base, 'other-model')).not.toBe(key);
  });

  it('names its viewer (so erasing the viewer finds it), and nobody else in clear', () => {
    const base = item('target-person-1', ['hiking']);
    const key = explanationCacheKey(base, 'm');
    expect(ownerOfCacheKey(key)).toEqual({ uid: base.viewerId, rest: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(key).not.toContain(base.targetId);
  });

  it('cannot be forged by ids that contain separators (a uid is any text up to 128 characters)', () => {
    const base = item('a', ['hiking']);
    const kind = base.facts.kind;
    const shifted = { ...base, viewerId: `${base.viewerId}\n${kind}`, targetId: 'b' };
    const other = { ...base, targetId: `${kind}\nb` };
    expect(explanationCacheKey(shifted, 'm')).not.toBe(explanationCacheKey(other, 'm'));
  });

  it('is the same for two positions of the target within one ~1 km grid cell', () => {
    const viewer = { id: 'me', interests: ['hiking'], location: { lat: 38.7, lng: -9.1 } };
    const keyFor = (lat: number, lng: number) => {
      const { components, matched } = scoreUserMatch(viewer, {
        id: 'a',
        interests: ['hiking'],
        location: { lat, lng },
      });
      return explanationCacheKey({ viewerId: 'me', targetId: 'a', facts: personFacts(matched), components }, 'm');
    };
    // Opposite corners of one cell, about 1.4 km apart.
    const { south, north, west, east } = cellBounds(cellOf(38.65, -9.03));
    expect(keyFor(south + 1e-6, west + 1e-6)).toBe(keyFor(north - 1e-6, east - 1e-6));
  });
});
