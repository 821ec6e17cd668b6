// The checks around a handler, in this order, for both protocols (REST and callable):
//   auth (ID token, revocation) -> the input (REST: content type, body size, JSON; callable: the size
//   of `data`) -> input shape (well-formed strings, bounded nesting and size) -> zod (body, query, path)
//   -> required secrets, Gemini access and the text backend's access -> App Check -> rate limit -> daily budget -> handle
//   -> budget settled.
// App Check and the budget come last among the checks: a malformed request neither consumes a
// limited-use App Check token nor reserves budget. The protocol only decides where the input comes
// from (readInput) and how the answer is written (endpoint.ts).
import type { core } from 'zod/mini';
import { APP_CHECK_HEADER, checkAppCheck } from '../app-check/gate.js';
import type { RequestBudgetMeter } from '../budget/meter.js';
import {
  requireGeminiAccess,
  requireSecrets,
  requireTextAccess,
  type AppConfig,
  type GeminiAccess,
  type SecretName,
  type TextAccess,
} from '../config/index.js';
import type { Logger } from '../logging.js';
import type { RequestScope } from '../request-scope.js';
import { rateLimitedError, setRateLimitHeaders } from '../rate-limit/http-headers.js';
import { loadRedisClientsSoon } from '../redis.js';
import { authenticate } from './auth.js';
import { closeBudget, type BudgetSpec, openBudget } from './budget-layer.js';
import type { CallableChannel } from './callable.js';
import type { EndpointDeps, EndpointSpec, RateLimitSpec } from './endpoint.js';
import { HttpError } from './errors.js';
import {
  invalidRequest,
  readPathSegments,
  validate,
  type RequestLocation,
  type ValidationIssue,
} from './request-checks.js';
import { assertInputShape } from './request-checks.js';
import type { Request, Response } from 'express';

type Output<S> = S extends core.$ZodType ? core.output<S> : undefined;

/** A value of the request and where it came from (named in validation issues). */
export interface LocatedInput {
  value: unknown;
  location: RequestLocation;
}

/** What a protocol reads after authentication: the values the body and query schemas check. */
export interface RequestInput {
  body: LocatedInput;
  query: LocatedInput;
}

/** One request as the layer sees it, whichever protocol carried it. */
export interface Exchange {
  req: Request;
  res: Response;
  requestId: string;
  log: Logger;
  config: AppConfig;
  signal: AbortSignal;
  readInput(): Promise<RequestInput>;
  /** Set for the callable protocol; respondWithSse streams through it. */
  callable?: CallableChannel;
  /** Called once the caller is known. */
  onIdentified(uid: string): void;
}

/** What defineEndpoint settles once per endpoint. */
export interface EndpointSettings {
  rateLimit: RateLimitSpec | false;
  budget: BudgetSpec | undefined;
  appCheck: boolean;
  replayProtected: boolean;
}

function resolveLimit(spec: RateLimitSpec, config: AppConfig): number {
  return typeof spec.perMinute === 'function' ? spec.perMinute(config) : spec.perMinute;
}

/** Runs the checks and the handler; resolves to what the handler returned, or throws. */
export async function runEndpoint<
  BodySchema extends core.$ZodType | undefined,
  QuerySchema extends core.$ZodType | undefined,
  PathSchema extends core.$ZodType | undefined,
  Secret extends SecretName,
  Gemini extends boolean,
  Text extends boolean,
>(
  spec: EndpointSpec<BodySchema, QuerySchema, PathSchema, Secret, Gemini, Text>,
  settings: EndpointSettings,
  deps: EndpointDeps,
  exchange: Exchange,
): Promise<unknown> {
  const { req, res, config, log } = exchange;
  let meter: RequestBudgetMeter | undefined;
  try {
    loadRedisClientsSoon();
    const identity = await authenticate(req, deps.verifyIdToken);
    const { uid } = identity;
    exchange.onIdentified(uid);

    const input = await exchange.readInput();
    const segments = readPathSegments(req);
    if (!spec.path && segments.length > 0) throw new HttpError(404, 'not_found', 'No such resource');
    // Before any schema: every string well-formed, nesting and size bounded (request-checks.ts).
    assertInputShape({
      [input.body.location]: input.body.value,
      [input.query.location]: input.query.value,
      path: segments,
    });
    const issues: ValidationIssue[] = [];
    const check = <S extends core.$ZodType | undefined>(
      schema: S,
      value: unknown,
      location: RequestLocation,
    ): Output<S> => {
      if (!schema) return undefined as Output<S>;
      const result = validate(schema, value, location);
      if (!result.ok) issues.push(...result.issues);
      return (result.ok ? result.value : undefined) as Output<S>;
    };
    // `spec.body` etc. are typed `Schema | undefined` (optional); the casts restore the inferred type.
    const body = check(spec.body as BodySchema, input.body.value, input.body.location);
    const query = check(spec.query as QuerySchema, input.query.value, input.query.location);
    const path = check(spec.path as PathSchema, segments, 'path');
    if (issues.length > 0) throw invalidRequest(issues);

    const secrets = requireSecrets(spec.requiredSecrets ?? []);
    const gemini = (spec.requiresGemini ? requireGeminiAccess(config) : undefined) as Gemini extends true
      ? GeminiAccess
      : undefined;
    const text = (spec.requiresTextModel ? requireTextAccess(config) : undefined) as Text extends true
      ? TextAccess
      : undefined;

    if (settings.appCheck) {
      await checkAppCheck({
        mode: config.appCheck.mode,
        header: req.headers[APP_CHECK_HEADER],
        consume: settings.replayProtected && config.appCheck.replayProtection,
        verifier: deps.appCheckVerifier,
        log: log.child({ uid }),
      });
    }

    if (settings.rateLimit) {
      const decision = await deps
        .rateLimiter(settings.rateLimit.bucket, resolveLimit(settings.rateLimit, config))
        .consume(uid);
      const now = deps.clock();
      setRateLimitHeaders(res, decision, now);
      if (!decision.allowed) throw rateLimitedError(decision, now);
    }

    meter = await openBudget({ spec: settings.budget, config, uid, deps, log: log.child({ uid }), res });

    const scope: RequestScope = { uid, log: log.child({ uid }), signal: exchange.signal, budget: meter, config };
    const result = await spec.handle({
      req,
      res,
      scope,
      token: identity.token,
      body,
      query,
      path,
      requestId: exchange.requestId,
      secrets,
      gemini,
      text,
      ...(exchange.callable ? { callable: exchange.callable } : {}),
    });
    await closeBudget(meter, settings.budget, res, deps.clock);
    return result;
  } catch (err) {
    await closeBudget(meter, settings.budget, res, deps.clock);
    throw err;
  }
}
