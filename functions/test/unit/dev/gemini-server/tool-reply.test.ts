// The offline model's tool behaviour (deterministic, never presented as AI) and Gemini 3's signature rule.
import { describe, expect, it } from 'vitest';
import { compileScenarioReply, type ContentPlan } from '../../../../dev/gemini-server/reply-plan.js';
import { ThoughtSignatures } from '../../../../dev/gemini-server/thought-signatures.js';
import { toolReply } from '../../../../dev/gemini-server/tool-reply.js';

const tools = [{ functionDeclarations: [{ name: 'find_events' }, { name: 'suggest_people' }, { name: 'get_event' }] }];
const ask = (text: string, extra: Record<string, unknown> = {}) => ({
  contents: [{ role: 'user', parts: [{ text }] }],
  tools,
  ...extra,
});

describe('toolReply', () => {
  it('calls find_events for events, suggest_people for people, with a signature; nothing otherwise', () => {
    const events = toolReply(ask('Any events this weekend?')) as ContentPlan;
    expect(events.items).toEqual([
      expect.objectContaining({ type: 'functionCall', name: 'find_events', args: { limit: 3 } }),
    ]);
    expect((events.items[0] as { thoughtSignature?: string }).thoughtSignature).toEqual(expect.any(String));
    const people = toolReply(ask('Who could I meet?')) as ContentPlan;
    expect(people.items[0]).toMatchObject({ name: 'suggest_people' });
    expect(toolReply(ask('Tell me a joke'))).toBeUndefined();
    expect(toolReply({ contents: [{ role: 'user', parts: [{ text: 'events?' }] }] })).toBeUndefined(); // no tools
    expect(toolReply(ask('events?', { toolConfig: { functionCallingConfig: { mode: 'NONE' } } }))).toBeUndefined();
  });

  it('summarises exactly what the tools returned, marked as offline', () => {
    const body = {
      tools,
      contents: [
        { role: 'user', parts: [{ text: 'events?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'find_events', args: {} } }] },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'find_events',
                response: {
                  result: { events: [{ title: 'Jazz', startsAt: '2026-12-05T19:00:00Z', place: { city: 'Oakland' } }] },
                },
              },
            },
            { functionResponse: { name: 'suggest_people', response: { error: { code: 'timeout', message: 'slow' } } } },
          ],
        },
      ],
    };
    const plan = toolReply(body) as ContentPlan;
    const text = plan.items.map((item) => (item.type === 'text' ? item.chunks.join('') : '')).join('');
    expect(text).toMatch(/^\[offline model\]/);
    expect(text).toContain('"Jazz" on Sat 5 Dec');
    expect(text).toContain('in Oakland');
    expect(text).toContain('The suggest_people lookup did not work (slow).');
    expect(text).toContain('No AI model was involved.');
  });
});

describe('ThoughtSignatures', () => {
  const signed = compileScenarioReply({
    reply: {
      kind: 'content',
      parts: [{ type: 'functionCall', name: 'find_events', args: { limit: 1 }, thoughtSignature: 'SIG' }],
    },
  }) as ContentPlan;
  const followUp = (part: Record<string, unknown>) => ({
    contents: [
      { role: 'user', parts: [{ text: 'events?' }] },
      { role: 'model', parts: [part] },
      { role: 'user', parts: [{ functionResponse: { name: 'find_events', response: {} } }] },
    ],
  });

  it('refuses a follow-up whose signed call lost its signature, accepts it with the signature', () => {
    const signatures = new ThoughtSignatures();
    signatures.record(signed);
    const call = { functionCall: { name: 'find_events', args: { limit: 1 } } };
    expect(signatures.check(followUp(call))).toMatch(/missing a thought_signature.*find_events.*position 1/);
    expect(signatures.check(followUp({ ...call, thoughtSignature: 'SIG' }))).toBeUndefined();
    expect(signatures.check(followUp({ ...call, thoughtSignature: 'OTHER' }))).toMatch(/thought_signature/);
  });

  it('checks only the current turn, and never calls it did not sign', () => {
    const signatures = new ThoughtSignatures();
    signatures.record(signed);
    const lost = { functionCall: { name: 'find_events', args: { limit: 1 } } };
    const older = {
      contents: [
        ...followUp(lost).contents,
        { role: 'model', parts: [{ text: 'x' }] },
        { role: 'user', parts: [{ text: 'next' }] },
      ],
    };
    expect(signatures.check(older)).toBeUndefined();
    expect(signatures.check(followUp({ functionCall: { name: 'get_event', args: {} } }))).toBeUndefined();
  });
});
