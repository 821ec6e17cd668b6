// Typed errors of the SSE layer. They carry no stream content beyond short field names, so they are
// safe to log.

export type SseErrorCode =
  /** The body ended inside a streamed event (after some of its chunks were delivered). */
  | 'SSE_INCOMPLETE_EVENT'
  /** An `event`, `id` or `retry` value exceeded maxBufferedData. */
  | 'SSE_FIELD_TOO_LONG'
  /** A streamed event's chunks were discarded because the next event was pulled first. */
  | 'SSE_EVENT_ABANDONED';

export class SseError extends Error {
  readonly code: SseErrorCode;

  constructor(code: SseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SseError';
    this.code = code;
  }
}

/** Thrown by a streamed event's chunk iterator when the body ended before the event's blank line. */
export class SseIncompleteEventError extends SseError {
  constructor(options?: { cause?: unknown }) {
    super('SSE_INCOMPLETE_EVENT', 'SSE body ended inside a streamed event (no terminating blank line)', options);
    this.name = 'SseIncompleteEventError';
  }
}
