// One Chat Completions request (`POST /v1/chat/completions`), end to end: log it, read the body, check
// the key and the request the way OpenAI-compatible servers do, pick a scenario or the default reply,
// and stream it in the dialect asked for. No key is ever recorded. The key is optional, as on local
// servers: no Authorization header is accepted; a Bearer that is not the server's key is a 401.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sleep, type DeliveryTarget } from '../delivery.js';
import { readBody, trackResponse, type HandlerContext } from '../handler.js';
import { now } from '../request-log.js';
import {
  compileScenarioReply,
  deliveryPlan,
  type ContentPlan,
  type DeliveryPlan,
  type ReplyPlan,
} from '../reply-plan.js';
import { loggableQuery } from '../routes.js';
import type { OpenAiDialect, RequestRecord, StreamFault } from '../types.js';
import { comment, renderChat, type Frame, type RenderedReply } from './chunks.js';
import { defaultChatReply } from './default-reply.js';
import { httpErrorBody, streamErrorEvent } from './errors.js';
import {
  estimatePromptTokens,
  includeUsage,
  summariseChatBody,
  validateChatRequest,
  type ChatBody,
} from './request.js';

/** `/v1/chat/completions`, and the same under a prefix (OpenRouter's /api/v1, proxies' /openai/v1). */
export function isChatCompletionsPath(method: string, pathname: string): boolean {
  return method === 'POST' && /^(?:\/[\w.-]+)*\/v1\/chat\/completions$/.test(pathname);
}

/** `/v1/models` (GET), under the same prefixes: what health checks and clients list. */
export function isModelsPath(method: string, pathname: string): boolean {
  return method === 'GET' && /^(?:\/[\w.-]+)*\/v1\/models$/.test(pathname);
}

/** GET /v1/models: the one model this stand-in answers for, whatever name a request gives. */
export function handleOpenAiModels(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const record = ctx.log.start({ method: 'GET', path: url.pathname, query: loggableQuery(url) });
  const target = trackResponse(res, record, ctx);
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  Object.assign(record, { api: 'openai', action: 'listModels', apiKeyPresent: bearer !== undefined });
  record.apiKeyValid = bearer === ctx.options.apiKey;
  if (bearer !== undefined && !record.apiKeyValid) return sendError(target, ctx.options.openaiDialect, 401);
  sendJson(target, 200, {
    object: 'list',
    data: [{ id: 'offline-model', object: 'model', created: 0, owned_by: 'offline stand-in' }],
  });
}

function sendError(
  target: DeliveryTarget,
  dialect: OpenAiDialect,
  status: number,
  message?: string,
  retryAfter?: number,
): void {
  if (retryAfter !== undefined && !target.writer.isClosed) target.res.setHeader('retry-after', String(retryAfter));
  sendJson(target, status, httpErrorBody(dialect, status, message));
}

function parseBody(bytes: Buffer): ChatBody | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ChatBody) : undefined;
  } catch {
    return undefined;
  }
}

export async function handleOpenAiRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HandlerContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const record = ctx.log.start({ method: req.method ?? 'POST', path: url.pathname, query: loggableQuery(url) });
  const target = trackResponse(res, record, ctx);
  try {
    await serve(req, record, target, ctx);
  } catch (error) {
    // A bug in the test double must not look like a model answer.
    if (!res.headersSent)
      sendJson(target, 500, httpErrorBody('openai', 500, `offline server failure: ${String(error)}`));
    else target.writer.destroy();
  }
}

