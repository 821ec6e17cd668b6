// The one mapping from an upstream model failure (Gemini or an OpenAI-compatible server) to what a
// caller is told, for every feature and both answer styles (a JSON error, or the SSE `error` event once a stream has started):
//   prompt refused / reply stopped for content    422 blocked   {category?} (the harm category, when known)
//   429, 503 (after retries)                      503 upstream_unavailable  (Retry-After when the server gave a delay)
//   408, 504, our own deadlines                   504 upstream_timeout
//   any other model/network/protocol fault        502 upstream_error
// Each feature supplies its own presentable sentences; the upstream error rides along as `cause`
// (logged, never sent). Feature errors (a missing conversation, a bad input image...) are the
// features' own and never come here.
import { HttpError } from '../http/errors.js';
import { ModelBlockedError, ModelError, ModelTimeoutError } from './errors.js';

export type UpstreamErrorCode = 'blocked' | 'upstream_unavailable' | 'upstream_timeout' | 'upstream_error';

/** An HttpError this mapping made; its code is one of the four above. */
export class UpstreamHttpError extends HttpError {
  declare readonly code: UpstreamErrorCode;

  constructor(
    status: number,
    code: UpstreamErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause: unknown },
  ) {
    super(status, code, message, options);
    this.name = 'UpstreamHttpError';
  }
}

export interface UpstreamErrorPresentation {
  /** Fixed, presentable sentences, one per outcome. */
  messages: { blocked: string; unavailable: string; timeout: string; upstream: string };
  /** Whether a 422 says why, as `details: {reason}` (the blockReason or finishReason). */
  blockReasonInDetails: boolean;
}

/**
 * A 422's details: the harm category by its app-level name (`{category: "harassment"}`, safety.ts)
 * whenever the server says which, and the reason when the feature shows it. Nothing else of the
 * ratings (probabilities, scores) is passed on.
 */
function blockedDetails(error: ModelBlockedError, withReason: boolean): Record<string, string> | undefined {
  const details: Record<string, string> = {};
  if (withReason) details.reason = error.blockReason;
  if (error.category !== undefined) details.category = error.category;
  return Object.keys(details).length > 0 ? details : undefined;
}

const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);
const TIMEOUT_STATUSES: ReadonlySet<number> = new Set([408, 504]);

/** Idempotent: what it made comes back as is (a failure may be mapped by the turn, then by the handler). */
export function toUpstreamHttpError(error: unknown, presentation: UpstreamErrorPresentation): UpstreamHttpError {
  if (error instanceof UpstreamHttpError) return error;
  const { messages } = presentation;
  if (error instanceof ModelBlockedError) {
    const details = blockedDetails(error, presentation.blockReasonInDetails);
    return new UpstreamHttpError(422, 'blocked', messages.blocked, { details, cause: error });
  }
  if (error instanceof ModelTimeoutError)
    return new UpstreamHttpError(504, 'upstream_timeout', messages.timeout, { cause: error });
  const status = error instanceof ModelError ? error.status : undefined;
  if (status !== undefined && UNAVAILABLE_STATUSES.has(status)) {
    const headers = retryAfterHeader((error as ModelError).retryAfterMs);
    return new UpstreamHttpError(503, 'upstream_unavailable', messages.unavailable, { headers, cause: error });
  }
  if (status !== undefined && TIMEOUT_STATUSES.has(status)) {
    return new UpstreamHttpError(504, 'upstream_timeout', messages.timeout, { cause: error });
  }
  return new UpstreamHttpError(502, 'upstream_error', messages.upstream, { cause: error });
}

/** Whole seconds, at least 1 (a sub-second hint must not read as "now"). */
function retryAfterHeader(retryAfterMs: number | undefined): Record<string, string> | undefined {
  return retryAfterMs ? { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } : undefined;
}
