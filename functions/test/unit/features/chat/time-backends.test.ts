// Both chat backends get the same time context: the instruction's moment paragraph and the sent date
// of replayed user messages (backend-neutral text from prompt.ts).
import { describe, expect, it } from 'vitest';
import { buildChatPrompt } from '../../../../src/lib/features/chat/backends/gemini-prompt.js';
import { buildOpenAiPrompt } from '../../../../src/lib/features/chat/backends/openai-prompt.js';
import type { PromptInput } from '../../../../src/lib/features/chat/backends/chat-model.js';
import { turnTime } from '../../../../src/lib/features/chat/time-context.js';

const input: PromptInput = {
  model: 'm',
  settings: { maxOutputTokens: 64 },
  profile: { displayName: 'Ana', location: { city: 'Lisbon' } },
  history: [
    {
      role: 'user',
      text: 'Anything on Saturday?',
      sent: { date: '2026-12-07', time: '09:15', timeZone: 'Europe/Lisbon' },
    },
    { role: 'assistant', text: 'A fado night.' },
  ],
  message: 'And Sunday?',
  toolNames: ['find_events'],
  time: turnTime(Date.parse('2026-12-10T12:00:00Z'), 'Europe/Lisbon', undefined),
};

describe('the time context on every backend', () => {
  it('Gemini and Chat Completions carry the same instruction and the same dated history', () => {
    const gemini = buildChatPrompt(input).request;
    const openai = buildOpenAiPrompt(input).request;
    const instruction = gemini.systemInstruction!.parts[0].text as string;
    expect(instruction).toContain(
      'Current local time: 2026-12-10 12:00 (Thursday), time zone Europe/Lisbon (UTC+00:00).',
    );
    expect(instruction).toContain('pass find_events from and until in the user’s time zone');
    expect(openai.messages[0]).toEqual({ role: 'system', content: instruction });
    const dated = '(Sent Monday 7 December 2026, 09:15, Europe/Lisbon.)\nAnything on Saturday?';
    expect(gemini.contents[0].parts[0]).toEqual({ text: dated });
    expect(openai.messages[1]).toEqual({ role: 'user', content: dated });
  });
});
