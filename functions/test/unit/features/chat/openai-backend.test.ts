// Chat on the OpenAI-compatible backend through the tool loop, against a scripted transport that
// answers with each server dialect's bytes: what goes over the wire (messages, tools, the follow-up
// with tool_calls and tool messages), what is stored, and the retry rule.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildMessages } from '../../../../src/lib/features/chat/backends/openai-prompt.js';
import { OpenAiChatModel } from '../../../../src/lib/features/chat/backends/openai-model.js';
import { newToolLoopProgress, runToolLoop, type ToolLoopInput } from '../../../../src/lib/features/chat/tool-loop.js';
import type { AnyChatTool } from '../../../../src/lib/features/chat/tools.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';
import { OpenAiApiError } from '../../../../src/lib/platform/openai/errors.js';
import type { ChatCompletionRequest } from '../../../../src/lib/platform/openai/request-body.js';
import type { OpenAiTransport } from '../../../../src/lib/platform/openai/streaming-client.js';

type Reply = { events: Array<object | string> } | { reject: unknown };

const delta = (d: object, finish: string | null = null) => ({
  id: 'c',
  model: 'served-model',
  choices: [{ index: 0, delta: d, finish_reason: finish }],
});
const usage = {
  id: 'c',
  model: 'served-model',
  choices: [],
  usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
};
const text = (...pieces: string[]): Reply => ({
  events: [...pieces.map((piece) => delta({ content: piece })), delta({}, 'stop'), usage, '[DONE]'],
});

function scripted(...replies: Reply[]): OpenAiTransport & { requests: ChatCompletionRequest[] } {
  const requests: ChatCompletionRequest[] = [];
  return {
    requests,
    fetch: async ({ request }) => {
      requests.push(structuredClone(request));
      const next = replies.shift();
      if (!next) throw new Error('no scripted reply left');
      if ('reject' in next) throw next.reject;
      const { events } = next;
      async function* body(): AsyncGenerator<Uint8Array> {
        for (const event of events) {
          yield Buffer.from(
            typeof event === 'string'
              ? event.startsWith(':')
                ? `${event}\n\n`
                : `data: ${event}\n\n`
              : `data: ${JSON.stringify(event)}\n\n`,
          );
        }
      }
      return { status: 200, headers: new Headers(), body: body() };
    },
  };
}

const ran: string[] = [];
const lookup: AnyChatTool = {
  name: 'lookup',
  description: 'Looks up',
  args: z.object({ q: z.string() }),
  run: async ({ q }: { q: string }) => {
    ran.push(q);
    return { found: q.toUpperCase() };
  },
};

function input(
  transport: OpenAiTransport,
  overrides: Partial<ToolLoopInput> = {},
  history: Parameters<typeof buildMessages>[0] = [],
) {
  const model = new OpenAiChatModel(transport);
  const prompt = model.prompt({
    model: 'llama-test',
    settings: { maxOutputTokens: 64 },
    profile: { displayName: 'Ana' },
    history,
    message: 'any events?',
    toolNames: ['lookup'],
  });
  const billed: number[] = [];
  const loop: ToolLoopInput = {
    model,
    prompt,
    tools: new Map([[lookup.name, lookup]]),
    uid: 'alice',
    timeZone: 'UTC',
    signal: new AbortController().signal,
    log: createLogger(),
    timeouts: { firstChunkMs: 2_000, idleMs: 2_000, totalMs: 10_000 },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 5_000 },
    limits: { maxModelCalls: 3, maxCallsPerStep: 5, toolTimeoutMs: 1_000, turnTimeoutMs: 10_000 },
    onText: () => undefined,
    budget: { chargeTokens: async (tokens) => void billed.push(tokens), chargeCost: async () => undefined },
    ...overrides,
  };
  return { loop, billed };
}

