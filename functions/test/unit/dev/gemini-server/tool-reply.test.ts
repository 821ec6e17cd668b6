// The offline model's tool behaviour (deterministic, never presented as AI) and Gemini 3's signature rule.
import { describe, expect, it } from 'vitest';
import { compileScenarioReply, type ContentPlan, type ReplyPlan } from '../../../../dev/gemini-server/reply-plan.js';
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
    expect(text).toContain('"Jazz" on Saturday 5 December 2026, 19:00');
    expect(text).toContain('in Oakland');
    expect(text).toContain('The suggest_people lookup did not work (slow).');
    expect(text).toContain('No AI model was involved.');
  });
});

describe('toolReply reads the date and zone from the instruction', () => {
  const instruction = (line: string) => ({ parts: [{ text: `Persona.\n\n${line}\nToday is ...` }] });
  const mondayInLa = instruction(
    'Current local time: 2026-12-07 09:15 (Monday), time zone America/Los_Angeles (UTC-08:00).',
  );
  const callArgs = (plan: ReplyPlan | undefined) => ((plan as ContentPlan).items[0] as { args: unknown }).args;

  it('fills from/until with the local days a phrase means on that date', () => {
    expect(callArgs(toolReply(ask('Any events for me this weekend?', { systemInstruction: mondayInLa })))).toEqual({
      from: '2026-12-12',
      until: '2026-12-13',
      limit: 3,
    });
    expect(callArgs(toolReply(ask('What is on tonight?', { systemInstruction: mondayInLa })))).toEqual({
      from: '2026-12-07T17:00',
      until: '2026-12-08T03:00',
      limit: 3,
    });
    expect(callArgs(toolReply(ask('anything next Friday?', { systemInstruction: mondayInLa })))).toEqual({
      from: '2026-12-11',
      until: '2026-12-11',
      limit: 3,
    });
    // The same instant is already Tuesday in Tokyo: "tomorrow" is Wednesday there.
    const tuesdayInTokyo = instruction(
      'Current local time: 2026-12-08 02:15 (Tuesday), time zone Asia/Tokyo (UTC+09:00).',
    );
    expect(callArgs(toolReply(ask('events tomorrow?', { systemInstruction: tuesdayInTokyo })))).toMatchObject({
      from: '2026-12-09',
    });
  });

  it('without a time line or a phrase, asks for the default window', () => {
    expect(callArgs(toolReply(ask('Any events this weekend?')))).toEqual({ limit: 3 });
    expect(callArgs(toolReply(ask('Any jazz events?', { systemInstruction: mondayInLa })))).toEqual({ limit: 3 });
  });

  it('writes times on the user’s clock, names the period, and says when they are UTC', () => {
    const followUp = (systemInstruction: unknown, event: Record<string, unknown>) => ({
      tools,
      systemInstruction,
      contents: [
        { role: 'user', parts: [{ text: 'Any events for me this weekend?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'find_events', args: {} } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'find_events', response: { result: { events: [event] } } } }],
        },
      ],
    });
    const textOf = (plan: ReplyPlan | undefined) =>
      (plan as ContentPlan).items.map((item) => (item.type === 'text' ? item.chunks.join('') : '')).join('');
    const hike = { title: 'Sunrise hike', startsAt: '2026-12-13T15:00:00.000Z' };
    expect(textOf(toolReply(followUp(mondayInLa, hike)))).toContain(
      'I found 1 event for you this weekend: "Sunrise hike" on Sunday 13 December 2026, 07:00.',
    );
    expect(
      textOf(toolReply(followUp(mondayInLa, { ...hike, localStart: 'Sunday 13 December 2026, 07:00' }))),
    ).toContain('on Sunday 13 December 2026, 07:00');
    const utc = instruction(
      'Current local time: 2026-12-07 17:15 (Monday), time zone UTC (UTC+00:00).\nWhen you mention a time, say that it is UTC.',
    );
    const text = textOf(toolReply(followUp(utc, hike)));
    expect(text).toContain('on Sunday 13 December 2026, 15:00');
    expect(text).toContain('Times are in UTC: your time zone is not known.');
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
