// The Upstash REST stand-in's commands (upstash-rest.ts serves them over HTTP): JSON checked and turned
// into Redis arguments, run alone, as a pipeline or as a MULTI/EXEC transaction on the one shared ioredis
// connection, and the replies encoded as Upstash's JSON.
import type { Redis } from 'ioredis';
import type { LuaShebangCompat, PreparedCommand } from './upstash-lua.js';

/** Reported once per executed command: its upper-case name, never its arguments. */
export interface CommandEvent {
  command: string;
  ok: boolean;
  error?: string;
}

/** Commands that change or depend on per-connection state, which one shared connection cannot offer. */
const REFUSED_COMMANDS = new Set([
  'SELECT',
  'WATCH',
  'UNWATCH',
  'MULTI',
  'EXEC',
  'DISCARD',
  'AUTH',
  'HELLO',
  'RESET',
  'QUIT',
  'CLIENT',
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'UNSUBSCRIBE',
  'PUNSUBSCRIBE',
  'SUNSUBSCRIBE',
  'MONITOR',
  'SYNC',
  'PSYNC',
  'REPLICAOF',
  'SLAVEOF',
  'SHUTDOWN',
]);

/** A command as Redis arguments, or the error message explaining why the JSON is not one. */
export function parseCommand(value: unknown): string[] | string {
  if (!Array.isArray(value) || value.length === 0) return 'ERR command must be a non-empty JSON array';
  const args: string[] = [];
  for (const arg of value) {
    if (typeof arg === 'string') args.push(arg);
    else if (typeof arg === 'number' || typeof arg === 'boolean') args.push(String(arg));
    else return 'ERR command arguments must be strings, numbers or booleans';
  }
  if (args[0] === '') return 'ERR empty command name';
  args[0] = args[0].toUpperCase();
  if (REFUSED_COMMANDS.has(args[0])) {
    return `ERR command '${args[0]}' is not supported by the local Upstash REST endpoint`;
  }
  return args;
}

/** Raw Redis reply as ioredis' callBuffer returns it (Buffers, numbers, null, arrays, nested errors). */
export type RawReply = unknown;
type Entry = { result: RawReply } | { error: string };
export type ExecOutcome =
  { kind: 'ok'; replies: Entry[] } | { kind: 'aborted'; error: string } | { kind: 'unavailable'; error: string };

/** Upstash JSON for one reply: base64 (or UTF-8) strings, numbers and null as is, arrays recursively. */
function encodeReply(value: RawReply, base64: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) return base64 ? value.toString('base64') : value.toString('utf8');
  if (typeof value === 'string') return base64 ? Buffer.from(value, 'utf8').toString('base64') : value;
  if (Array.isArray(value)) return value.map((item) => encodeReply(item, base64));
  // An error nested inside an array (a Lua table holding redis.error_reply): keep its text.
  if (value instanceof Error) return encodeReply(value.message, base64);
  return encodeReply(String(value), base64);
}

export function encodeEntry(entry: Entry, base64: boolean): unknown {
  return 'error' in entry ? entry : { result: encodeReply(entry.result, base64) };
}

/** Redis' own error replies; anything else (closed socket, writes refused while offline) is "unavailable". */
function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

export class CommandExecutor {
  constructor(
    private readonly redis: Redis,
    private readonly scripts: LuaShebangCompat,
    private readonly onCommand?: (event: CommandEvent) => void,
  ) {}

  /** One command, a pipeline (not atomic) or a transaction (MULTI/EXEC), as one round trip. */
  async run(commands: string[][], atomic: boolean): Promise<ExecOutcome> {
    const prepared = commands.map((command) => this.scripts.prepare(command));
    const chain = atomic ? this.redis.multi() : this.redis.pipeline();
    for (const { args } of prepared) chain.callBuffer(args[0], args.slice(1));
    let results: [Error | null, unknown][] | null;
    try {
      results = await chain.exec();
    } catch (error) {
      // EXECABORT: Redis refused to queue a command, so none ran. ioredis keeps the causes.
      if (!isReplyError(error)) return unavailable(error);
      const causes = (error as Error & { previousErrors?: Error[] }).previousErrors ?? [];
      const detail = causes.length > 0 ? ` (${causes.map((cause) => cause.message).join('; ')})` : '';
      return { kind: 'aborted', error: `${error.message}${detail}` };
    }
    if (results === null) return unavailable(new Error('transaction returned no results'));
    const failure = results.find(([error]) => error !== null && !isReplyError(error));
    if (failure) return unavailable(failure[0]);
    return { kind: 'ok', replies: results.map(([error, result], i) => this.settle(prepared[i], error, result)) };
  }

  /** Turns one Redis outcome into an Upstash entry, applying script bookkeeping and the observer. */
  private settle(prepared: PreparedCommand, error: Error | null, result: RawReply): Entry {
    this.onCommand?.({ command: prepared.args[0], ok: error === null, ...(error ? { error: error.message } : {}) });
    if (error) return { error: error.message };
    return { result: prepared.mapReply ? prepared.mapReply(result) : result };
  }
}

function unavailable(error: unknown): { kind: 'unavailable'; error: string } {
  return { kind: 'unavailable', error: `ERR redis unavailable: ${errorMessage(error)}` };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
