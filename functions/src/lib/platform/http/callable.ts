// The Firebase callable protocol: what makes a request callable and how its `data` is read, the channel a
// stream's chunks go through, and firebase-functions' onCall writing the answer.
import type { Request, Response } from 'express';
import { HttpsError, onCall, type CallableResponse } from 'firebase-functions/v2/https';
import { APP_CHECK_HEADER } from '../app-check/gate.js';
import { STREAM_OPENING } from '../sse/stream-opening.js';
import { INTERNAL_ERROR_MESSAGE } from './errors.js';
import {
  assertInputShape,
  invalidRequest,
  isJsonMediaType,
  readJsonBody,
  type ValidationIssue,
} from './request-checks.js';

// The Firebase callable protocol's request side: what makes a request callable, and its `data` read
// and checked the way the request layer reads a REST body.
//
// A callable request is a POST with `Content-Type: application/json` whose body is exactly
// `{"data": ...}` (what every Firebase SDK sends, and what firebase-functions' onCall accepts). No REST
// body of ours has a lone `data` field, so the two protocols cannot be mistaken for each other.
//
// `data` may hold the SDKs' typed numbers: Android and iOS send a 64-bit integer as
// {"@type": "type.googleapis.com/google.protobuf.Int64Value", "value": "123"}. They become numbers here,
// after the input's shape was checked (bounded nesting and size), so the walk is bounded too; any
// other `@type` is a 400 naming its place, where firebase-functions' own decoder would answer 500.
const LONG_TYPES = new Set([
  'type.googleapis.com/google.protobuf.Int64Value',
  'type.googleapis.com/google.protobuf.UInt64Value',
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** POST, JSON, and a parsed body whose only key is `data`. */
export function isCallableRequest(req: Request): boolean {
  if (req.method !== 'POST' || !isJsonMediaType(req.headers['content-type'])) return false;
  const body: unknown = req.body;
  if (!isPlainObject(body)) return false;
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === 'data';
}

type Path = (string | number)[];

function decodeValue(value: unknown, path: Path, issues: ValidationIssue[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => decodeValue(item, [...path, index], issues));
  if (!isPlainObject(value)) return value;
  const type = value['@type'];
  if (type) {
    const number = typeof type === 'string' && LONG_TYPES.has(type) ? Number(value.value) : Number.NaN;
    if (Number.isNaN(number)) {
      issues.push({
        location: 'data',
        path,
        code: 'invalid_type',
        message: `Unsupported typed value (${String(type).slice(0, 100)}); only Int64Value and UInt64Value are decoded`,
      });
    }
    return number;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, decodeValue(item, [...path, key], issues)]),
  );
}

/** The SDKs' typed values as plain numbers; 400 for a typed value that is not a number. */
export function decodeCallableData(data: unknown): unknown {
  const issues: ValidationIssue[] = [];
  const decoded = decodeValue(data, [], issues);
  if (issues.length > 0) throw invalidRequest(issues);
  return decoded;
}

/**
 * The request's `data`, size-checked against the endpoint's body limit (the envelope included),
 * shape-checked and decoded. `null` (an SDK call without arguments) reads as `{}`, as an empty REST
 * body does.
 */
export async function readCallableData(req: Request, maxBodyBytes: number): Promise<unknown> {
  const envelope = (await readJsonBody(req, maxBodyBytes)) as { data?: unknown };
  const data = envelope.data ?? {};
  assertInputShape({ data });
  return decodeCallableData(data);
}

// What a handler's output goes through when the caller used the callable protocol: chunks of a
// `.stream()` call, and the opening that every stream starts with. respondWithSse uses it; a handler
// never needs to.
export interface CallableChannel {
  /** The caller asked for a stream (`.stream()`): chunks reach it. Otherwise only the result does. */
  readonly acceptsStreaming: boolean;
  /** One `data: {"message": chunk}` line; a no-op when not streaming or once the caller has left. */
  sendChunk(chunk: unknown): Promise<void>;
  /** Writes the stream's opening (once, streaming only): before the first chunk, the result or the error. */
  open(): void;
}

/** Over firebase-functions' own response proxy (its `sendChunk` frames, flushes and keeps the heartbeat). */
export function callableChannel(res: Response, acceptsStreaming: boolean, response: CallableResponse): CallableChannel {
  let opened = false;
  const open = (): void => {
    if (!acceptsStreaming || opened || res.writableEnded || res.destroyed) return;
    opened = true;
    res.write(STREAM_OPENING);
  };
  return {
    acceptsStreaming,
    open,
    async sendChunk(chunk) {
      if (!acceptsStreaming) return;
      open();
      // A failed write means the caller left: the request's signal stops the work.
      await response.sendChunk(chunk).catch(() => false);
    },
  };
}

// The callable protocol's wire, spoken by firebase-functions itself: each endpoint builds one onCall
// function and hands it every callable request. onCall writes the answer ({"result": ...}, or for
// `.stream()` the `data: {"message": ...}` chunks and a final `data: {"result": ...}`), sends the
// `: ping` heartbeat, serializes an HttpsError the way the SDKs read it (inside the stream once the
// stream answered 200), and aborts its signal when the caller leaves.
//
// The request side stays the request layer's, so that both protocols get the same checks in the same
// order. onCall's own checks differ from ours: it verifies the ID token without the revocation check and
// answers every failure as one UNAUTHENTICATED without our code (a passing outage of the Auth backend
// would sign the user out); it verifies App Check before the input is checked (a malformed request
// would use up a limited-use token), with enforcement fixed at deploy where APP_CHECK is a runtime
// setting; and it decodes `data` recursively before any size check. So onCall gets the request with
// the two credential headers and `data` held back, and the request layer gets them back the moment
// onCall calls our handler: to onCall it is an anonymous call with `data: null`.
/** Runs the request layer for one callable request: the result, or a thrown HttpsError. */
export type CallableRun = (channel: CallableChannel) => Promise<unknown>;

export type CallableResponder = (req: Request, res: Response, run: CallableRun) => Promise<void>;

const HELD_HEADERS = ['authorization', APP_CHECK_HEADER] as const;

interface Handoff {
  res: Response;
  headers: Partial<Record<(typeof HELD_HEADERS)[number], string | string[]>>;
  data: unknown;
  run: CallableRun;
}

function setStreamHeaders(res: Response): void {
  if (res.headersSent) return;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8'); // onCall sets none
  res.setHeader('X-Accel-Buffering', 'no');
}

export function callableResponder({ heartbeatSeconds }: { heartbeatSeconds: number }): CallableResponder {
  const handoffs = new WeakMap<Request, Handoff>();

  const callable = onCall({ cors: false, enforceAppCheck: false, heartbeatSeconds }, async (request, response) => {
    const req = request.rawRequest as Request;
    const handoff = handoffs.get(req);
    if (!handoff || !response) throw new HttpsError('internal', INTERNAL_ERROR_MESSAGE);
    handoffs.delete(req);
    Object.assign(req.headers, handoff.headers);
    (req.body as { data: unknown }).data = handoff.data;
    if (request.acceptsStreaming) setStreamHeaders(handoff.res);
    return handoff.run(callableChannel(handoff.res, request.acceptsStreaming, response));
  });

  return async (req, res, run) => {
    const headers: Handoff['headers'] = {};
    for (const name of HELD_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = value;
      delete req.headers[name];
    }
    const body = req.body as { data: unknown };
    handoffs.set(req, { res, headers, data: body.data, run });
    body.data = null;
    await callable(req as Parameters<typeof callable>[0], res);
  };
}
