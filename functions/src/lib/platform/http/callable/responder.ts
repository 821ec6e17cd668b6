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
import type { Request, Response } from 'express';
import { HttpsError, onCall } from 'firebase-functions/v2/https';
import { APP_CHECK_HEADER } from '../../app-check/gate.js';
import { INTERNAL_ERROR_MESSAGE } from '../errors.js';
import { callableChannel, type CallableChannel } from './channel.js';

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
