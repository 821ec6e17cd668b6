// The offline server's Chat Completions side, read raw and through our own client and parser: each
// dialect's bytes (comments, usage, tool-call delivery, error objects), the checks it makes of a
// request, and the same deterministic tool-calling default as its Gemini side.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGeminiServer, type GeminiServer, type OpenAiDialect } from '../../../../dev/gemini-server/index.js';
import { fetchOpenAiEvents } from '../../../../src/lib/platform/openai/fetch-events.js';
import { OpenAiStreamingClient } from '../../../../src/lib/platform/openai/streaming-client.js';
import type { ChatCompletionRequest } from '../../../../src/lib/platform/openai/request-body.js';
import type { OpenAiStreamEvent } from '../../../../src/lib/platform/openai/types.js';

let server: GeminiServer;
beforeAll(async () => {
  server = await startGeminiServer({ chunkDelayMs: [0, 0] });
});
beforeEach(() => server.reset());
afterAll(() => server.close());

const tools = ['find_events', 'suggest_people'].map((name) => ({
  type: 'function' as const,
  function: { name, description: name, parameters: { type: 'object', properties: { limit: { type: 'integer' } } } },
}));

function body(message: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return {
    model: 'local-llm',
    messages: [{ role: 'user', content: message }],
    stream: true,
    stream_options: { include_usage: true },
    ...extra,
  };
}

async function raw(
  request: object,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(request),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function parsed(request: ChatCompletionRequest): Promise<OpenAiStreamEvent[]> {
  const client = new OpenAiStreamingClient({ baseUrl: server.openaiBaseUrl, apiKey: server.apiKey });
  const out: OpenAiStreamEvent[] = [];
  for await (const event of await fetchOpenAiEvents(client, { request })) out.push(event);
  return out;
}

const dataLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6));

describe('the default reply over Chat Completions', () => {
  it('is marked offline, streams text, and ends with usage (asked for) and [DONE]', async () => {
    const { status, text, headers } = await raw(body('Suggest an icebreaker'));
    expect(status).toBe(200);
    expect(headers.get('x-offline-model')).toBe('true');
    const lines = dataLines(text);
    expect(lines.at(-1)).toBe('[DONE]');
    const usageChunk = JSON.parse(lines.at(-2)!);
    expect(usageChunk).toMatchObject({
      choices: [],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) },
    });
    const events = await parsed(body('Suggest an icebreaker'));
    const reply = events.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(reply).toMatch(/^\[offline model\] Deterministic offline reply to: "Suggest an icebreaker"/);
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop', model: 'local-llm-offline' });
  });

  it('calls find_events for an events question when tools are declared, summarises tool results after', async () => {
    const first = await parsed(body('Any events this weekend?', { tools }));
    const call = first.find((e) => e.type === 'tool-call');
    expect(call).toMatchObject({ name: 'find_events', args: { limit: 3 }, id: expect.stringMatching(/^call_/) });
    expect(first.at(-1)).toMatchObject({ finishReason: 'tool_calls' });
    const id = (call as { id: string }).id;
    const followUp = body('Any events this weekend?', {
      tools,
      messages: [
        { role: 'user', content: 'Any events this weekend?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id, type: 'function', function: { name: 'find_events', arguments: '{"limit":3}' } }],
        },
        {
          role: 'tool',
          tool_call_id: id,
          content: JSON.stringify({
            result: { events: [{ title: 'Jazz Night', startsAt: '2030-01-04T19:00:00Z', place: { city: 'Oslo' } }] },
          }),
        },
      ],
    });
    const answer = (await parsed(followUp)).flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(answer).toContain('"Jazz Night"');
    expect(answer).toContain('in Oslo');
    expect(server.lastRequest()?.openai?.messages.at(-1)).toMatchObject({ role: 'tool', toolCallId: id });
  });

  it('tool_choice none answers in text; response_format json_schema gets conforming JSON; max_tokens cuts with length', async () => {
    const none = await parsed(body('Any events?', { tools, tool_choice: 'none' }));
    expect(none.some((e) => e.type === 'tool-call')).toBe(false);
    const schema = { type: 'object', properties: { m1: { type: 'string' } }, required: ['m1'] };
    const json = await parsed(
      body('explain', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } }),
    );
    const text = json.flatMap((e) => (e.type === 'text-delta' ? [e.text] : [])).join('');
    expect(JSON.parse(text)).toEqual({ m1: expect.any(String) });
    expect((await parsed(body('a long question', { max_tokens: 5 }))).at(-1)).toMatchObject({ finishReason: 'length' });
  });
});

