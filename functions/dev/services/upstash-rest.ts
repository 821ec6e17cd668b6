/**
 * A local stand-in for Upstash's REST API, in front of a real Redis, so `@upstash/redis` and
 * `@upstash/ratelimit` run unchanged in tests and the local stack:
 *
 *   const rest = await startUpstashRest({ redisUrl: redis.url, token: 'dev-token' });
 *   const client = new Redis({ url: rest.url, token: rest.token });   // @upstash/redis
 *
 * Protocol, as parsed by @upstash/redis 1.39 (dist/nodejs.js, HttpClient.request):
 * - `POST /` body `["SET","k","v"]` -> 200 `{"result":...}`; a command error -> 400 `{"error":"ERR ..."}`
 *   (the client throws UpstashError on any non-2xx, reading `error` from the JSON body).
 * - `POST /pipeline` body `[[cmd...],...]` -> 200 `[{"result":...}|{"error":"..."},...]`, not atomic.
 * - `POST /multi-exec` -> same shape, atomic (MULTI/EXEC); a command Redis refuses to queue aborts
 *   the whole transaction -> 400 `{"error":"EXECABORT ..."}`.
 * - `Authorization: Bearer <token>` -> otherwise 401 `{"error":"Unauthorized"}`.
 * - `Upstash-Encoding: base64` -> every string in `result` is base64 of its bytes, recursively in
 *   arrays; numbers and null as is. Without the header, strings are plain UTF-8.
 * - Path form for curl: `GET /get/key`, `POST /set/key` with the value as raw body.
 *
 * Lua: @upstash/ratelimit scripts start with `#!lua flags=allow-key-locking`, a flag only Upstash
 * knows (Redis 7.0: "Unexpected flag in script shebang"). We strip it and remember
 * sha1(original) -> sha1(stripped), so EVALSHA/SCRIPT LOAD/SCRIPT EXISTS work with the shas the
 * client precomputed; an original sha we have not seen yet gives NOSCRIPT, the client falls back to
 * EVAL, and that EVAL registers the mapping.
 *
 * Limits: one shared Redis connection, so connection-state commands (SELECT, WATCH, SUBSCRIBE, ...)
 * are refused, and a long blocking command (BLPOP 0) would stall other requests. Nothing is logged:
 * neither the token nor command arguments.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

export interface UpstashRestOptions {
  redisUrl: string;
  token: string;
  /** Port on 127.0.0.1; by default the OS picks a free one. */
  port?: number;
  /** Largest accepted request body; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Observer called once per executed command with its upper-case name (never its arguments). */
  onCommand?: (event: CommandEvent) => void;
}

export interface CommandEvent {
  command: string;
  ok: boolean;
  error?: string;
}

export interface UpstashRestServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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

/** Shebang flags only Upstash understands; open-source Redis rejects the whole script for them. */
const UPSTASH_ONLY_SCRIPT_FLAGS = new Set(['allow-key-locking']);

export async function startUpstashRest(options: UpstashRestOptions): Promise<UpstashRestServer> {
  // ioredis rather than a hand-written RESP client: reconnects, pipelining and MULTI come tested.
  // Commands go through callBuffer with UPPER-CASE names: ioredis reshapes replies of a few
  // lower-case names (hgetall -> object), and Buffers keep binary values intact for base64.
  // No offline queue: while Redis is down, requests fail at once (503) instead of hanging.
  const redis = new Redis(options.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', () => {
    // Connection errors surface per request as 503; without a listener ioredis would log them.
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect(); // stop ioredis' background reconnect attempts
    throw new Error(`startUpstashRest: cannot connect to redis: ${errorMessage(error)}`, { cause: error });
  }

  const executor = new CommandExecutor(redis, new LuaShebangCompat(), options.onCommand);
  const expectedTokenDigest = sha256(options.token);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const server = createServer((req, res) => {
    handleRequest(req, res, { executor, expectedTokenDigest, maxBodyBytes }).catch((error: unknown) => {
      sendJson(res, 500, { error: `ERR internal error: ${errorMessage(error)}` });
    });
  });
  server.requestTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    token: options.token,
    stop: () => {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // fetch keeps connections alive; close them or server.close() waits for their timeout.
        server.closeAllConnections();
        await closed;
        await redis.quit().catch(() => redis.disconnect());
      })();
      return stopping;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface HandlerContext {
  executor: CommandExecutor;
  expectedTokenDigest: Buffer;
  maxBodyBytes: number;
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  if (!hasValidToken(req, ctx.expectedTokenDigest)) {
    sendJson(res, 401, { error: 'Unauthorized' });
    return;
  }
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  const isBatch = pathname === '/pipeline' || pathname === '/multi-exec';
  if (req.method !== 'POST' && !(req.method === 'GET' && !isBatch && pathname !== '/')) {
    sendJson(res, 405, { error: `ERR method ${req.method} not allowed on ${pathname}` });
    return;
  }
  const body = await readBody(req, ctx.maxBodyBytes);
  if (body === 'too-large') {
    sendJson(res, 413, { error: `ERR request body exceeds ${ctx.maxBodyBytes} bytes` });
    return;
  }
  const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';

  if (pathname === '/' || isBatch) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      sendJson(res, 400, { error: 'ERR request body is not valid JSON' });
      return;
    }
    if (pathname === '/') await reply(res, ctx.executor, [parsed], 'single', base64);
    else if (Array.isArray(parsed) && parsed.length > 0) await reply(res, ctx.executor, parsed, pathname, base64);
    else sendJson(res, 400, { error: 'ERR body must be a non-empty array of commands' });
    return;
  }
  // Path form: every path segment is an argument; a POST body is one more (the value).
  let command: string[];
  try {
    command = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    sendJson(res, 400, { error: 'ERR malformed percent-encoding in path' });
    return;
  }
  if (body.length > 0) command.push(body.toString('utf8'));
  await reply(res, ctx.executor, [command], 'single', base64);
}

