import { describe, expect, it } from 'vitest';
import {
  describePlace,
  eventFacts,
  MAX_FACT_TAGS,
  personFacts,
} from '../../../../src/lib/features/matching/explain/facts.js';
import { lowLatencyThinking } from '../../../../src/lib/features/matching/explain/model.js';
import {
  buildPrompt,
  parseExplanations,
  responseSchema,
} from '../../../../src/lib/features/matching/explain/prompt.js';
import { joinList, templateExplanation } from '../../../../src/lib/features/matching/explain/templates.js';

describe('explanation facts', () => {
  it('keep only matched signals, at most MAX_FACT_TAGS tags, no purposes for events', () => {
    const tags = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7'];
    const facts = eventFacts({ tags, crowdInterests: [], location: null }, 'Board night');
    expect(facts).toEqual({
      kind: 'event',
      title: 'Board night',
      sharedInterests: tags.slice(0, MAX_FACT_TAGS),
      sharedPurposes: [],
    });
  });

  it('keep an event’s own tags apart from its crowd’s shared interests', () => {
    expect(eventFacts({ tags: ['photography'], crowdInterests: ['hiking', 'coffee'], location: null })).toEqual({
      kind: 'event',
      sharedInterests: ['photography'],
      crowdInterests: ['hiking', 'coffee'],
      sharedPurposes: [],
    });
  });

  it('describe distance (its band, nothing finer) and place in words', () => {
    expect(describePlace({ kind: 'distance', minKm: 10, maxKm: 15 }, 'person')).toBe('10-15 km apart');
    expect(describePlace({ kind: 'distance', minKm: 3, maxKm: 4 }, 'event')).toBe('3-4 km from you');
    expect(describePlace({ kind: 'distance', minKm: 0, maxKm: 1 }, 'person')).toBe('less than 1 km apart');
    expect(describePlace({ kind: 'region', place: 'California' }, 'person')).toBe('both in California');
    expect(describePlace(null, 'person')).toBeUndefined();
  });
});

describe('templates', () => {
  it('say what matched, in one or two sentences', () => {
    const person = personFacts({
      interests: ['hiking', 'coffee', 'board games'],
      purposes: ['friendship'],
      location: { kind: 'city', place: 'San Francisco' },
    });
    expect(templateExplanation(person)).toBe(
      'You both like hiking, coffee and board games, and you are both here for friendship. You are both in San Francisco.',
    );
    const event = eventFacts(
      { tags: ['jazz'], crowdInterests: [], location: { kind: 'distance', minKm: 4, maxKm: 5 } },
      'Jazz night',
    );
    expect(templateExplanation(event)).toBe('It matches your interest in jazz. It is 4-5 km from you.');
    const crowded = eventFacts({ tags: ['photography'], crowdInterests: ['hiking'], location: null }, 'Walk');
    expect(templateExplanation(crowded)).toBe(
      'It matches your interest in photography. Several people going are into hiking too.',
    );
  });

  it('cope with a location-only or purpose-only match', () => {
    expect(templateExplanation(personFacts({ interests: [], purposes: ['networking'], location: null }))).toBe(
      'You are both here for networking.',
    );
    expect(
      templateExplanation(personFacts({ interests: [], purposes: [], location: { kind: 'country', place: 'US' } })),
    ).toBe('You are both in US.');
  });

  it('joinList', () => {
    expect([joinList([]), joinList(['a']), joinList(['a', 'b']), joinList(['a', 'b', 'c'])]).toEqual([
      '',
      'a',
      'a and b',
      'a, b and c',
    ]);
  });
});

describe('prompt and answer', () => {
  it('asks for one required string per handle', () => {
    expect(responseSchema(['m1', 'm2'])).toMatchObject({
      type: 'object',
      required: ['m1', 'm2'],
      properties: { m1: { type: 'string' } },
    });
    const prompt = buildPrompt([{ key: 'm1', facts: { kind: 'person', sharedInterests: ['x'], sharedPurposes: [] } }]);
    expect(JSON.parse(prompt.slice(prompt.indexOf('\n') + 1))).toEqual({
      items: [{ key: 'm1', kind: 'person', sharedInterests: ['x'], sharedPurposes: [] }],
    });
  });

  it('parses valid entries, normalising whitespace, and drops the rest', () => {
    const parsed = parseExplanations(
      JSON.stringify({ m1: '  You both\n like  hiking. ', m2: 42, m3: '   ', extra: 'ignored' }),
      ['m1', 'm2', 'm3'],
    );
    expect([...parsed]).toEqual([['m1', 'You both like hiking.']]);
    expect(parseExplanations('null', ['m1']).size).toBe(0);
  });
});

describe('lowLatencyThinking', () => {
  it('turns reasoning down per model family and leaves unknown aliases alone', () => {
    expect(lowLatencyThinking('gemini-2.5-flash-lite')).toEqual({ thinkingBudget: 0 });
    expect(lowLatencyThinking('models/gemini-3-flash')).toEqual({ thinkingLevel: 'LOW' });
    expect(lowLatencyThinking('gemini-flash-latest')).toBeUndefined();
    expect(lowLatencyThinking('gemini-2.5-pro')).toBeUndefined();
  });
});
