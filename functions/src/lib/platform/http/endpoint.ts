// defineEndpoint: the whole request layer around a handler, in this order:
//   request id, security headers -> CORS (OPTIONS answered here, no auth) -> method -> auth -> content type -> body size
//   -> JSON -> input shape (well-formed strings, bounded nesting and size) -> zod (body, query, path)
//   -> required secrets and Gemini access -> App Check -> rate limit -> daily budget -> handle -> budget settled -> response
// Anything thrown becomes the one error shape; the result is a plain (req, res) handler for onRequest.
// App Check and the budget come last among the checks: a malformed request neither consumes a
// limited-use App Check token nor reserves budget.
import type { Request, Response } from 'express';
import type { DecodedIdToken } from 'firebase-admin/auth';
import type { z } from 'zod';
import { APP_CHECK_HEADER, checkAppCheck } from '../app-check/gate.js';
import { firebaseAppCheckVerifier, type AppCheckVerifier } from '../app-check/verifier.js';
import { defaultUsageRecorder, getDailyBudget } from '../budget/registry.js';
import type { RequestBudgetMeter } from '../budget/meter.js';
import type { BudgetKind, BudgetMeter } from '../budget/types.js';
import {
  getConfig,
  requireGeminiAccess,
  requireSecrets,
  type AppConfig,
  type GeminiAccess,
  type SecretName,
} from '../config/index.js';
import { systemClock } from '../clock.js';
import { getAdminApp } from '../firebase.js';
import { createLogger, type Logger } from '../logging.js';
import { getRateLimiter } from '../rate-limit/registry.js';
import type { RateLimiter } from '../rate-limit/types.js';
import { authenticate, verifyWithFirebaseAdmin, type IdTokenVerifier } from './auth.js';
import { closeBudget, normalizeBudgetSpec, openBudget, type BudgetDeps, type BudgetSpec } from './budget-layer.js';
import { assertJsonContentType } from './content-type.js';
import { answerPreflight, applyCorsHeaders } from './cors.js';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './body.js';
import { HttpError } from './errors.js';
import { assertMethod, type HttpMethod } from './method.js';
import { rateLimitedError, setRateLimitHeaders } from '../rate-limit/http-headers.js';
import { resolveRequestId } from './request-id.js';
import { sendError, sendResult } from './respond.js';
import { applySecurityHeaders } from './security-headers.js';
import { invalidRequest, readPathSegments, readQuery, validate, type ValidationIssue } from './validation.js';
import { assertInputShape } from './well-formed.js';

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface EndpointContext<Body, Query, Path, Secret extends SecretName = never, Gemini extends boolean = false> {
  req: Request;
  res: Response;
  uid: string;
  /** The verified ID token's claims. */
  token: DecodedIdToken;
  body: Body;
  query: Query;
  /** Validated path segments after the function name, e.g. ["<uid>"] for /suggestions/<uid>. */
  path: Path;
  requestId: string;
  log: Logger;
  /** Aborts when the client goes away before the response finished (stop streaming, stop model calls). */
  signal: AbortSignal;
  config: AppConfig;
  /** The spec's requiredSecrets, checked once here: a handler passes them on, nobody checks them again. */
  secrets: Readonly<Record<Secret, string>>;
  /** With `requiresGemini`: the configured Gemini backend, checked once here (platform/gemini/clients.ts builds the client). */
  gemini: Gemini extends true ? GeminiAccess : undefined;
  /**
   * The caller's daily AI budgets: charge real usage after every model call, aborted ones included
   * (`await ctx.budget.chargeTokens(usage.totalTokenCount)`, `chargeImages(1)`). Never throws.
   */
  budget: BudgetMeter;
}

export interface RateLimitSpec {
  /** Endpoints sharing a bucket share one per-user budget. */
  bucket: string;
  perMinute: number | ((config: AppConfig) => number);
}

export interface EndpointSpec<
  BodySchema,
  QuerySchema,
  PathSchema,
  Secret extends SecretName = never,
  Gemini extends boolean = false,
> {
  /** Function name, used in logs. */
  name: string;
  method: HttpMethod;
  body?: BodySchema;
  query?: QuerySchema;
  /** Schema for the path segments array; without one, any extra path is a 404. */
  path?: PathSchema;
  maxBodyBytes?: number;
  /** Defaults to a per-endpoint bucket at RATE_LIMIT_PER_MINUTE; `false` disables limiting. */
  rateLimit?: RateLimitSpec | false;
  /** Missing ones answer 503 not_configured before the rate limit; the values reach handle as ctx.secrets. */
  requiredSecrets?: readonly Secret[];
  /**
   * The endpoint calls Gemini: what GEMINI_BACKEND needs (the key for developer-api, a project for
   * vertex-ai) is checked with the secrets (503 not_configured naming what is missing) and reaches
   * handle as ctx.gemini.
   */
  requiresGemini?: Gemini;
  /**
   * The daily AI budget this endpoint spends (DAILY_TOKEN_BUDGET / DAILY_IMAGE_BUDGET): checked before
   * the handler (images: one unit reserved), 429 quota_exceeded when used up, AI-Budget-* headers.
   */
  budget?: BudgetKind | BudgetSpec;
  /**
   * App Check (APP_CHECK off|monitor|enforce). Default: on for endpoints with a budget (the AI ones).
   * `replayProtected`: the token is also consumed when APP_CHECK_REPLAY_PROTECTION is on.
   */
  appCheck?: boolean | { replayProtected: boolean };
  handle(ctx: EndpointContext<Output<BodySchema>, Output<QuerySchema>, Output<PathSchema>, Secret, Gemini>): unknown;
}