async function serve(
  req: IncomingMessage,
  record: RequestRecord,
  target: DeliveryTarget,
  ctx: HandlerContext,
): Promise<void> {
  const { options } = ctx;
  const body = await readBody(req, options.maxBodyBytes);
  if (body.kind === 'aborted') return;
  record.bodyReadAt = now();
  record.bodyBytes = body.kind === 'ok' ? body.bytes.length : body.size;
  Object.assign(record, { api: 'openai', action: 'chatCompletions' });

  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  record.apiKeyPresent = bearer !== undefined;
  record.apiKeyValid = bearer === options.apiKey;
  if (bearer === undefined) record.auth = 'none';
  else if (record.apiKeyValid) record.auth = 'api-key';
  ctx.log.changed(record);
  const dialect = options.openaiDialect;
  if (bearer !== undefined && !record.apiKeyValid) return sendError(target, dialect, 401);
  if (body.kind === 'too-large') return sendError(target, dialect, 413, 'Request body too large.');

  const request = parseBody(body.bytes);
  if (!request) return sendError(target, dialect, 400, 'We could not parse the JSON body of your request.');
  record.model = typeof request.model === 'string' ? request.model : undefined;
  record.openai = summariseChatBody(request);
  ctx.log.changed(record);
  const problem = validateChatRequest(request);
  if (problem) return sendError(target, dialect, 400, problem);
  if (request.stream !== true)
    return sendError(target, dialect, 400, 'This offline server answers streamed requests only (stream: true).');

  const scenario = ctx.scenarios.take(String(request.model), 'chatCompletions');
  if (scenario) record.scenario = scenario.name ?? scenario.reply.kind;
  const spoken = scenario?.dialect ?? dialect;
  const compiled: ReplyPlan | 'default' = scenario ? compileScenarioReply(scenario) : 'default';
  const delivery = deliveryPlan(scenario, options.chunkDelayMs);
  if (compiled !== 'default' && compiled.kind === 'http-error') {
    await sleep(delivery.latencyMs, target.writer);
    const { code, message } = compiled.error.error;
    const retryAfter =
      code === 429 ? (scenario?.reply.kind === 'http-error' ? (scenario.reply.retryDelaySeconds ?? 1) : 1) : undefined;
    return sendError(
      target,
      spoken,
      code,
      scenario?.reply.kind === 'http-error' ? scenario.reply.message : message,
      retryAfter,
    );
  }
  const plan: ContentPlan =
    compiled === 'default' || compiled.kind === 'count-tokens'
      ? defaultChatReply(request)
      : compiled.kind === 'blocked'
        ? { kind: 'content', items: [], finishReason: 'SAFETY', finishInSeparateEvent: false }
        : compiled;
  const rendered = renderChat(plan, {
    id: `chatcmpl-offline-${record.id}-${randomBytes(4).toString('hex')}`,
    created: Math.floor(record.receivedAt / 1000),
    model: `${String(request.model)}-offline`,
    promptTokens: estimatePromptTokens(request),
    includeUsage: includeUsage(request),
    dialect: spoken,
  });
  return deliverChat(target, rendered, delivery, spoken);
}

function startStream(target: DeliveryTarget): void {
  if (target.res.headersSent) return;
  target.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-offline-model': 'true',
  });
}

async function deliverChat(
  target: DeliveryTarget,
  reply: RenderedReply,
  delivery: DeliveryPlan,
  dialect: OpenAiDialect,
): Promise<void> {
  const { writer } = target;
  const waiting = comment(dialect);
  // Servers that comment while the model works (llama.cpp, OpenRouter) answer at once and comment.
  if (waiting) {
    startStream(target);
    if ((await writer.write([waiting.text])) !== 'written') return;
  }
  await sleep(delivery.latencyMs, writer);
  if (writer.isClosed) return;
  const fault = delivery.fault;
  let events = 0;
  for (const frame of reply.frames) {
    if (frame.kind === 'data' && events > 0) await sleep(delivery.delayBefore(events), writer);
    if (writer.isClosed) return;
    startStream(target);
    if (frame.kind === 'data' && fault && fault.afterEvents <= events)
      return applyFault(target, fault, dialect, reply, frame);
    if ((await writer.write([frame.text])) !== 'written') return;
    if (frame.kind === 'data') {
      events++;
      target.eventSent();
    }
  }
  if (fault) return applyFault(target, fault, dialect, reply);
  target.setOutcome('completed');
  writer.end();
}

async function applyFault(
  target: DeliveryTarget,
  fault: StreamFault,
  dialect: OpenAiDialect,
  reply: RenderedReply,
  next?: Frame,
): Promise<void> {
  const { writer } = target;
  if (fault.type === 'error-event') {
    const { event, thenDone } = streamErrorEvent(dialect, fault.code ?? 500, fault.message, reply.base);
    target.setOutcome('stream-error');
    writer.end(`data: ${JSON.stringify(event)}\n\n${thenDone ? 'data: [DONE]\n\n' : ''}`);
    return;
  }
  if (fault.type === 'drop') {
    target.setOutcome('dropped');
    if (next && fault.afterBytes !== undefined) await writer.write([next.text], fault.afterBytes);
    writer.destroy();
    return;
  }
  await writer.untilClosed(); // stall
}
