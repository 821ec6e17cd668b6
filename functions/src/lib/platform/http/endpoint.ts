// defineEndpoint: the whole request layer around a handler, for two protocols at one URL:
//   REST and SSE (ours): request id, security headers -> CORS (OPTIONS answered here, no auth) -> method
//     -> the checks of request-layer.ts -> handle -> the JSON answer or error (responses.ts);
//   the Firebase callable protocol (a POST whose JSON body is exactly {"data": ...}, callable.ts):
//     request id, security headers, CORS -> the same checks in the same order, `data` standing for the
//     body (or for the query of a GET endpoint) -> handle -> {"result": ...} or {"error": ...} written by
//     firebase-functions' onCall (callable.ts), streamed for `.stream()` callers.
// Anything thrown becomes the protocol's one error shape; the result is a plain (req, res) handler for
// onRequest. Handlers answer by returning a value, or by streaming through respondWithSse
// (sse-responder.ts), which speaks both protocols; a handler must not write to `res` itself.
import type { Request, Response } from 'express';
import type { DecodedIdToken } from 'firebase-admin/auth';
import type { core } from 'zod/mini';
import { firebaseAppCheckVerifier, type AppCheckVerifier } from '../app-check/verifier.js';
import { getDailyBudget } from '../budget/resilient-store.js';
import { defaultUsageRecorder } from '../budget/usage-record.js';
import { getConfig, type AppConfig, type GeminiAccess, type SecretName, type TextAccess } from '../config/index.js';
import { systemClock } from '../clock.js';
import { getAdminApp } from '../firebase.js';
import { createLogger } from '../logging.js';
import type { RequestScope } from '../request-scope.js';
import { getRateLimiter } from '../rate-limit/resilient-limiter.js';
import type { RateLimiter } from '../rate-limit/types.js';
import { verifyWithFirebaseAdmin, type IdTokenVerifier } from './auth.js';
import { normalizeBudgetSpec, type BudgetDeps, type BudgetSpec } from './budget-layer.js';
import type { CallableChannel } from './callable.js';
import { toCallableError } from './errors.js';
import { isCallableRequest, readCallableData } from './callable.js';
import { callableResponder } from './callable.js';
import { assertJsonContentType } from './request-checks.js';
import { answerPreflight, applyCorsHeaders } from './responses.js';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './request-checks.js';
import { errorOfResponse, toHttpError } from './errors.js';
import { assertMethod, type HttpMethod } from './request-checks.js';
import { resolveRequestId } from './responses.js';
import { runEndpoint, type EndpointSettings, type Exchange, type RequestInput } from './request-layer.js';
import { isEndpointResponse, logFailure, sendError, sendResult } from './responses.js';
import { applySecurityHeaders } from './responses.js';
import { HEARTBEAT_MS } from './sse-responder.js';
import { readQuery } from './request-checks.js';
import { warmUpInstanceFor } from '../instance-warm-up.js';

type Output<S> = S extends core.$ZodType ? core.output<S> : undefined;

export interface EndpointContext<
  Body,
  Query,
  Path,
  Secret extends SecretName = never,
  Gemini extends boolean = false,
  Text extends boolean = false,