/** Replaceable collaborators (tests inject fakes; production uses the defaults). */
export interface EndpointDeps extends BudgetDeps {
  verifyIdToken: IdTokenVerifier;
  rateLimiter(bucket: string, perMinute: number): RateLimiter;
  appCheckVerifier: AppCheckVerifier;
}

const defaultDeps: EndpointDeps = {
  verifyIdToken: verifyWithFirebaseAdmin,
  rateLimiter: getRateLimiter,
  appCheckVerifier: firebaseAppCheckVerifier(getAdminApp),
  dailyBudget: getDailyBudget,
  usageRecorder: defaultUsageRecorder,
  clock: systemClock,
};

export type EndpointHandler = (req: Request, res: Response) => Promise<void>;

function abortOnDisconnect(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}

function resolveLimit(spec: RateLimitSpec, config: AppConfig): number {
  return typeof spec.perMinute === 'function' ? spec.perMinute(config) : spec.perMinute;
}

export function defineEndpoint<
  BodySchema extends z.ZodType | undefined = undefined,
  QuerySchema extends z.ZodType | undefined = undefined,
  PathSchema extends z.ZodType | undefined = undefined,
  Secret extends SecretName = never,
  Gemini extends boolean = false,
>(
  spec: EndpointSpec<BodySchema, QuerySchema, PathSchema, Secret, Gemini>,
  overrides: Partial<EndpointDeps> = {},
): EndpointHandler {
  const deps: EndpointDeps = { ...defaultDeps, ...overrides };
  const maxBodyBytes = spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const rateLimit: RateLimitSpec | false = spec.rateLimit ?? {
    bucket: spec.name,
    perMinute: (config) => config.rateLimit.perMinute,
  };
  const budgetSpec = normalizeBudgetSpec(spec.budget);
  const appCheck = spec.appCheck ?? budgetSpec !== undefined;
  const replayProtected = typeof appCheck === 'object' && appCheck.replayProtected;

  return async (req, res) => {
    const startedAt = Date.now();
    const requestId = resolveRequestId(req.headers['x-request-id']);
    const log = createLogger({ requestId, endpoint: spec.name });
    res.setHeader('X-Request-Id', requestId);
    applySecurityHeaders(res); // first: every answer below, errors and preflights included, carries them
    let uid: string | undefined;
    let meter: RequestBudgetMeter | undefined;
    res.once('finish', () => {
      log.info('request', { method: req.method, status: res.statusCode, uid, durationMs: Date.now() - startedAt });
    });

    try {
      const config = getConfig();
      const originAllowed = applyCorsHeaders(req, res, config.cors.origins);
      if (req.method === 'OPTIONS') {
        answerPreflight(req, res, spec.method, originAllowed);
        return;
      }
      const signal = abortOnDisconnect(res);
      assertMethod(req, spec.method);

      const identity = await authenticate(req, deps.verifyIdToken);
      uid = identity.uid;

      const issues: ValidationIssue[] = [];
      const check = <S extends z.ZodType | undefined>(
        schema: S,
        value: unknown,
        location: 'body' | 'query' | 'path',
      ): Output<S> => {
        if (!schema) return undefined as Output<S>;
        const result = validate(schema, value, location);
        if (!result.ok) issues.push(...result.issues);
        return (result.ok ? result.value : undefined) as Output<S>;
      };

      let rawBody: unknown;
      if (spec.body) {
        assertJsonContentType(req);
        rawBody = await readJsonBody(req, maxBodyBytes);
      }
      const segments = readPathSegments(req);
      if (!spec.path && segments.length > 0) throw new HttpError(404, 'not_found', 'No such resource');
      const rawQuery = readQuery(req);
      // Before any schema: every string well-formed, nesting and size bounded (well-formed.ts).
      assertInputShape({ body: rawBody, query: rawQuery, path: segments });
      // `spec.body` etc. are typed `Schema | undefined` (optional); the casts restore the inferred type.
      const body = check(spec.body as BodySchema, rawBody, 'body');
      const query = check(spec.query as QuerySchema, rawQuery, 'query');
      const path = check(spec.path as PathSchema, segments, 'path');
      if (issues.length > 0) throw invalidRequest(issues);

      const secrets = requireSecrets(spec.requiredSecrets ?? []);
      const gemini = (spec.requiresGemini ? requireGeminiAccess(config) : undefined) as Gemini extends true
        ? GeminiAccess
        : undefined;

      if (appCheck) {
        await checkAppCheck({
          mode: config.appCheck.mode,
          header: req.headers[APP_CHECK_HEADER],
          consume: replayProtected && config.appCheck.replayProtection,
          verifier: deps.appCheckVerifier,
          log: log.child({ uid }),
        });
      }

      if (rateLimit) {
        const decision = await deps.rateLimiter(rateLimit.bucket, resolveLimit(rateLimit, config)).consume(uid);
        const now = deps.clock();
        setRateLimitHeaders(res, decision, now);
        if (!decision.allowed) throw rateLimitedError(decision, now);
      }

      meter = await openBudget({ spec: budgetSpec, config, uid, deps, log: log.child({ uid }), res });

      const result = await spec.handle({
        req,
        res,
        uid,
        token: identity.token,
        body,
        query,
        path,
        requestId,
        log: log.child({ uid }),
        signal,
        config,
        secrets,
        gemini,
        budget: meter,
      });
      await closeBudget(meter, budgetSpec, res, deps.clock);
      sendResult(res, result);
    } catch (err) {
      await closeBudget(meter, budgetSpec, res, deps.clock);
      sendError(res, err, requestId, log);
    }
  };
}