describe('the OpenAI-compatible prompt', () => {
  it('sends the system instruction, alternating history and the message, with streaming usage asked for', async () => {
    const transport = scripted(text('Hi'));
    const { loop } = input(transport, { tools: new Map() }, [
      { role: 'assistant', text: 'leading reply is dropped' },
      { role: 'user', text: 'a' },
      { role: 'user', text: 'b' },
      { role: 'assistant', text: 'reply' },
    ]);
    await runToolLoop(loop, newToolLoopProgress());
    const [sent] = transport.requests;
    expect(sent).toMatchObject({
      model: 'llama-test',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.7,
      top_p: 0.8,
      max_tokens: 64,
    });
    expect(sent.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('"displayName":"Ana"') });
    expect(sent.messages.slice(1)).toEqual([
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: 'reply' },
      { role: 'user', content: 'any events?' },
    ]);
    expect(sent).not.toHaveProperty('tools');
  });

  it('replays its own stored exchange, and one Gemini wrote as the reply text', () => {
    const exchange = [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"result":{"found":"X"}}' },
      { role: 'assistant', content: 'Found X.' },
    ];
    const gemini = [{ role: 'model', parts: [{ functionCall: { name: 'lookup', args: {} }, thoughtSignature: 'S' }] }];
    expect(
      buildMessages(
        [
          { role: 'user', text: 'x?' },
          { role: 'assistant', text: 'Found X.', exchange: { format: 'openai-compatible', contents: exchange } },
          { role: 'user', text: 'y?' },
          { role: 'assistant', text: 'Found Y.', exchange: { format: 'gemini', contents: gemini } },
        ],
        'thanks',
      ),
    ).toEqual([
      { role: 'user', content: 'x?' },
      ...exchange,
      { role: 'user', content: 'y?' },
      { role: 'assistant', content: 'Found Y.' },
      { role: 'user', content: 'thanks' },
    ]);
  });
});

describe('tools on the OpenAI-compatible backend', () => {
  it('declares OpenAI tools, assembles streamed calls, and follows up with tool_calls then one tool message per call', async () => {
    ran.length = 0;
    const transport = scripted(
      {
        events: [
          ': keep-alive',
          delta({ role: 'assistant', content: null }),
          delta({
            tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '' } }],
          }),
          delta({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
          delta({ tool_calls: [{ index: 0, function: { arguments: '"jazz"}' } }] }),
          delta({
            tool_calls: [
              { index: 1, id: 'call_b', type: 'function', function: { name: 'lookup', arguments: '{"q":"rock"}' } },
            ],
          }),
          delta({}, 'tool_calls'),
          usage,
          '[DONE]',
        ],
      },
      text('Jazz and ', 'rock.'),
    );
    const progress = newToolLoopProgress();
    const calls: string[] = [];
    const { loop, billed } = input(transport, { onToolCall: (call) => void calls.push(call.id) });
    const end = await runToolLoop(loop, progress);
    expect(end).toMatchObject({
      finishReason: 'STOP',
      model: 'served-model',
      usage: { promptTokens: 20, outputTokens: 5, totalTokens: 25 },
    });
    expect(ran.sort()).toEqual(['jazz', 'rock']);
    expect(calls).toEqual(['call_a', 'call_b']);
    const [first, follow] = transport.requests;
    expect(first.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'lookup',
          description: 'Looks up',
          parameters: expect.objectContaining({ type: 'object', required: ['q'] }),
        },
      },
    ]);
    expect(first).not.toHaveProperty('tool_choice');
    expect(follow.messages.slice(-3)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '{"q":"jazz"}' } },
          { id: 'call_b', type: 'function', function: { name: 'lookup', arguments: '{"q":"rock"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"result":{"found":"JAZZ"}}' },
      { role: 'tool', tool_call_id: 'call_b', content: '{"result":{"found":"ROCK"}}' },
    ]);
    expect(progress.text.join('')).toBe('Jazz and rock.');
    expect(progress.exchange?.format).toBe('openai-compatible');
    expect(progress.exchange?.contents.at(-1)).toEqual({ role: 'assistant', content: 'Jazz and rock.' });
    expect(billed).toEqual([25, 25]);
  });

  it('Ollama: whole calls reusing index 0, no ids for one of them; ids are made unique for the follow-up', async () => {
    ran.length = 0;
    const transport = scripted(
      {
        events: [
          delta({
            tool_calls: [
              { id: 'call_1', index: 0, type: 'function', function: { name: 'lookup', arguments: '{"q":"a"}' } },
              { id: 'call_2', index: 0, type: 'function', function: { name: 'lookup', arguments: '{"q":"b"}' } },
            ],
          }),
          delta({}, 'tool_calls'),
          '[DONE]',
        ],
      },
      text('ok'),
    );
    const { loop, billed } = input(transport);
    await runToolLoop(loop, newToolLoopProgress());
    expect(ran.sort()).toEqual(['a', 'b']);
    const toolMessages = transport.requests[1].messages.filter((message) => message.role === 'tool');
    expect(toolMessages.map((message) => (message as { tool_call_id: string }).tool_call_id)).toEqual([
      'call_1',
      'call_2',
    ]);
    // Ollama sent no usage for the first call: it is charged an estimate, never nothing.
    expect(billed[0]).toBeGreaterThan(0);
  });

  it('the last call has tool_choice none; a call it makes anyway is not run and not kept', async () => {
    ran.length = 0;
    const call = (q: string): Reply => ({
      events: [
        delta({
          tool_calls: [{ index: 0, id: `id-${q}`, function: { name: 'lookup', arguments: JSON.stringify({ q }) } }],
        }),
        delta({}, 'tool_calls'),
        '[DONE]',
      ],
    });
    const transport = scripted(call('one'), call('two'));
    const progress = newToolLoopProgress();
    const { loop } = input(transport, {
      limits: { maxModelCalls: 2, maxCallsPerStep: 5, toolTimeoutMs: 1_000, turnTimeoutMs: 10_000 },
    });
    await runToolLoop(loop, progress);
    expect(transport.requests.map((request) => request.tool_choice)).toEqual([undefined, 'none']);
    expect(ran).toEqual(['one']);
    expect(progress.exchange?.contents.at(-1)).toEqual({ role: 'assistant', content: '' });
  });
});

