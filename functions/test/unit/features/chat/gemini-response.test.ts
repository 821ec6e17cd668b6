// GeminiResponse: the parts of one Gemini response, as Gemini must get them back.
import { describe, expect, it } from 'vitest';
import { GeminiResponse } from '../../../../src/lib/features/chat/backends/gemini-response.js';
import type { FunctionCallEvent } from '../../../../src/lib/platform/gemini/types.js';

const call = (name: string, args: unknown, extra: Partial<FunctionCallEvent> = {}): FunctionCallEvent => {
  const part: Record<string, unknown> = { functionCall: { name, args, ...(extra.id ? { id: extra.id } : {}) } };
  if (extra.thoughtSignature) part.thoughtSignature = extra.thoughtSignature;
  return { type: 'function-call', name, args, part, ...extra };
};

describe('GeminiResponse', () => {
  it('joins unsigned text chunks, keeps thinking apart, and never joins into or from a signed part', () => {
    const turn = new GeminiResponse('c1');
    turn.addText({ type: 'text-delta', text: 'plan', thought: true });
    turn.addText({ type: 'text-delta', text: 'Hel' });
    turn.addText({ type: 'text-delta', text: 'lo' });
    turn.addText({ type: 'text-delta', text: ' there', thoughtSignature: 'S1' });
    turn.addText({ type: 'text-delta', text: '!' });
    turn.addText({ type: 'text-delta', text: '', thoughtSignature: 'S2' });
    expect(turn.parts).toEqual([
      { text: 'plan', thought: true },
      { text: 'Hello' },
      { text: ' there', thoughtSignature: 'S1' },
      { text: '!' },
      { text: '', thoughtSignature: 'S2' },
    ]);
  });

  it('keeps each call part verbatim and gives ids; a repeat is dropped but its signature kept', () => {
    const turn = new GeminiResponse('c2');
    const first = turn.addCall(call('find_events', { limit: 2, tags: ['a'] }));
    const second = turn.addCall(call('get_event', { eventId: 'e1' }, { id: 'g-7', thoughtSignature: 'SIG' }));
    expect(first).toEqual({ id: 'c2-1', name: 'find_events', args: { limit: 2, tags: ['a'] } });
    expect(second).toEqual({ id: 'g-7', geminiId: 'g-7', name: 'get_event', args: { eventId: 'e1' } });
    // The same call again (keys in another order), now carrying a signature the first copy lacked.
    expect(turn.addCall(call('find_events', { tags: ['a'], limit: 2 }, { thoughtSignature: 'LATE' }))).toBeUndefined();
    // A repeat of the signed one without its signature does not remove it.
    expect(turn.addCall(call('get_event', { eventId: 'e1' }, { id: 'g-7' }))).toBeUndefined();
    expect(turn.calls).toHaveLength(2);
    expect(turn.parts).toEqual([
      { functionCall: { name: 'find_events', args: { limit: 2, tags: ['a'] } }, thoughtSignature: 'LATE' },
      { functionCall: { name: 'get_event', args: { eventId: 'e1' }, id: 'g-7' }, thoughtSignature: 'SIG' },
    ]);
  });

  it('treats the same tool with different args as two calls', () => {
    const turn = new GeminiResponse('c1');
    turn.addCall(call('find_events', { limit: 1 }));
    turn.addCall(call('find_events', { limit: 2 }));
    expect(turn.calls.map((c) => c.id)).toEqual(['c1-1', 'c1-2']);
  });
});
