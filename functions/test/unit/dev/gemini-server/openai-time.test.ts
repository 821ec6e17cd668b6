// The stand-in's Chat Completions side reads the date and zone from the system message and answers
// explanation requests from their facts, as its Gemini side does.
import { describe, expect, it } from 'vitest';
import { defaultChatReply } from '../../../../dev/gemini-server/openai/default-reply.js';
import type { ContentPlan } from '../../../../dev/gemini-server/reply-plan.js';
import { eventFacts } from '../../../../src/lib/features/matching/explain/facts.js';
import {
  buildPrompt,
  parseExplanations,
  responseSchema,
} from '../../../../src/lib/features/matching/explain/prompt.js';

const tools = ['find_events', 'suggest_people'].map((name) => ({ type: 'function', function: { name } }));
const system = 'Persona.\nCurrent local time: 2026-12-09 22:40 (Wednesday), time zone Europe/Lisbon (UTC+00:00).';
const textOf = (plan: ContentPlan) =>
  plan.items.map((item) => (item.type === 'text' ? item.chunks.join('') : '')).join('');

describe('Chat Completions stand-in and time', () => {
  it('fills find_events from/until with the local days the question names', () => {
    const plan = defaultChatReply({
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: 'Any events for me this weekend?' },
      ],
      tools,
    });
    expect(plan.items[0]).toMatchObject({
      type: 'functionCall',
      name: 'find_events',
      args: { from: '2026-12-12', until: '2026-12-13', limit: 3 },
    });
  });

  it('writes the results on the user’s clock and names the period', () => {
    const plan = defaultChatReply({
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: 'Any events tomorrow?' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'find_events', arguments: '{}' } }],
        },
        {
          role: 'tool',
          tool_call_id: 'c1',
          content: JSON.stringify({ result: { events: [{ title: 'Fado night', startsAt: '2026-12-10T21:30:00Z' }] } }),
        },
      ],
      tools,
    });
    expect(textOf(plan)).toContain(
      'I found 1 event for you tomorrow: "Fado night" on Thursday 10 December 2026, 21:30.',
    );
  });

  it('answers an explanation request with a sentence per item', () => {
    const items = [
      { key: 'm1', facts: eventFacts({ tags: ['jazz'], crowdInterests: [], location: null }, 'Fado night') },
    ];
    const plan = defaultChatReply({
      messages: [{ role: 'user', content: buildPrompt(items) }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: responseSchema(['m1']) } },
    });
    expect(parseExplanations(textOf(plan), ['m1']).get('m1')).toBe(
      '[offline model] "Fado night" is about jazz, which you like.',
    );
  });
});
