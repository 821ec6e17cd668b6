// Network faults, classified once, at a transport boundary (each backend's streaming client wraps the
// fetch call and the reading of the body with it), so that nothing above has to guess what a
// TypeError means. The backend names its own error (GeminiNetworkError, OpenAiNetworkError).
import { ModelError, type ModelNetworkError } from './errors.js';

/** Makes the backend's network error for a classified fault. */
export type NetworkErrorFactory = (code: string, cause: unknown) => ModelNetworkError;

/** Node system codes (ECONNRESET, ECONNREFUSED, ETIMEDOUT, EPIPE, ENOTFOUND...) and undici's own. */
const NETWORK_CODE = /^(E[A-Z0-9]+|UND_ERR_[A-Z0-9_]+)$/;

/**
 * What a failed fetch or body read means. The signal's own abort passes through unchanged (the caller
 * knows why it aborted), except an AbortSignal.timeout, which is a network timeout. A TypeError (undici
 * reports refused and reset connections as "fetch failed", a cut body as "terminated") or an error
 * with a system/undici code becomes the backend's network error. Anything else passes through.
 */
export function classifyFault(error: unknown, signal: AbortSignal | undefined, make: NetworkErrorFactory): unknown {
  if (error instanceof ModelError) return error;
  if (isAbortSignalTimeout(error)) return make('NETWORK_TIMEOUT', error);
  if (signal?.aborted) return error;
  if (error instanceof TypeError) return make(networkCode(error) ?? 'NETWORK_ERROR', error);
  const code = networkCode(error);
  return code === undefined ? error : make(code, error);
}

function isAbortSignalTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}

/** The first system/undici code along the cause chain (undici puts the socket error in `cause`). */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODE.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
