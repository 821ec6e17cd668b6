// runToolCall: every way a call can go wrong becomes an outcome the model reads, never a throw (except
// when the client has left); declarations are the zod schemas as JSON Schema.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  toolDeclarations,
  MAX_TOOL_RESULT_CHARS,
  runToolCall,
  type AnyChatTool,
} from '../../../../src/lib/features/chat/tools.js';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';

const echo: AnyChatTool = {
  name: 'echo',
  description: 'Echoes',
  args: z.object({ word: z.string().max(5), times: z.number().int().min(1).max(3).default(1) }).strict(),
  run: async (args: { word: string; times: number }, ctx) => ({
    words: Array(args.times).fill(args.word),
    uid: ctx.uid,
    timeZone: ctx.timeZone,
  }),
};
const slow: AnyChatTool = {
  name: 'slow',
  description: 'Never answers',
  args: z.object({}),
  run: () => new Promise(() => undefined),
};
const broken: AnyChatTool = {
  name: 'broken',
  description: 'Fails',
  args: z.object({}),
  run: async () => {
    throw new Error('secret internal detail');
  },
};
const refuses: AnyChatTool = {
  name: 'refuses',
  description: 'A presentable refusal',
  args: z.object({}),
  run: async () => {
    throw new HttpError(404, 'profile_not_found', 'No profile for this account.');
  },
};
const huge: AnyChatTool = {
  name: 'huge',
  description: 'Too much',
  args: z.object({}),
  run: async () => ({ text: 'x'.repeat(MAX_TOOL_RESULT_CHARS) }),
};
const tools = new Map([echo, slow, broken, refuses, huge].map((tool) => [tool.name, tool]));
const options = (signal = new AbortController().signal, timeoutMs = 50) => ({
  uid: 'alice',
  timeZone: 'Europe/Lisbon',
  signal,
  timeoutMs,
  log: createLogger(),
});

describe('runToolCall', () => {
  it('runs a known tool with parsed args (defaults applied), the caller uid and their zone', async () => {
    expect(await runToolCall(tools, { name: 'echo', args: { word: 'hi' } }, options())).toEqual({
      ok: true,
      result: { words: ['hi'], uid: 'alice', timeZone: 'Europe/Lisbon' },
    });
  });

  it('names an unknown tool and lists the known ones', async () => {
    const outcome = await runToolCall(tools, { name: 'drop_tables', args: {} }, options());
    expect(outcome).toEqual({
      ok: false,
      error: {
        code: 'unknown_tool',
        message: 'No tool named "drop_tables". Tools: echo, slow, broken, refuses, huge.',
      },
    });
  });

  it('refuses bad arguments with each problem named, without running the tool', async () => {
    const outcome = await runToolCall(
      tools,
      { name: 'echo', args: { word: 'toolong', times: 9, extra: 1 } },
      options(),
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('invalid_arguments');
    expect(outcome.error.message).toMatch(/word:/);
    expect(outcome.error.message).toMatch(/times:/);
    expect(outcome.error.message).toMatch(/extra/);
    for (const args of [null, 'text', [1]]) {
      const again = await runToolCall(tools, { name: 'echo', args }, options());
      expect(again.ok === false && again.error.code).toBe('invalid_arguments');
    }
  });

  it('answers a tool that never returns with a timeout, on time', async () => {
    expect(await runToolCall(tools, { name: 'slow', args: {} }, options(undefined, 20))).toEqual({
      ok: false,
      error: { code: 'timeout', message: 'slow did not answer in time.' },
    });
  });

  it('hides internals of a failure, but relays a presentable refusal', async () => {
    const failed = await runToolCall(tools, { name: 'broken', args: {} }, options());
    expect(failed).toEqual({ ok: false, error: { code: 'failed', message: 'broken failed. Try again later.' } });
    const refused = await runToolCall(tools, { name: 'refuses', args: {} }, options());
    expect(refused).toEqual({ ok: false, error: { code: 'failed', message: 'No profile for this account.' } });
  });

  it('refuses a result too large to store and replay', async () => {
    const outcome = await runToolCall(tools, { name: 'huge', args: {} }, options());
    expect(outcome.ok === false && outcome.error.code).toBe('result_too_large');
  });

  it('throws when the client has left (nobody would read the outcome)', async () => {
    const controller = new AbortController();
    const leaving: AnyChatTool = {
      name: 'leaving',
      description: 'Fails once the signal aborts',
      args: z.object({}),
      run: (_args, ctx) =>
        new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    };
    const running = runToolCall(
      new Map([['leaving', leaving]]),
      { name: 'leaving', args: {} },
      options(controller.signal, 1000),
    );
    controller.abort();
    await expect(running).rejects.toThrow('aborted');
  });
});

describe('toolDeclarations', () => {
  it('sends the zod schema as JSON Schema (no $schema key), defaults optional', () => {
    const [declaration] = toolDeclarations([echo]);
    expect(declaration.name).toBe('echo');
    expect(declaration.parameters).not.toHaveProperty('$schema');
    expect(declaration.parameters).toMatchObject({
      type: 'object',
      properties: { word: { type: 'string', maxLength: 5 }, times: { type: 'integer', minimum: 1, maximum: 3 } },
      required: ['word'],
    });
  });
});