describe('retries and failures on the OpenAI-compatible backend', () => {
  it('retries a 429 before the first token with its Retry-After, then streams', async () => {
    const transport = scripted({ reject: new OpenAiApiError({ status: 429, retryAfterMs: 5 }) }, text('ok'));
    const retries: unknown[] = [];
    const { loop } = input(transport, { tools: new Map(), onRetry: ({ delayMs }) => void retries.push(delayMs) });
    await runToolLoop(loop, newToolLoopProgress());
    expect(transport.requests).toHaveLength(2);
    expect(retries).toEqual([5]);
  });

  it('a vLLM error object after the first token fails the turn, with no second attempt', async () => {
    const error = { object: 'error', message: 'engine died', type: 'InternalServerError', code: 500 };
    const transport = scripted({ events: [delta({ content: 'Par' }), { error }, '[DONE]'] }, text('never'));
    const progress = newToolLoopProgress();
    const { loop } = input(transport, { tools: new Map() });
    await expect(runToolLoop(loop, progress)).rejects.toMatchObject({ name: 'OpenAiApiError', status: 500 });
    expect(transport.requests).toHaveLength(1);
    expect(progress.text).toEqual(['Par']);
  });

  it('an OpenRouter error event before any token is retried like a 5xx', async () => {
    const transport = scripted(
      { events: [': OPENROUTER PROCESSING', { error: { code: 502, message: 'Provider returned error' } }] },
      text('ok'),
    );
    const progress = newToolLoopProgress();
    await runToolLoop(input(transport, { tools: new Map() }).loop, progress);
    expect(transport.requests).toHaveLength(2);
    expect(progress.text).toEqual(['ok']);
  });

  it('length is MAX_TOKENS; content_filter is a content stop (blocked)', async () => {
    const cut = scripted({ events: [delta({ content: 'long' }), delta({}, 'length'), '[DONE]'] });
    expect(await runToolLoop(input(cut, { tools: new Map() }).loop, newToolLoopProgress())).toMatchObject({
      finishReason: 'MAX_TOKENS',
    });
    const filtered = scripted({ events: [delta({ content: 'bad' }), delta({}, 'content_filter'), '[DONE]'] });
    const end = await runToolLoop(input(filtered, { tools: new Map() }).loop, newToolLoopProgress());
    expect(end.finishReason).toBe('SAFETY');
    expect(end.blocked).toMatchObject({
      name: 'OpenAiBlockedError',
      code: 'REPLY_BLOCKED',
      blockReason: 'content_filter',
    });
  });
});
