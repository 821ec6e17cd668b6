// One Gemini API request, end to end: log it, read the body, check route and credentials the way Google
// does, pick a scenario or the default reply, and deliver it. No key or token is ever recorded.
// Credentials: the Developer API paths take the API key (x-goog-api-key, ?key= or a bearer of the key);
// the Vertex AI paths take an OAuth access token (Authorization: Bearer) that the offline token server
// issued (dev/adc: HMAC-checked with `accessTokenKey`), or the API key as Vertex's express mode does.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultReply } from './default-reply.js';
import { deliver, sendJson, sleep, type DeliveryTarget, type Framing } from './delivery.js';
import { verifyAccessToken } from '../adc/access-token.js';
import {
  googleError,
  invalidApiKeyError,
  invalidArgumentError,
  invalidCredentialError,
  missingApiKeyError,
  missingCredentialError,
  notFoundError,
} from './errors.js';
import type { ResponseMeta } from './frames.js';
import { compileScenarioReply, deliveryPlan, type ReplyPlan } from './reply-plan.js';
import { estimatePromptTokens, summariseBody, validateGenerateRequest, type RequestBody } from './request-body.js';
import { now, type RequestLog } from './request-log.js';
import { ResponseWriter } from './response-writer.js';
import { loggableQuery, parseGeminiModelRoute, parseGeminiRoute, type GeminiRoute } from './routes.js';
import type { ScenarioQueue } from './scenario-queue.js';
import type { ThoughtSignatures } from './thought-signatures.js';
import type { OpenAiDialect, RequestOutcome, RequestRecord } from './types.js';

export interface HandlerOptions {
  apiKey: string;
  /** Key the offline token server signs access tokens with; undefined = Vertex paths take no tokens. */
  accessTokenKey?: string;
  /** Default delay range between stream events, in ms. */
  chunkDelayMs: readonly [number, number];
  /** How the OpenAI-compatible side speaks unless a scenario says otherwise. */
  openaiDialect: OpenAiDialect;
  imageShortSide: number;
  maxBodyBytes: number;
}

export interface HandlerContext {
  log: RequestLog;
  scenarios: ScenarioQueue;
  signatures: ThoughtSignatures;
  options: HandlerOptions;
}

export type BodyResult = { kind: 'ok'; bytes: Buffer } | { kind: 'too-large'; size: number } | { kind: 'aborted' };

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > maxBytes ? { kind: 'too-large', size } : { kind: 'ok', bytes: Buffer.concat(chunks) }),
    );
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('close', () => {
      if (!req.complete) resolve({ kind: 'aborted' });
    });
  });
}

function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-goog-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return bearer?.[1] ?? url.searchParams.get('key') ?? undefined;
}

type VertexAuth =
  { ok: true; auth: 'oauth' | 'api-key' } | { ok: false; status: number; error: ReturnType<typeof googleError> };

/** Vertex AI: a valid bearer access token, or (express mode) the API key in x-goog-api-key. */
function vertexAuth(req: IncomingMessage, options: HandlerOptions): VertexAuth {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) {
    const valid =
      options.accessTokenKey !== undefined && verifyAccessToken(bearer, options.accessTokenKey) !== undefined;
    return valid ? { ok: true, auth: 'oauth' } : { ok: false, status: 401, error: invalidCredentialError() };
  }
  const key = req.headers['x-goog-api-key'];
  if (typeof key === 'string' && key.length > 0) {
    return key === options.apiKey
      ? { ok: true, auth: 'api-key' }
      : { ok: false, status: 400, error: invalidApiKeyError() };
  }
  return { ok: false, status: 401, error: missingCredentialError() };
}

function parseJsonObject(bytes: Buffer): RequestBody | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RequestBody) : undefined;
  } catch {
    return undefined;
  }
}

function framingFor(route: GeminiRoute): Framing {
  if (route.action !== 'streamGenerateContent') return 'unary';
  return route.sse ? 'sse' : 'json-array';
}

/** Tracks the outcome the handler intends, and settles the log entry when the socket is done. */
export function trackResponse(res: ServerResponse, record: RequestRecord, ctx: HandlerContext): DeliveryTarget {
  let intended: Exclude<RequestOutcome, 'pending' | 'aborted'> | undefined;
  const writer = new ResponseWriter(res, (bytesSent) => {
    record.bytesSent = bytesSent;
    if (record.firstByteAt === undefined) {
      record.firstByteAt = now();
      ctx.log.changed(record);
    }
  });
  const finishRecord = (): void => {
    if (res.headersSent) record.status = res.statusCode;
  };
  res.on('finish', () => {
    finishRecord();
    ctx.log.settle(record, intended ?? 'completed');
  });
  res.on('close', () => {
    finishRecord();
    ctx.log.settle(record, intended === 'dropped' ? 'dropped' : 'aborted');
  });
  return {
    res,
    writer,
    setOutcome: (outcome) => {
      intended = outcome;
    },
    eventSent: () => {
      record.eventsSent++;
    },
  };
}

