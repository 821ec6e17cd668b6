// parseOpenAiEvents on the bytes each server dialect sends: comments, `choices: []`, usage with extras,
// tool calls in fragments or whole, reused indexes, error objects after the 200, a cut stream.
import { describe, expect, it } from 'vitest';
import { OpenAiApiError, OpenAiProtocolError } from '../../../../src/lib/platform/openai/errors.js';
import { parseOpenAiEvents } from '../../../../src/lib/platform/openai/stream-events.js';
import type { OpenAiStreamEvent } from '../../../../src/lib/platform/openai/types.js';
import { parseSseStream } from '../../../../src/lib/platform/sse/parse.js';

const chunk = (delta: object, extra: object = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'served', choices: [{ index: 0, delta, finish_reason: null }], usage: null, ...extra })}\n\n`;
const finish = (reason: string) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'served', choices: [{ index: 0, delta: {}, finish_reason: reason }] })}\n\n`;
const usage = (extra: object = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'served', choices: [], usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15, ...extra } })}\n\n`;
const DONE = 'data: [DONE]\n\n';

async function* bytes(...pieces: string[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield Buffer.from(piece);
}

async function events(...pieces: string[]): Promise<OpenAiStreamEvent[]> {
  const out: OpenAiStreamEvent[] = [];
  for await (const event of parseOpenAiEvents(parseSseStream(bytes(...pieces)))) out.push(event);
  return out;
}

async function failure(...pieces: string[]): Promise<unknown> {
  return events(...pieces).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('parseOpenAiEvents: text, usage, the end', () => {
  it('streams content deltas and ends with finish reason, usage and model (OpenAI)', async () => {
    expect(
      await events(
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'Hel' }),
        chunk({ content: 'lo' }),
        finish('stop'),
        usage(),
        DONE,
      ),
    ).toEqual([
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      {
        type: 'done',
        finishReason: 'stop',
        usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 },
        model: 'served',
        id: 'chatcmpl-1',
      },
    ]);
  });

  it('skips a first chunk with `choices: []` (Azure) and splits across reads mid-line', async () => {
    const first = `data: ${JSON.stringify({ id: '', choices: [], prompt_filter_results: [] })}\n\n`;
    const whole = first + chunk({ content: 'ok' }) + finish('stop') + DONE;
    const pieces = [whole.slice(0, 7), whole.slice(7, 90), whole.slice(90)];
    expect((await events(...pieces)).map((e) => e.type)).toEqual(['text-delta', 'done']);
  });

  it('llama.cpp: `: ` keep-alive comments between chunks, usage with `timings`', async () => {
    const timings = { prompt_n: 11, prompt_ms: 20.1, predicted_n: 4, predicted_ms: 50.2 };
    const out = await events(
      ': \n\n',
      chunk({ content: 'Hi' }),
      ': \n\n',
      ': \n\n',
      finish('stop'),
      usage({ timings }),
      DONE,
    );
    expect(out).toEqual([
      { type: 'text-delta', text: 'Hi' },
      expect.objectContaining({ type: 'done', usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 } }),
    ]);
  });

  it('OpenRouter: `: OPENROUTER PROCESSING` comments before the first chunk', async () => {
    const out = await events(
      ': OPENROUTER PROCESSING\n\n',
      ': OPENROUTER PROCESSING\n\n',
      chunk({ content: 'Hey' }),
      finish('stop'),
      DONE,
    );
    expect(out.map((e) => e.type)).toEqual(['text-delta', 'done']);
  });

  it('Ollama without usage: done carries none (the budget then estimates)', async () => {
    const done = (await events(chunk({ content: 'x' }), finish('stop'), DONE)).at(-1);
    expect(done).toEqual({ type: 'done', finishReason: 'stop', model: 'served', id: 'chatcmpl-1' });
  });

  it('reads reasoning tokens and a missing total; a malformed usage counts as none', async () => {
    const reasoning = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 5 } } })}\n\n`;
    expect((await events(finish('stop'), reasoning, DONE)).at(-1)).toMatchObject({
      usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12, reasoning_tokens: 5 },
    });
    const junk = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 'many' } })}\n\n`;
    expect((await events(finish('stop'), junk, DONE)).at(-1)).not.toHaveProperty('usage');
  });

  it('reasoning text (`reasoning_content`, `reasoning`) is thought, never answer', async () => {
    const out = await events(
      chunk({ reasoning_content: 'hmm' }),
      chunk({ reasoning: 'so' }),
      chunk({ content: 'A' }),
      finish('stop'),
      DONE,
    );
    expect(out.slice(0, 3)).toEqual([
      { type: 'text-delta', text: 'hmm', thought: true },
      { type: 'text-delta', text: 'so', thought: true },
      { type: 'text-delta', text: 'A' },
    ]);
  });

  it('a stream cut before any finish is retryable; one cut after the finish is complete', async () => {
    const cut = await failure(chunk({ content: 'partial' }));
    expect(cut).toBeInstanceOf(OpenAiProtocolError);
    expect(cut).toMatchObject({ code: 'PROTOCOL_MISSING_DONE', isRetryable: true });
    expect((await events(chunk({ content: 'a' }), finish('stop'))).at(-1)).toMatchObject({
      type: 'done',
      finishReason: 'stop',
    });
  });

  it('data that is not a JSON object is a protocol error, not retried', async () => {
    expect(await failure('data: {"choices": [\n\n')).toMatchObject({
      code: 'PROTOCOL_INVALID_JSON',
      isRetryable: false,
    });
    expect(await failure('data: [1, 2]\n\n')).toMatchObject({ code: 'PROTOCOL_INVALID_JSON' });
  });
});

describe('parseOpenAiEvents: tool calls', () => {
  const call = (fragment: object) => chunk({ tool_calls: [fragment] });

  it('puts streamed fragments together by index; several calls in one response (OpenAI, vLLM)', async () => {
    const out = await events(
      chunk({ role: 'assistant', content: null }),
      call({ index: 0, id: 'call_a', type: 'function', function: { name: 'find_events', arguments: '' } }),
      call({ index: 0, function: { arguments: '{"lim' } }),
      call({ index: 0, function: { arguments: 'it": 3}' } }),
      call({ index: 1, id: 'call_b', type: 'function', function: { name: 'get_event', arguments: '{"eventId"' } }),
      call({ index: 1, function: { arguments: ': "e1"}' } }),
      finish('tool_calls'),
      usage(),
      DONE,
    );
    expect(out).toEqual([
      { type: 'tool-call', id: 'call_a', name: 'find_events', args: { limit: 3 } },
      { type: 'tool-call', id: 'call_b', name: 'get_event', args: { eventId: 'e1' } },
      expect.objectContaining({ type: 'done', finishReason: 'tool_calls' }),
    ]);
  });

  it('Ollama: whole calls in one chunk, parallel calls reusing index 0 told apart by id', async () => {
    const whole = chunk({
      tool_calls: [
        { id: 'call_1', index: 0, type: 'function', function: { name: 'find_events', arguments: '{"limit":2}' } },
        { id: 'call_2', index: 0, type: 'function', function: { name: 'suggest_people', arguments: '{"limit":1}' } },
      ],
    });
    const out = await events(whole, finish('tool_calls'), DONE);
    expect(out.filter((e) => e.type === 'tool-call')).toEqual([
      { type: 'tool-call', id: 'call_1', name: 'find_events', args: { limit: 2 } },
      { type: 'tool-call', id: 'call_2', name: 'suggest_people', args: { limit: 1 } },
    ]);
  });

  it('a call with no arguments gets {}, arguments sent as an object are taken, bad JSON is passed on as text', async () => {
    const out = await events(
      call({ index: 0, id: 'a', function: { name: 'x' } }),
      call({ index: 1, id: 'b', function: { name: 'y', arguments: { q: 1 } } }),
      call({ index: 2, id: 'c', function: { name: 'z', arguments: '{"q":' } }),
      finish('tool_calls'),
      DONE,
    );
    expect(out.filter((e) => e.type === 'tool-call').map((e) => (e as { args: unknown }).args)).toEqual([
      {},
      { q: 1 },
      '{"q":',
    ]);
  });

  it('a name repeated on every fragment is not doubled; calls flush at the end if no finish came', async () => {
    const out = await events(
      call({ index: 0, id: 'a', function: { name: 'find_events', arguments: '{' } }),
      call({ index: 0, function: { name: 'find_events', arguments: '}' } }),
      DONE,
    );
    expect(out[0]).toEqual({ type: 'tool-call', id: 'a', name: 'find_events', args: {} });
  });
});

describe('parseOpenAiEvents: errors after the 200', () => {
  it('vLLM: `{"error": {...}}` then `[DONE]` mid-stream is an API error with its code', async () => {
    const error = {
      object: 'error',
      message: 'context length exceeded',
      type: 'BadRequestError',
      param: null,
      code: 400,
    };
    const thrown = await failure(chunk({ content: 'a' }), `data: ${JSON.stringify({ error })}\n\n`, DONE);
    expect(thrown).toBeInstanceOf(OpenAiApiError);
    expect(thrown).toMatchObject({ status: 400, isRetryable: false, type: 'BadRequestError' });
  });

  it('vLLM (older): a bare `{"object": "error"}` chunk', async () => {
    const thrown = await failure(
      `data: ${JSON.stringify({ object: 'error', message: 'engine dead', type: 'InternalServerError', code: 500 })}\n\n`,
    );
    expect(thrown).toMatchObject({ name: 'OpenAiApiError', status: 500, isRetryable: true });
  });

  it('OpenRouter: an error data event after the 200, with a numeric code', async () => {
    const body = { error: { code: 502, message: 'Provider returned error', metadata: { provider_name: 'x' } } };
    const thrown = await failure(': OPENROUTER PROCESSING\n\n', `data: ${JSON.stringify(body)}\n\n`);
    expect(thrown).toMatchObject({ status: 502, isRetryable: true });
    expect((thrown as Error).message).toContain('Provider returned error');
  });

  it('an error object with a string code only: 500, retryable before the first token', async () => {
    const thrown = await failure(`data: ${JSON.stringify({ error: { code: 'server_error', message: 'boom' } })}\n\n`);
    expect(thrown).toMatchObject({ status: 500, code: 'server_error', isRetryable: true });
  });
});
