// The assistant's tools as chat sees them: a name, a description and a JSON Schema for the model, a zod
// schema for the arguments, and a function run with the caller's identity. Chat knows nothing of what
// a tool does; the tools themselves are composed outside the feature (src/lib/assistant-tools), over
// matching. runToolCall is the one place a call is checked and bounded: whatever goes wrong (unknown
// name, bad arguments, a timeout, a failure, an oversized result) becomes an error the model reads in
// its tool result, never a failed request.
import { toJSONSchema, type core } from 'zod/mini';
import { check } from '../../platform/validation.js';
import { isHttpError } from '../../platform/http/errors.js';
import { describeError, type Logger } from '../../platform/logging.js';
import type { ToolDeclaration } from './backends/chat-model.js';

export interface ToolContext {
  uid: string;
  /** The caller's IANA zone this turn (UTC when unknown): dates in arguments and times in results use it. */
  timeZone: string;
  /** Aborts on client disconnect or when the tool's time is up; pass it to every read. */
  signal: AbortSignal;
  log: Logger;
}

export interface ChatTool<Args = unknown> {
  /** The contract the model calls by (find_events, suggest_people, get_event). */
  name: string;
  description: string;
  args: core.$ZodType<Args>;
  run(args: Args, ctx: ToolContext): Promise<Record<string, unknown>>;
}

/** A tool with its argument type erased, as a list of them holds it. */
export type AnyChatTool = ChatTool<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type ToolErrorCode = 'unknown_tool' | 'invalid_arguments' | 'timeout' | 'failed' | 'result_too_large';

export interface ToolError {
  code: ToolErrorCode;
  message: string;
}

/** What one call produced: the result the app renders, or the error the model is told about. */
export type ToolOutcome = { ok: true; result: Record<string, unknown> } | { ok: false; error: ToolError };

/** A result larger than this (JSON characters) is refused: it is stored with the message and replayed. */
export const MAX_TOOL_RESULT_CHARS = 8_000;

/**
 * The declarations every backend sends (as Gemini functionDeclarations or OpenAI tools), derived from
 * the same zod schemas the arguments are checked with.
 */
export function toolDeclarations(tools: readonly AnyChatTool[]): ToolDeclaration[] {
  return tools.map((tool) => {
    const { $schema: _dialect, ...schema } = toJSONSchema(tool.args, { io: 'input' }) as Record<string, unknown>;
    return { name: tool.name, description: tool.description, parameters: schema };
  });
}

/** At most this many issues reach the model; each names the argument and what is wrong with it. */
const MAX_ISSUES = 5;

function argumentProblems(error: core.$ZodError): string {
  return error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`)
    .join('; ');
}

class ToolTimeout extends Error {}

export interface RunToolCallOptions {
  uid: string;
  timeZone: string;
  /** The turn's signal (client disconnect); the call gets its own deadline on top. */
  signal: AbortSignal;
  timeoutMs: number;
  log: Logger;
}

export async function runToolCall(
  tools: ReadonlyMap<string, AnyChatTool>,
  call: { name: string; args: unknown },
  options: RunToolCallOptions,
): Promise<ToolOutcome> {
  const tool = tools.get(call.name);
  if (!tool) {
    const known = [...tools.keys()].join(', ');
    return { ok: false, error: { code: 'unknown_tool', message: `No tool named "${call.name}". Tools: ${known}.` } };
  }
  const parsed = check(tool.args, call.args);
  if (!parsed.success) {
    return { ok: false, error: { code: 'invalid_arguments', message: argumentProblems(parsed.error) } };
  }

  const deadline = new AbortController();
  const signal = AbortSignal.any([options.signal, deadline.signal]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      deadline.abort(new ToolTimeout());
      reject(new ToolTimeout());
    }, options.timeoutMs);
  });
  try {
    // The race: a tool that ignores its signal still answers the model in time.
    const result = await Promise.race([
      tool.run(parsed.data, { uid: options.uid, timeZone: options.timeZone, signal, log: options.log }),
      timedOut,
    ]);
    if (JSON.stringify(result).length > MAX_TOOL_RESULT_CHARS) {
      return { ok: false, error: { code: 'result_too_large', message: 'The result was too large; ask for fewer.' } };
    }
    return { ok: true, result };
  } catch (error) {
    if (error instanceof ToolTimeout) {
      return { ok: false, error: { code: 'timeout', message: `${tool.name} did not answer in time.` } };
    }
    if (options.signal.aborted) throw error; // the client left: the turn ends, nobody reads this
    // A refusal meant for people (e.g. 404 profile_not_found) is presentable; the model may relay it.
    if (isHttpError(error) && error.status < 500) {
      return { ok: false, error: { code: 'failed', message: error.message } };
    }
    options.log.warn('assistant tool failed', { tool: tool.name, error: describeError(error, { stack: false }) });
    // Internals stay in the log; the model only learns that it failed.
    return { ok: false, error: { code: 'failed', message: `${tool.name} failed. Try again later.` } };
  } finally {
    clearTimeout(timer);
  }
}
