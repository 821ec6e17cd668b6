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
import { CommandExecutor, encodeEntry, errorMessage, parseCommand, type CommandEvent } from './upstash-commands.js';
import { LuaShebangCompat } from './upstash-lua.js';

export type { CommandEvent } from './upstash-commands.js';

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

export interface UpstashRestServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