export async function handleGeminiRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HandlerContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const record = ctx.log.start({ method: req.method ?? 'GET', path: url.pathname, query: loggableQuery(url) });
  const target = trackResponse(res, record, ctx);
  try {
    await serve(req, url, record, target, ctx);
  } catch (error) {
    // A bug in the test double must not look like a model answer.
    if (!res.headersSent) sendJson(target, 500, googleError(500, `offline server failure: ${String(error)}`));
    else target.writer.destroy();
  }
}

async function serve(
  req: IncomingMessage,
  url: URL,
  record: RequestRecord,
  target: DeliveryTarget,
  ctx: HandlerContext,
): Promise<void> {
  const { options } = ctx;
  const body = await readBody(req, options.maxBodyBytes);
  if (body.kind === 'aborted') return; // the 'close' handler records the abort
  record.bodyReadAt = now();
  record.bodyBytes = body.kind === 'ok' ? body.bytes.length : body.size;

  const modelRoute = parseGeminiModelRoute(record.method, url);
  const route = modelRoute ? undefined : parseGeminiRoute(record.method, url);
  const addressed = route ?? modelRoute;
  if (!addressed) return sendJson(target, 404, notFoundError(url.pathname));
  Object.assign(record, { api: addressed.api, model: addressed.model, action: route ? route.action : 'getModel' });
  if (addressed.vertex) record.vertex = addressed.vertex;

  if (addressed.api === 'vertex') {
    const checked = vertexAuth(req, options);
    record.apiKeyPresent = typeof req.headers['x-goog-api-key'] === 'string';
    record.apiKeyValid = checked.ok && checked.auth === 'api-key';
    if (checked.ok) record.auth = checked.auth;
    ctx.log.changed(record);
    if (!checked.ok) return sendJson(target, checked.status, checked.error);
  } else {
    const key = presentedKey(req, url);
    record.apiKeyPresent = key !== undefined;
    record.apiKeyValid = key === options.apiKey;
    if (record.apiKeyValid) record.auth = 'api-key';
    ctx.log.changed(record);
    if (key === undefined) return sendJson(target, 403, missingApiKeyError());
    if (!record.apiKeyValid) return sendJson(target, 400, invalidApiKeyError());
  }
  if (!route) return sendJson(target, 200, modelMetadata(modelRoute!.model, addressed.api));

  if (body.kind === 'too-large') {
    return sendJson(
      target,
      400,
      invalidArgumentError(`Request payload size exceeds the limit: ${options.maxBodyBytes} bytes.`),
    );
  }
  const request = parseJsonObject(body.bytes);
  if (!request) return sendJson(target, 400, invalidArgumentError('Invalid JSON payload received. Unexpected token.'));
  record.body = summariseBody(request);
  ctx.log.changed(record);

  if (route.action !== 'countTokens') {
    const problem = validateGenerateRequest(request) ?? ctx.signatures.check(request);
    if (problem) return sendJson(target, 400, invalidArgumentError(problem));
  }

  const scenario = ctx.scenarios.take(route.model, route.action);
  if (scenario) record.scenario = scenario.name ?? scenario.reply.kind;
  const delivery = deliveryPlan(scenario, options.chunkDelayMs);
  const fallback = (): ReplyPlan => defaultReply(route.action, request, { imageShortSide: options.imageShortSide });
  let plan = scenario ? compileScenarioReply(scenario) : 'default';
  if (plan === 'default') plan = fallback();

  if (route.action === 'countTokens') {
    if (plan.kind === 'http-error') return deliver(target, plan, meta(route, record, request), delivery, 'unary');
    const totalTokens = plan.kind === 'count-tokens' ? plan.totalTokens : estimatePromptTokens(request);
    await sleep(delivery.latencyMs, target.writer);
    return sendJson(target, 200, { totalTokens });
  }
  if (plan.kind === 'count-tokens') plan = fallback();
  if (plan.kind === 'count-tokens') return; // unreachable: the default for generation is never a count
  if (plan.kind === 'content') ctx.signatures.record(plan);
  return deliver(target, plan, meta(route, record, request), delivery, framingFor(route));
}

/** What models.get answers: the model's name and limits, marked offline (no model runs here). */
function modelMetadata(model: string, api: GeminiRoute['api']): Record<string, unknown> {
  return api === 'vertex'
    ? { name: `publishers/google/models/${model}`, versionId: 'offline', launchStage: 'GA' }
    : {
        name: `models/${model}`,
        version: 'offline',
        displayName: `${model} (offline stand-in)`,
        inputTokenLimit: 1_048_576,
        outputTokenLimit: 65_536,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      };
}

function meta(route: GeminiRoute, record: RequestRecord, request: RequestBody): ResponseMeta {
  return {
    modelVersion: `${route.model}-offline`,
    responseId: `offline-${record.id}-${randomBytes(4).toString('hex')}`,
    promptTokens: estimatePromptTokens(request),
    ...(route.api === 'vertex' ? { vertex: { createTime: new Date(record.receivedAt).toISOString() } } : {}),
  };
}