describe('requests it refuses, as the real servers do', () => {
  it('a tool call left unanswered, a tool message without its call, a wrong key, no messages: 400/401', async () => {
    const unanswered = await raw(
      body('x', {
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'user', content: 'y' },
        ],
      }),
    );
    expect(unanswered.status).toBe(400);
    expect(JSON.parse(unanswered.text).error.message).toMatch(/must be followed by tool messages/);
    const orphan = await raw(
      body('x', {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', tool_call_id: 'zz', content: '{}' },
        ],
      }),
    );
    expect(orphan.status).toBe(400);
    expect((await raw(body('x'), { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await raw({ model: 'm', messages: [], stream: true })).status).toBe(400);
    expect(server.requests().map((r) => r.auth)).toEqual(['none', 'none', undefined, 'none']);
  });
});

describe('dialects', () => {
  const queue = (dialect: OpenAiDialect, extra: object = {}) =>
    server.queue({
      dialect,
      reply: {
        kind: 'content',
        parts: [
          { type: 'text', chunks: ['Hi ', 'there'] },
          { type: 'functionCall', name: 'find_events', args: { limit: 2 } },
          { type: 'functionCall', name: 'suggest_people', args: { limit: 1 } },
        ],
      },
      ...extra,
    });

  it('llama.cpp: `: ` keep-alives before and between chunks, usage with timings', async () => {
    queue('llama.cpp');
    const { text } = await raw(body('hi', { tools }));
    expect(text.startsWith(': \n\n')).toBe(true);
    expect(text.match(/^: $/gm)?.length).toBeGreaterThan(3);
    const usage = JSON.parse(dataLines(text).at(-2)!);
    expect(usage).toMatchObject({
      choices: [],
      usage: { total_tokens: expect.any(Number) },
      timings: { predicted_n: expect.any(Number) },
    });
  });

  it('Ollama: both calls whole in ONE chunk on index 0, told apart by id; usage only when asked', async () => {
    queue('ollama');
    const { text } = await raw(body('hi', { tools }));
    const withCalls = dataLines(text)
      .filter((line) => line.includes('"tool_calls":['))
      .map((line) => JSON.parse(line));
    expect(withCalls).toHaveLength(1);
    const calls = withCalls[0].choices[0].delta.tool_calls;
    expect(calls.map((c: { index: number }) => c.index)).toEqual([0, 0]);
    expect(new Set(calls.map((c: { id: string }) => c.id)).size).toBe(2);
    queue('ollama');
    const quiet = await raw(body('hi', { stream_options: undefined }));
    expect(quiet.text).not.toContain('"usage"');
    queue('ollama');
    const events = await parsed(body('hi', { tools }));
    expect(events.filter((e) => e.type === 'tool-call').map((e) => (e as { name: string }).name)).toEqual([
      'find_events',
      'suggest_people',
    ]);
  });

  it('OpenRouter: `: OPENROUTER PROCESSING` first; an error after the 200 is a data event with finish_reason error', async () => {
    server.queue({
      dialect: 'openrouter',
      reply: { kind: 'default' },
      fault: { type: 'error-event', afterEvents: 1, code: 502 },
    });
    const { status, text } = await raw(body('hi'));
    expect(status).toBe(200);
    expect(text.startsWith(': OPENROUTER PROCESSING\n\n')).toBe(true);
    const last = JSON.parse(dataLines(text).at(-1)!);
    expect(last).toMatchObject({ error: { code: 502 }, choices: [{ finish_reason: 'error' }] });
    expect(text).not.toContain('[DONE]');
  });

  it('vLLM: a mid-stream error object followed by [DONE] (and the legacy bare object)', async () => {
    server.queue({
      dialect: 'vllm',
      reply: { kind: 'default' },
      fault: { type: 'error-event', afterEvents: 2, code: 400 },
    });
    const lines = dataLines((await raw(body('hi'))).text);
    expect(lines.at(-1)).toBe('[DONE]');
    expect(JSON.parse(lines.at(-2)!)).toMatchObject({ error: { object: 'error', code: 400, type: 'BadRequestError' } });
    server.queue({
      dialect: 'vllm-legacy',
      reply: { kind: 'default' },
      fault: { type: 'error-event', afterEvents: 0 },
    });
    expect(JSON.parse(dataLines((await raw(body('hi'))).text)[0])).toMatchObject({ object: 'error', code: 500 });
  });

  it('OpenAI: an HTTP 429 before the stream carries Retry-After; tool calls stream in fragments', async () => {
    server.queue({ reply: { kind: 'http-error', code: 429, retryDelaySeconds: 7 } });
    const limited = await raw(body('hi'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(JSON.parse(limited.text)).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
    queue('openai');
    const fragments = dataLines((await raw(body('hi', { tools }))).text).filter((line) => line.includes('"arguments"'));
    expect(fragments.length).toBeGreaterThan(4); // first fragment with the name, then argument pieces, per call
  });
});