> {
  req: Request;
  res: Response;
  /** Who asks, the log, the signal, the budgets and the settings: what every feature is given. */
  scope: RequestScope;
  /** The verified ID token's claims. */
  token: DecodedIdToken;
  body: Body;
  query: Query;
  /** Validated path segments after the function name, e.g. ["<uid>"] for /suggestions/<uid>. */
  path: Path;
  requestId: string;
  /** The spec's requiredSecrets, checked once here: a handler passes them on, nobody checks them again. */
  secrets: Readonly<Record<Secret, string>>;
  /** With `requiresGemini`: the configured Gemini backend, checked once here (platform/gemini/clients.ts builds the client). */
  gemini: Gemini extends true ? GeminiAccess : undefined;
  /** With `requiresTextModel`: the backend of chat and explanations (TEXT_BACKEND), checked once here. */
  text: Text extends true ? TextAccess : undefined;
  /** Set when the caller used the Firebase callable protocol; respondWithSse streams through it. */
  callable?: CallableChannel;
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
  Text extends boolean = false,
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
   * The endpoint calls the text model (TEXT_BACKEND: Gemini, or an OpenAI-compatible server): what that
   * backend needs is checked with the secrets (503 not_configured naming what is missing) and reaches
   * handle as ctx.text. On openai-compatible no Gemini key is needed.
   */
  requiresTextModel?: Text;
  /**
   * The daily AI budget this endpoint spends (DAILY_TOKEN_BUDGET / DAILY_IMAGE_BUDGET): checked before
   * the handler (images: one unit reserved), 429 quota_exceeded when used up, AI-Budget-* headers.
   */
  budget?: BudgetSpec['kind'] | BudgetSpec;
  /**
   * App Check (APP_CHECK off|monitor|enforce). Default: on for endpoints with a budget (the AI ones).
   * `replayProtected`: the token is also consumed when APP_CHECK_REPLAY_PROTECTION is on.
   */
  appCheck?: boolean | { replayProtected: boolean };
  handle(
    ctx: EndpointContext<Output<BodySchema>, Output<QuerySchema>, Output<PathSchema>, Secret, Gemini, Text>,
  ): unknown;
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

/** REST: the body (JSON, within the size limit) when the endpoint takes one; the query from the URL. */
async function readRestInput(req: Request, hasBody: boolean, maxBodyBytes: number): Promise<RequestInput> {
  let body: unknown;
  if (hasBody) {
    assertJsonContentType(req);
    body = await readJsonBody(req, maxBodyBytes);
  }
  return { body: { value: body, location: 'body' }, query: { value: readQuery(req), location: 'query' } };
}

/** Callable: `data` is the body, or the query of an endpoint without a body (a GET one, such as suggestions). */
async function readCallableInput(req: Request, hasBody: boolean, maxBodyBytes: number): Promise<RequestInput> {
  const data = { value: await readCallableData(req, maxBodyBytes), location: 'data' as const };
  return hasBody
    ? { body: data, query: { value: readQuery(req), location: 'query' } }
    : { body: { value: undefined, location: 'body' }, query: data };
}

/** A handler's return value as the callable result: an error envelope of 4xx/5xx becomes the error. */
function callableResult(res: Response, result: unknown): unknown {
  if (!isEndpointResponse(result)) return result ?? null;
  if (result.status >= 400) throw errorOfResponse(result);
  if (!res.headersSent) for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  return result.body ?? null;
}

export function defineEndpoint<
  BodySchema extends core.$ZodType | undefined = undefined,
  QuerySchema extends core.$ZodType | undefined = undefined,
  PathSchema extends core.$ZodType | undefined = undefined,
  Secret extends SecretName = never,
  Gemini extends boolean = false,
  Text extends boolean = false,
>(
  spec: EndpointSpec<BodySchema, QuerySchema, PathSchema, Secret, Gemini, Text>,
  overrides: Partial<EndpointDeps> = {},
): EndpointHandler {
  const deps: EndpointDeps = { ...defaultDeps, ...overrides };
  const maxBodyBytes = spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const hasBody = spec.body !== undefined;
  const budget = normalizeBudgetSpec(spec.budget);
  const appCheck = spec.appCheck ?? budget !== undefined;
  const settings: EndpointSettings = {
    rateLimit: spec.rateLimit ?? { bucket: spec.name, perMinute: (config) => config.rateLimit.perMinute },
    budget,
    appCheck: appCheck !== false,
    replayProtected: typeof appCheck === 'object' && appCheck.replayProtected,
  };
  const answerCallable = callableResponder({ heartbeatSeconds: HEARTBEAT_MS / 1000 });
  warmUpInstanceFor(spec.name);

  return async (req, res) => {
    const startedAt = Date.now();
    const requestId = resolveRequestId(req.headers['x-request-id']);
    const log = createLogger({ requestId, endpoint: spec.name });
    res.setHeader('X-Request-Id', requestId);
    applySecurityHeaders(res); // first: every answer below, errors and preflights included, carries them
    let uid: string | undefined;
    let protocol: 'rest' | 'callable' = 'rest';
    res.once('finish', () => {
      log.info('request', {
        method: req.method,
        protocol,
        status: res.statusCode,
        uid,
        durationMs: Date.now() - startedAt,
      });
    });

    try {
      const config = getConfig();
      const originAllowed = applyCorsHeaders(req, res, config.cors.origins);
      if (req.method === 'OPTIONS') {
        answerPreflight(req, res, spec.method, originAllowed);
        return;
      }
      const exchange = (readInput: Exchange['readInput'], callable?: CallableChannel): Exchange => ({
        req,
        res,
        requestId,
        log,
        config,
        signal: abortOnDisconnect(res),
        readInput,
        ...(callable ? { callable } : {}),
        onIdentified: (caller) => (uid = caller),
      });

      if (isCallableRequest(req)) {
        protocol = 'callable';
        // Callables are always POST, whatever the REST method (suggestions is a GET).
        await answerCallable(req, res, async (channel) => {
          const run = exchange(() => readCallableInput(req, hasBody, maxBodyBytes), channel);
          try {
            const result = callableResult(res, await runEndpoint(spec, settings, deps, run));
            channel.open();
            return result;
          } catch (err) {
            if (run.signal.aborted) log.info('callable ended: client disconnected');
            else logFailure(log, err);
            const error = toHttpError(err);
            if (!res.headersSent) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
            channel.open();
            throw toCallableError(error, requestId);
          }
        });
        return;
      }

      const run = exchange(() => readRestInput(req, hasBody, maxBodyBytes));
      assertMethod(req, spec.method);
      sendResult(res, await runEndpoint(spec, settings, deps, run));
    } catch (err) {
      sendError(res, err, requestId, log);
    }
  };
}
