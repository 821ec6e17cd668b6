// The tool loop through the backend-neutral seam only: a fake backend that speaks neutral events and
// keeps its exchange as a list of strings. What the loop asks of a backend is all it can rely on.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type {
  ChatModel,
  ChatPrompt,
  ModelCall,
  ModelEvent,
  ModelExchange,
  ModelResponse,
  ToolDeclaration,
} from '../../../../src/lib/features/chat/backends/chat-model.js';
import { newToolLoopProgress, runToolLoop, type ToolLoopInput } from '../../../../src/lib/features/chat/tool-loop.js';
import type { AnyChatTool } from '../../../../src/lib/features/chat/tools.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';

class FakeResponse implements ModelResponse {
  readonly calls: ModelCall[] = [];
  text = '';
  constructor(private readonly prefix: string) {}
  add(event: Parameters<ModelResponse['add']>[0]): ModelCall | undefined {
    if (event.type === 'text') {
      this.text += event.text;
      return undefined;
    }
    const call = { id: event.id ?? `${this.prefix}-${this.calls.length + 1}`, name: event.name, args: event.args };
    this.calls.push(call);
    return call;
  }
}

/** Each open() plays the next script; the exchange is lines of text, the request the lines so far. */
function fakeModel(scripts: ModelEvent[][]) {
  const requests: Array<{ lines: string[]; last: boolean; tools: string[] }> = [];
  const model: ChatModel = {
    backend: 'openai-compatible',
    prompt: (input) => ({ model: input.model, request: [`user: ${input.message}`], maxOutputTokens: 40 }),
    exchange(prompt: ChatPrompt, tools: readonly ToolDeclaration[]): ModelExchange {
      const lines: string[] = [];
      return {
        request: (last) => {
          requests.push({ lines: [...lines], last, tools: tools.map((tool) => tool.name) });
          return { ...prompt, request: [...(prompt.request as string[]), ...lines] };
        },
        response: (prefix) => new FakeResponse(prefix),
        addToolResults: (response, outcomes) => {
          lines.push(`calls: ${response.calls.map((call) => call.id).join(',')}`);
          for (const call of response.calls) lines.push(`${call.id} -> ${JSON.stringify(outcomes.get(call.id))}`);
        },
        addFinalAnswer: (response) => {
          if (lines.length > 0) lines.push(`final: ${(response as FakeResponse).text}`);
        },
        stored: () => (lines.length > 0 ? { format: 'openai-compatible', contents: [...lines] } : undefined),
      };
    },
    open: async () => {
      const events = scripts.shift() ?? [];
      return (async function* () {
        yield* events;
      })();
    },
  };
  return { model, requests };
}

const echo: AnyChatTool = {
  name: 'echo',
  description: 'Echoes',
  args: z.object({ word: z.string() }),
  run: async ({ word }: { word: string }) => ({ echoed: word }),
};

function input(model: ChatModel, billed: number[]): ToolLoopInput {
  return {
    model,
    prompt: model.prompt({
      model: 'm',
      settings: { maxOutputTokens: 40 },
      profile: undefined,
      history: [],
      message: 'hi',
    }),
    tools: new Map([[echo.name, echo]]),
    uid: 'u1',
    timeZone: 'UTC',
    signal: new AbortController().signal,
    log: createLogger(),
    timeouts: { firstChunkMs: 2_000, idleMs: 2_000, totalMs: 5_000 },
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 1_000 },
    limits: { maxModelCalls: 3, maxCallsPerStep: 5, toolTimeoutMs: 1_000, turnTimeoutMs: 5_000 },
    onText: () => undefined,
    budget: { chargeTokens: async (tokens) => void billed.push(tokens), chargeCost: async () => undefined },
  };
}

describe('the tool loop over any backend', () => {
  it('runs calls from neutral events, hands outcomes to the exchange, and stores what it kept', async () => {
    const usage = { promptTokens: 10, outputTokens: 2, totalTokens: 12 };
    const { model, requests } = fakeModel([
      [
        { type: 'tool-call', id: 'srv-1', name: 'echo', args: { word: 'a' } },
        { type: 'tool-call', name: 'echo', args: { word: 7 } },
        { type: 'done', finishReason: 'STOP', usage, model: 'served-model' },
      ],
      [
        { type: 'text', text: 'Done.' },
        { type: 'done', finishReason: 'STOP', usage, model: 'served-model' },
      ],
    ]);
    const progress = newToolLoopProgress();
    const billed: number[] = [];
    const end = await runToolLoop(input(model, billed), progress);
    expect(end).toMatchObject({ finishReason: 'STOP', model: 'served-model' });
    expect(requests.map((r) => [r.last, r.tools])).toEqual([
      [false, ['echo']],
      [false, ['echo']],
    ]);
    expect(progress.exchange).toEqual({
      format: 'openai-compatible',
      contents: [
        'calls: srv-1,c1-2',
        'srv-1 -> {"ok":true,"result":{"echoed":"a"}}',
        'c1-2 -> {"ok":false,"error":{"code":"invalid_arguments","message":"word: Invalid input: expected string, received number"}}',
        'final: Done.',
      ],
    });
    expect(progress.usage).toEqual({ promptTokens: 20, outputTokens: 4, totalTokens: 24 });
    expect(billed).toEqual([12, 12]);
  });

  it('charges an estimate for a call whose server reported no usage (prompt and what it wrote)', async () => {
    const text = 'x'.repeat(400);
    const { model } = fakeModel([
      [
        { type: 'text', text },
        { type: 'done', finishReason: 'STOP', usage: undefined, model: undefined },
      ],
    ]);
    const billed: number[] = [];
    await runToolLoop(input(model, billed), newToolLoopProgress());
    // The request's JSON (["user: hi"], 12 characters) is 3 tokens; 400 characters written are 100.
    expect(billed).toEqual([3 + 100]);
  });
});
