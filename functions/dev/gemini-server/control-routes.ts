// HTTP control endpoints (`/__control/...`) so another process (dev stack, benchmark) can script the
// server it spawned. They need no Gemini key, and answer only loopback peers (anything else: 404).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_WAIT_MS, type RequestLog } from './request-log.js';
import type { ScenarioQueue } from './scenario-queue.js';
import type { RequestFilter, RequestStage, ServerAction } from './types.js';

export const CONTROL_PREFIX = '/__control/';
const MAX_CONTROL_BODY = 1024 * 1024;
const MAX_WAIT_MS = 120_000;

export interface ControlContext {
  log: RequestLog;
  scenarios: ScenarioQueue;
  reset(): void;
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_CONTROL_BODY) throw new Error('control body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function filterFrom(params: URLSearchParams): RequestFilter {
  const num = (name: string): number | undefined => (params.has(name) ? Number(params.get(name)) : undefined);
  return {
    id: num('id'),
    afterId: num('afterId'),
    model: params.get('model') ?? undefined,
    action: (params.get('action') as ServerAction | null) ?? undefined,
    scenario: params.get('scenario') ?? undefined,
  };
}

export async function handleControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ControlContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (!isLoopback(req.socket.remoteAddress)) return reply(res, 404, { error: 'not found' });
  const route = `${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
  try {
    switch (route) {
      case 'GET health':
        return reply(res, 200, { ok: true });
      case 'POST scenarios': {
        const queued = ctx.scenarios.add(await readJson(req));
        return reply(res, 200, { queued, pending: ctx.scenarios.pending().length });
      }
      case 'GET scenarios':
        return reply(res, 200, ctx.scenarios.pending());
      case 'DELETE scenarios':
        ctx.scenarios.clear();
        return reply(res, 200, { ok: true });
      case 'GET requests':
        return reply(res, 200, ctx.log.list(filterFrom(url.searchParams)));
      case 'GET requests/wait': {
        const stage: RequestStage = url.searchParams.get('stage') === 'received' ? 'received' : 'settled';
        const timeoutMs = Math.min(MAX_WAIT_MS, Number(url.searchParams.get('timeoutMs') ?? DEFAULT_WAIT_MS));
        try {
          return reply(res, 200, await ctx.log.waitFor(filterFrom(url.searchParams), stage, timeoutMs));
        } catch (error) {
          return reply(res, 408, { error: (error as Error).message });
        }
      }
      case 'POST reset':
        ctx.reset();
        return reply(res, 200, { ok: true });
      default:
        return reply(res, 404, { error: `unknown control route: ${route}` });
    }
  } catch (error) {
    return reply(res, 400, { error: (error as Error).message });
  }
}
