// Turns a ReplyPlan into an HTTP response: a unary JSON body, an SSE stream (`data: {...}\r\n\r\n`,
// no event/id fields, no [DONE]) or the JSON-array stream used without `alt=sse`; applies timing and
// faults (error event, dropped socket, stall).
import type { ServerResponse } from 'node:http';
import { googleError, type GoogleErrorBody } from './errors.js';
import {
  renderBlocked,
  renderContentEvent,
  streamEvents,
  unaryEvent,
  usageMetadata,
  type Piece,
  type ResponseMeta,
} from './frames.js';
import type { ContentPlan, DeliveryPlan, ReplyPlan } from './reply-plan.js';
import type { ResponseWriter } from './response-writer.js';
import type { RequestOutcome, StreamFault } from './types.js';

export type Framing = 'sse' | 'json-array' | 'unary';

export interface DeliveryTarget {
  res: ServerResponse;
  writer: ResponseWriter;
  /** Records the outcome the response ends with, and counts events. */
  setOutcome(outcome: Exclude<RequestOutcome, 'pending' | 'aborted'>): void;
  eventSent(): void;
}

const JSON_TYPE = 'application/json; charset=UTF-8';
const COMMON_HEADERS = { 'x-offline-model': 'true', vary: 'Origin, X-Origin, Referer' };

export function sleep(ms: number, writer: ResponseWriter): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  // A client that goes away while we wait ends the wait: nothing more will be written.
  return Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms)), writer.untilClosed()]);
}

export function sendJson(target: DeliveryTarget, status: number, body: unknown): void {
  if (target.writer.isClosed) return;
  target.res.writeHead(status, { 'content-type': JSON_TYPE, ...COMMON_HEADERS });
  target.setOutcome(status >= 400 ? 'http-error' : 'completed');
  target.writer.end(JSON.stringify(body));
}

function faultError(fault: Extract<StreamFault, { type: 'error-event' }>): GoogleErrorBody {
  return googleError(fault.code ?? 500, fault.message, { status: fault.status });
}

/** Applies a fault; afterwards the response is over (or held open, for a stall). */
async function applyFault(
  target: DeliveryTarget,
  fault: StreamFault,
  framing: Framing,
  pieces?: Piece[],
): Promise<void> {
  const { writer } = target;
  if (fault.type === 'error-event') {
    const error = JSON.stringify(faultError(fault));
    target.setOutcome('stream-error');
    if (framing === 'sse') writer.end(`data: ${error}\r\n\r\n`);
    else writer.end(target.writer.bytesSent === 0 ? `[${error}]` : `,\r\n${error}]`);
    return;
  }
  if (fault.type === 'drop') {
    target.setOutcome('dropped');
    if (pieces && fault.afterBytes !== undefined) await writer.write(pieces, fault.afterBytes);
    writer.destroy();
    return;
  }
  // stall: keep the connection open, send nothing more, until the client gives up.
  await writer.untilClosed();
}

function framed(framing: Framing, index: number, json: Piece[]): Piece[] {
  if (framing === 'sse') return ['data: ', ...json, '\r\n\r\n'];
  if (framing === 'json-array') return [index === 0 ? '[' : ',\r\n', ...json];
  return json;
}

function startStream(target: DeliveryTarget, framing: Framing): void {
  if (target.res.headersSent) return;
  const contentType = framing === 'sse' ? 'text/event-stream' : JSON_TYPE;
  target.res.writeHead(200, {
    'content-type': contentType,
    'content-disposition': 'attachment',
    'cache-control': 'no-cache',
    ...COMMON_HEADERS,
  });
}

/** A blocked prompt, rendered: one response without candidates. */
interface BlockedJson {
  kind: 'blocked';
  json: string;
}

async function streamContent(
  target: DeliveryTarget,
  plan: ContentPlan | BlockedJson,
  meta: ResponseMeta,
  delivery: DeliveryPlan,
  framing: Framing,
): Promise<void> {
  const specs = plan.kind === 'blocked' ? [] : streamEvents(plan);
  const count = plan.kind === 'blocked' ? 1 : specs.length;
  let candidates = 0;
  let thoughts = 0;
  const fault = delivery.fault;
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(delivery.delayBefore(i), target.writer);
    if (target.writer.isClosed) return;
    let json: Piece[];
    if (plan.kind === 'blocked') json = [plan.json];
    else {
      const spec = specs[i];
      candidates += spec.candidateTokens;
      thoughts += spec.thoughtTokens;
      const usage = usageMetadata(meta.promptTokens, candidates, thoughts, spec.finish ? plan.usage : undefined);
      json = renderContentEvent(spec, plan, meta, usage);
    }
    const pieces = framed(framing, i, json);
    startStream(target, framing);
    if (fault && fault.afterEvents <= i) return applyFault(target, fault, framing, pieces);
    if ((await target.writer.write(pieces)) !== 'written') return;
    target.eventSent();
  }
  if (fault) return applyFault(target, fault, framing);
  target.setOutcome('completed');
  target.writer.end(framing === 'json-array' ? ']' : undefined);
}

async function sendUnary(
  target: DeliveryTarget,
  plan: ContentPlan | BlockedJson,
  meta: ResponseMeta,
  fault?: StreamFault,
): Promise<void> {
  if (fault?.type === 'error-event') return sendJson(target, fault.code ?? 500, faultError(fault));
  let pieces: Piece[];
  if (plan.kind === 'blocked') pieces = [plan.json];
  else {
    const event = unaryEvent(plan);
    const usage = usageMetadata(meta.promptTokens, event.candidateTokens, event.thoughtTokens, plan.usage);
    pieces = renderContentEvent(event, plan, meta, usage);
  }
  if (fault?.type === 'stall') return target.writer.untilClosed();
  if (fault?.type === 'drop' && fault.afterBytes === undefined) {
    target.setOutcome('dropped');
    return target.writer.destroy();
  }
  target.res.writeHead(200, { 'content-type': JSON_TYPE, ...COMMON_HEADERS });
  if (fault?.type === 'drop') return applyFault(target, fault, 'unary', pieces);
  if ((await target.writer.write(pieces)) !== 'written') return;
  target.setOutcome('completed');
  target.writer.end();
}

/** Sends `plan` (never a count-tokens plan; the caller answers those) with `delivery`'s timing. */
export async function deliver(
  target: DeliveryTarget,
  plan: Exclude<ReplyPlan, { kind: 'count-tokens' }>,
  meta: ResponseMeta,
  delivery: DeliveryPlan,
  framing: Framing,
): Promise<void> {
  await sleep(delivery.latencyMs, target.writer);
  if (target.writer.isClosed) return;
  if (plan.kind === 'http-error') return sendJson(target, plan.error.error.code, plan.error);
  const body: ContentPlan | BlockedJson =
    plan.kind === 'blocked'
      ? { kind: 'blocked', json: renderBlocked(plan.blockReason, plan.safetyRatings, meta) }
      : plan;
  if (framing === 'unary') return sendUnary(target, body, meta, delivery.fault);
  return streamContent(target, body, meta, delivery, framing);
}
