// Network faults, classified once, at the transport boundary (streaming-client.ts wraps the fetch call
// and the reading of the body with it), so that nothing above has to guess what a TypeError means.
import { GeminiError, GeminiNetworkError } from './errors.js';

/** Node system codes (ECONNRESET, ECONNREFUSED, ETIMEDOUT, EPIPE, ENOTFOUND...) and undici's own. */
const NETWORK_CODE = /^(E[A-Z0-9]+|UND_ERR_[A-Z0-9_]+)$/;

/**
 * What a failed fetch or body read means. The signal's own abort passes through unchanged (the caller
 * knows why it aborted), except an AbortSignal.timeout, which is a network timeout. A TypeError (undici
 * reports refused and reset connections as "fetch failed", a cut body as "terminated") or an error
 * with a system/undici code becomes a GeminiNetworkError. Anything else passes through.
 */
export function classifyNetworkFault(error: unknown, signal?: AbortSignal): unknown {
  if (error instanceof GeminiError) return error;
  if (isAbortSignalTimeout(error)) return new GeminiNetworkError('NETWORK_TIMEOUT', { cause: error });
  if (signal?.aborted) return error;
  if (error instanceof TypeError)
    return new GeminiNetworkError(networkCode(error) ?? 'NETWORK_ERROR', { cause: error });
  const code = networkCode(error);
  return code === undefined ? error : new GeminiNetworkError(code, { cause: error });
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
