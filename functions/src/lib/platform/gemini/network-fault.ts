// Network faults of a Gemini call, classified once at the transport boundary (streaming-client.ts):
// the one classification (platform/model/network-fault.ts) with Gemini's error.
import { classifyFault } from '../model/network-fault.js';
import { GeminiNetworkError } from './errors.js';

export function classifyNetworkFault(error: unknown, signal?: AbortSignal): unknown {
  return classifyFault(error, signal, (code, cause) => new GeminiNetworkError(code, { cause }));
}
