// The offline model answers match-explanation requests with a sentence per item, from the facts it
// was sent; built with the real prompt and schema, so the stand-in stays in step with them.
import { describe, expect, it } from 'vitest';
import { defaultReply } from '../../../../dev/gemini-server/default-reply.js';
import type { ContentPlan } from '../../../../dev/gemini-server/reply-plan.js';
import { eventFacts, personFacts } from '../../../../src/lib/features/matching/explain/facts.js';
import {
  buildPrompt,
  parseExplanations,
  responseSchema,
  SYSTEM_INSTRUCTION,
} from '../../../../src/lib/features/matching/explain/prompt.js';

function answer(items: Parameters<typeof buildPrompt>[0]): Map<string, string> {
  const keys = items.map((item) => item.key);
  const body = {
    systemInstruction: { parts: [{ text: SYSTEM_INSTRUCTION }] },
    contents: [{ role: 'user', parts: [{ text: buildPrompt(items) }] }],
    generationConfig: { responseMimeType: 'application/json', responseJsonSchema: responseSchema(keys) },
  };
  const plan = defaultReply('generateContent', body, { imageShortSide: 64 }) as ContentPlan;
  const text = plan.items.map((item) => (item.type === 'text' ? item.chunks.join('') : '')).join('');
  return parseExplanations(text, keys);
}

describe('offline explanations', () => {
  it('write one sentence per match from its shared tags, crowd, purposes and distance band, marked offline', () => {
    const explanations = answer([
      {
        key: 'm1',
        facts: personFacts({
          interests: ['hiking', 'photography'],
          purposes: ['friendship'],
          location: { kind: 'distance', minKm: 10, maxKm: 15 },
        }),
      },
      {
        key: 'm2',
        facts: eventFacts(
          { tags: ['photography'], crowdInterests: ['hiking'], location: { kind: 'city', place: 'Oakland' } },
          'Film photography walk',
        ),
      },
    ]);
    expect(explanations.get('m1')).toBe(
      '[offline model] You share hiking and photography; you are both here for friendship; you are 10-15 km apart.',
    );
    expect(explanations.get('m2')).toBe(
      '[offline model] "Film photography walk" is about photography, which you like; several people going are into hiking too; it is in Oakland, like you.',
    );
  });

  it('is deterministic and never says more than the facts', () => {
    const items = [{ key: 'm1', facts: personFacts({ interests: [], purposes: [], location: null }) }];
    expect(answer(items)).toEqual(answer(items));
    expect(answer(items).get('m1')).toBe('[offline model] You have things in common.');
  });

  it('leaves other structured requests to the schema sampler', () => {
    const body = {
      contents: [{ role: 'user', parts: [{ text: 'Classify this' }] }],
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] },
      },
    };
    const plan = defaultReply('generateContent', body, { imageShortSide: 64 }) as ContentPlan;
    const text = plan.items.map((item) => (item.type === 'text' ? item.chunks.join('') : '')).join('');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['label']);
  });
});
