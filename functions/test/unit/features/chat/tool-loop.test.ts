// runToolLoop on the Gemini backend against a scripted transport and in-memory tools: what goes back to Gemini, the bounds,
// and the retry rule (a tool call is an answer: nothing is retried after it).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { newToolLoopProgress, runToolLoop, type ToolLoopInput } from '../../../../src/lib/features/chat/tool-loop.js';
import type { AnyChatTool } from '../../../../src/lib/features/chat/tools.js';
import { GeminiChatModel } from '../../../../src/lib/features/chat/backends/gemini-model.js';
import { GeminiHttpError } from '../../../../src/lib/platform/gemini/errors.js';
import type { StreamingContent } from '../../../../src/lib/platform/gemini/request-body.js';
import type { GeminiStreamRequest, GeminiTransport } from '../../../../src/lib/platform/gemini/streaming-client.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';

type Part = Record<string, unknown>;
type Reply = { chunks: Part[][]; usage?: number; failAfter?: number } | { reject: unknown };

const frame = (parts: Part[], last: boolean, usage = 10): string =>
  `data: ${JSON.stringify({
    candidates: [{ content: { role: 'model', parts }, ...(last ? { finishReason: 'STOP' } : {}) }],
    usageMetadata: { promptTokenCount: usage, candidatesTokenCount: 1, totalTokenCount: usage + 1 },
  })}\r\n\r\n`;

function scripted(...replies: Reply[]): GeminiTransport & { requests: GeminiStreamRequest[] } {
  const requests: GeminiStreamRequest[] = [];
  return {
    requests,
    fetch: async (request) => {
      requests.push(structuredClone({ ...request, signal: undefined }));
      const next = replies.shift();
      if (!next) throw new Error('no scripted reply left');
      if ('reject' in next) throw next.reject;
      const { chunks, failAfter, usage } = next;
      async function* body(): AsyncGenerator<Uint8Array> {
        for (const [index, parts] of chunks.entries()) {
          if (failAfter === index) throw new GeminiHttpError({ status: 503, retryAfterMs: 1 });
          yield Buffer.from(frame(parts, index === chunks.length - 1, usage));
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
const sleepy: AnyChatTool = {
  name: 'sleepy',
  description: 'Takes its time',
  args: z.object({}),
  run: (_args, ctx) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: true }), 5_000);
      ctx.signal.addEventListener('abort', () => clearTimeout(timer));
    }),
};

const delayed: AnyChatTool = {
  name: 'delayed',
  description: 'Answers after 30 ms',
  args: z.object({}),
  run: () => new Promise((resolve) => setTimeout(() => resolve({ late: true }), 30)),
};

const fc = (q: string, signature?: string): Part => ({
  functionCall: { name: 'lookup', args: { q } },
  ...(signature ? { thoughtSignature: signature } : {}),
});

function input(client: GeminiTransport, overrides: Partial<ToolLoopInput> = {}): ToolLoopInput {
  return {
    model: new GeminiChatModel(client),
    prompt: { model: 'm', request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, maxOutputTokens: 100 },
    tools: new Map([lookup, sleepy, delayed].map((tool) => [tool.name, tool])),
    uid: 'alice',
    timeZone: 'UTC',
    signal: new AbortController().signal,
    log: createLogger(),
    timeouts: { firstChunkMs: 2_000, idleMs: 2_000, totalMs: 10_000 },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 5_000 },
    limits: { maxModelCalls: 4, maxCallsPerStep: 5, toolTimeoutMs: 1_000, turnTimeoutMs: 10_000 },
    onText: () => undefined,
    ...overrides,
  };
}

const contentsOf = (request: GeminiStreamRequest) => (request.request as { contents: StreamingContent[] }).contents;

