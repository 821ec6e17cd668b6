// Events produced by parseSseStream. An event is either buffered (its data is one string) or, when
// its data grows past `maxBufferedData`, streamed: the data arrives as chunks while the body is
// still being read, so a multi-MB `data:` line never becomes one string.

/** A complete event whose data was small enough to buffer. */
export interface SseMessage {
  /** The event's data lines joined with "\n". */
  data: string;
  /** The `event:` field; undefined means the default type ("message"). */
  event?: string;
  /** The last event ID (persists across events until the server changes it); undefined when empty. */
  id?: string;
  /** The reconnection time in ms, once the server has set one with a valid `retry:` field. */
  retry?: number;
}

/**
 * An event whose data exceeded `maxBufferedData`. `event`, `id` and `retry` are the values known when
 * streaming started. Read `dataChunks` to the end BEFORE pulling the next event: pulling the next
 * event discards whatever is left (the iterator then throws). If the body ends before the event's
 * blank line, the iterator throws SseIncompleteEventError after the chunks it already delivered.
 */
export interface SseStreamedMessage {
  data?: undefined;
  /** The data (lines joined with "\n") in arrival-sized slices; iterable once. */
  dataChunks: AsyncIterable<string>;
  event?: string;
  id?: string;
  retry?: number;
}

export type SseEvent = SseMessage | SseStreamedMessage;

export interface ParseSseOptions {
  /**
   * Data longer than this many UTF-16 code units (1 per byte for ASCII) is streamed instead of
   * buffered; it is also the longest `event`/`id`/`retry` value accepted. Default 1 MiB.
   */
  maxBufferedData?: number;
  /** Called when a valid `retry:` field sets the reconnection time (ms). */
  onRetry?: (ms: number) => void;
  /**
   * Ends iteration (and releases the body) at a buffered event whose data equals this string, e.g.
   * "[DONE]" for OpenAI-style streams. Not part of SSE and off by default; Gemini never sends one.
   */
  stopAtData?: string;
}

export const DEFAULT_MAX_BUFFERED_DATA = 1024 * 1024;

export function isStreamedSseEvent(event: SseEvent): event is SseStreamedMessage {
  return event.data === undefined;
}

export function isBufferedSseEvent(event: SseEvent): event is SseMessage {
  return event.data !== undefined;
}