type Mode = 'single' | '/pipeline' | '/multi-exec';

async function reply(res: ServerResponse, executor: CommandExecutor, body: unknown[], mode: Mode, base64: boolean) {
  const commands = body.map(parseCommand);
  const invalid = commands.findIndex((command) => typeof command === 'string');
  if (invalid >= 0) {
    // Checked before anything runs, so a malformed batch (or transaction) has no partial effect.
    const prefix = mode === 'single' ? '' : `command ${invalid + 1}: `;
    sendJson(res, 400, { error: `${prefix}${commands[invalid]}` });
    return;
  }
  const outcome = await executor.run(commands as string[][], mode === '/multi-exec');
  if (outcome.kind !== 'ok') sendJson(res, outcome.kind === 'aborted' ? 400 : 503, { error: outcome.error });
  else if (mode !== 'single')
    sendJson(
      res,
      200,
      outcome.replies.map((entry) => encodeEntry(entry, base64)),
    );
  // A single command's error is an HTTP error: @upstash/redis throws UpstashError on non-2xx.
  else if ('error' in outcome.replies[0]) sendJson(res, 400, outcome.replies[0]);
  else sendJson(res, 200, encodeEntry(outcome.replies[0], base64));
}

function hasValidToken(req: IncomingMessage, expectedDigest: Buffer): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  // Compare SHA-256 digests: equal lengths for timingSafeEqual, and constant time.
  return match !== null && timingSafeEqual(sha256(match[1]), expectedDigest);
}

/** Reads the whole body, or drains and drops it once it exceeds `maxBytes` (memory stays bounded). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > maxBytes ? 'too-large' : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

// ---------------------------------------------------------------------------------------------
// Commands and replies

/** A command as Redis arguments, or the error message explaining why the JSON is not one. */
function parseCommand(value: unknown): string[] | string {
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
type RawReply = unknown;
type Entry = { result: RawReply } | { error: string };
type ExecOutcome =
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

function encodeEntry(entry: Entry, base64: boolean): unknown {
  return 'error' in entry ? entry : { result: encodeReply(entry.result, base64) };
}

/** Redis' own error replies; anything else (closed socket, writes refused while offline) is "unavailable". */
function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

class CommandExecutor {
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Lua shebang compatibility

interface PreparedCommand {
  args: string[];
  /** Rewrites the reply, e.g. SCRIPT LOAD answers with the sha the client computed. */
  mapReply?: (reply: RawReply) => RawReply;
}

/** Strips Upstash-only shebang flags and keeps shas consistent with what the client computed. */
class LuaShebangCompat {
  /** sha1(original script) -> sha1(script as sent to Redis), only for scripts we changed. */
  private readonly shaMap = new Map<string, string>();

  prepare(args: string[]): PreparedCommand {
    const [name, ...rest] = args;
    switch (name) {
      case 'EVAL':
      case 'EVAL_RO':
        return rest.length > 0 ? { args: [name, this.register(rest[0]), ...rest.slice(1)] } : { args };
      case 'EVALSHA':
      case 'EVALSHA_RO':
        return rest.length > 0 ? { args: [name, this.translate(rest[0]), ...rest.slice(1)] } : { args };
      case 'SCRIPT':
        return this.prepareScript(args);
      default:
        return { args };
    }
  }

  private prepareScript(args: string[]): PreparedCommand {
    const subcommand = (args[1] ?? '').toUpperCase();
    if (subcommand === 'LOAD' && args.length === 3) {
      const originalSha = sha1(args[2]);
      return { args: ['SCRIPT', 'LOAD', this.register(args[2])], mapReply: () => Buffer.from(originalSha) };
    }
    if (subcommand === 'EXISTS') {
      return { args: ['SCRIPT', 'EXISTS', ...args.slice(2).map((sha) => this.translate(sha))] };
    }
    if (subcommand === 'FLUSH') {
      return {
        args,
        mapReply: (reply) => {
          this.shaMap.clear();
          return reply;
        },
      };
    }
    return { args };
  }

  /** Returns the script to send to Redis, remembering the sha mapping when it differs. */
  private register(script: string): string {
    const compatible = stripUpstashFlags(script);
    if (compatible !== script) this.shaMap.set(sha1(script), sha1(compatible));
    return compatible;
  }

  private translate(sha: string): string {
    return this.shaMap.get(sha.toLowerCase()) ?? sha;
  }
}

/** `#!lua flags=allow-key-locking,no-writes` -> `#!lua flags=no-writes`; any other script untouched. */
export function stripUpstashFlags(script: string): string {
  const shebang = /^#!lua([^\n]*)/.exec(script);
  if (!shebang) return script;
  let removed = false;
  const options = shebang[1]
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((option) => {
      if (!option.startsWith('flags=')) return [option];
      const flags = option.slice('flags='.length).split(',');
      const kept = flags.filter((flag) => !UPSTASH_ONLY_SCRIPT_FLAGS.has(flag));
      removed ||= kept.length !== flags.length;
      // An empty `flags=` is dropped: a bare `#!lua` means "no flags" to Redis.
      return kept.length > 0 ? [`flags=${kept.join(',')}`] : [];
    });
  // The first line keeps its place, so Lua error line numbers still match the client's script.
  return removed ? ['#!lua', ...options].join(' ') + script.slice(shebang[0].length) : script;
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