describe('runToolLoop', () => {
  it('sends back the thinking part and its signature that came before the call, then the response', async () => {
    const client = scripted(
      { chunks: [[{ text: 'thinking', thought: true, thoughtSignature: 'T' }], [fc('a', 'S')]] },
      { chunks: [[{ text: 'Done.' }]] },
    );
    const progress = newToolLoopProgress();
    await runToolLoop(input(client), progress);
    const [, follow] = client.requests;
    expect(contentsOf(follow).slice(1)).toEqual([
      {
        role: 'model',
        parts: [
          { text: 'thinking', thought: true, thoughtSignature: 'T' },
          { functionCall: { name: 'lookup', args: { q: 'a' } }, thoughtSignature: 'S' },
        ],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { result: { found: 'A' } } } }] },
    ]);
    expect(progress.text.join('')).toBe('Done.');
    expect(progress.exchange?.format).toBe('gemini');
    expect(progress.exchange?.contents).toHaveLength(3); // model call, response, final answer
    expect(progress.modelCalls).toBe(2);
    expect(progress.usage).toEqual({ promptTokens: 20, outputTokens: 2, totalTokens: 22 });
  });

  it('retries a failure before any call, but never after a call arrived', async () => {
    const before = scripted(
      { reject: new GeminiHttpError({ status: 503, retryAfterMs: 1 }) },
      { chunks: [[{ text: 'ok' }]] },
    );
    await runToolLoop(input(before), newToolLoopProgress());
    expect(before.requests).toHaveLength(2);

    ran.length = 0;
    const after = scripted(
      { chunks: [[fc('x')], [{ text: 'more' }]], failAfter: 1 },
      { chunks: [[{ text: 'never' }]] },
    );
    await expect(runToolLoop(input(after), newToolLoopProgress())).rejects.toThrow();
    expect(after.requests).toHaveLength(1);
  });

  it('runs at most maxCallsPerStep calls of one response; the rest are answered with an error', async () => {
    ran.length = 0;
    const calls = ['1', '2', '3'].map((q) => fc(q));
    const client = scripted({ chunks: [calls] }, { chunks: [[{ text: 'ok' }]] });
    const progress = newToolLoopProgress();
    await runToolLoop(input(client, { limits: { ...input(client).limits, maxCallsPerStep: 2 } }), progress);
    expect(ran.sort()).toEqual(['1', '2']);
    const responses = contentsOf(client.requests[1]).at(-1)!.parts;
    expect(responses.map((part) => (part.functionResponse as { response: unknown }).response)).toEqual([
      { result: { found: '1' } },
      { result: { found: '2' } },
      { error: { code: 'failed', message: 'Too many tool calls at once; this one was not run.' } },
    ]);
  });

  it('cuts a tool to what is left of the turn, and fails the turn at its deadline', async () => {
    const client = scripted(
      { chunks: [[{ functionCall: { name: 'sleepy', args: {} } }]] },
      { chunks: [[{ text: 'late' }]] },
    );
    const progress = newToolLoopProgress();
    const started = Date.now();
    const run = runToolLoop(
      input(client, { limits: { maxModelCalls: 4, maxCallsPerStep: 5, toolTimeoutMs: 5_000, turnTimeoutMs: 200 } }),
      progress,
    );
    await expect(run).rejects.toMatchObject({ name: 'ModelTimeoutError', phase: 'total' });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(progress.toolCalls[0].result).toEqual({
      error: { code: 'timeout', message: 'sleepy did not answer in time.' },
    });
  });

  it('a call followed by text in the same response: the text streams, and both go back in the model’s message', async () => {
    const client = scripted(
      { chunks: [[fc('a', 'S')], [{ text: 'Looking that up.' }]] },
      { chunks: [[{ text: ' Found.' }]] },
    );
    const progress = newToolLoopProgress();
    const streamed: string[] = [];
    await runToolLoop(input(client, { onText: (text) => void streamed.push(text) }), progress);
    expect(streamed.join('')).toBe('Looking that up. Found.');
    expect(contentsOf(client.requests[1]).at(-2)).toEqual({
      role: 'model',
      parts: [
        { functionCall: { name: 'lookup', args: { q: 'a' } }, thoughtSignature: 'S' },
        { text: 'Looking that up.' },
      ],
    });
  });

  it('keeps the calls in the order the model asked, whichever finished first', async () => {
    const client = scripted(
      { chunks: [[{ functionCall: { name: 'delayed', args: {} } }, fc('quick')]] },
      { chunks: [[{ text: 'ok' }]] },
    );
    const progress = newToolLoopProgress();
    const results: string[] = [];
    await runToolLoop(input(client, { onToolResult: (call) => void results.push(call.name) }), progress);
    expect(results).toEqual(['lookup', 'delayed']); // events go out as each finishes
    expect(progress.toolCalls.map((call) => call.name)).toEqual(['delayed', 'lookup']);
  });

  it('without tools: one call, no tools declared, no exchange kept', async () => {
    const client = scripted({ chunks: [[{ text: 'plain' }]] });
    const progress = newToolLoopProgress();
    await runToolLoop(input(client, { tools: new Map() }), progress);
    expect(client.requests[0].request).not.toHaveProperty('tools');
    expect(progress.exchange).toBeUndefined();
  });

  it('declares the tools on every call but the last, which has function calling off', async () => {
    const client = scripted({ chunks: [[fc('a')]] }, { chunks: [[fc('b')]] });
    const progress = newToolLoopProgress();
    await runToolLoop(input(client, { limits: { ...input(client).limits, maxModelCalls: 2 } }), progress);
    expect(client.requests.map((r) => (r.request as { toolConfig?: unknown }).toolConfig)).toEqual([
      undefined,
      { functionCallingConfig: { mode: 'NONE' } },
    ]);
    expect(progress.toolCalls.map((call) => call.args)).toEqual([{ q: 'a' }]);
  });
});
