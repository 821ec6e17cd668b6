// Server-Sent Events writer over a Node HTTP response (what a v2 onRequest handler gets).
//
// - Headers go out at once with an opening comment (`: ok` unless told otherwise): the functions
//   emulator (and some proxies) hold headers back until the first body write.
// - Writes are queued and respect backpressure: when res.write() says the buffer is full, the next
//   write waits for 'drain' (or for the client to go away).
// - Once the client disconnects or close() is called, sends resolve as no-ops and nothing is written.
// - A `: ping` comment goes out after `heartbeatMs` without any frame (not on a fixed beat: a busy
//   stream needs none, and idle proxies only time out silent connections).

import type { ServerResponse } from 'node:http';

export interface OutgoingSseMessage {
  event?: string;
  id?: string;
  data: string;
}

export interface SseWriter {
  /** Resolves once the frame is handed to the socket buffer (or dropped because the writer is closed). */
  send(message: OutgoingSseMessage): Promise<void>;
  /** A comment line; clients ignore it (keeps proxies from timing out idle streams). */
  comment(text: string): Promise<void>;
  /** Ends the response once queued frames are written (a reader that never drains keeps it open). Idempotent. */
  close(): void;
  readonly closed: boolean;
  /** Runs once when the stream closes for any reason (client gone, close(), response ended). */
  onClose(callback: () => void): void;
}

export interface SseWriterOptions {
  /** Silence before a `: ping` comment; 0 disables. Default 15 s (well under common 30-60 s idle timeouts). */
  heartbeatMs?: number;
  /** The first frame, a comment (default `: ok`); functions open with STREAM_OPENING (stream-opening.ts). */
  opening?: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

export function createSseWriter(
  res: ServerResponse,
  { heartbeatMs = 15_000, opening = ': ok\n\n' }: SseWriterOptions = {},
): SseWriter {
  let closed = false;
  let ending = false;
  let queue: Promise<void> = Promise.resolve();
  let backlog = 0; // frames queued but not yet handed to the socket
  let heartbeat: NodeJS.Timeout | undefined;
  const closeCallbacks: Array<() => void> = [];
  const wakeWaiters: Array<() => void> = [];

  const markClosed = (): void => {
    if (closed) return;
    closed = true;
    clearTimeout(heartbeat);
    res.off('close', markClosed);
    for (const wake of wakeWaiters.splice(0)) wake();
    for (const callback of closeCallbacks.splice(0)) runSafely(callback);
  };

  /** Writes one frame; waits for 'drain' (or close) when the socket buffer is full. */
  const writeNow = async (frame: string): Promise<void> => {
    if (closed || res.writableEnded || res.destroyed) return; // frames queued before close() still go out
    if (!ending) heartbeat?.refresh(); // the silence starts again now (a cleared timer stays cleared)
    if (res.write(frame)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        const index = wakeWaiters.indexOf(done);
        if (index >= 0) wakeWaiters.splice(index, 1);
        resolve();
      };
      res.once('drain', done);
      wakeWaiters.push(done);
    });
  };

  const enqueue = (frame: string): Promise<void> => {
    if (closed || ending) return Promise.resolve();
    backlog++;
    const written = queue.then(() => writeNow(frame)).finally(() => backlog--);
    queue = written.catch(() => undefined); // one failed write must not poison later ones
    return written;
  };

  res.on('close', markClosed);
  if (!res.headersSent) {
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-store'); // streams carry personal data: never stored
    res.setHeader('x-accel-buffering', 'no');
    res.setHeader('connection', 'keep-alive');
  }
  enqueue(opening).catch(() => undefined);

  if (heartbeatMs > 0) {
    // Skipped while frames are queued (a stalled reader should not grow the queue by itself); the
    // silence is then timed again from now.
    heartbeat = setTimeout(() => {
      if (backlog === 0) enqueue(': ping\n\n').catch(() => undefined);
      else heartbeat?.refresh();
    }, heartbeatMs);
    heartbeat.unref();
  }

  return {
    send(message) {
      try {
        return enqueue(formatMessage(message));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    comment(text) {
      return enqueue(
        `${text
          .split(LINE_BREAK)
          .map((line) => `: ${line}\n`)
          .join('')}\n`,
      );
    },
    close() {
      if (closed || ending) return;
      ending = true;
      clearTimeout(heartbeat);
      void queue.then(() => {
        if (!res.writableEnded && !res.destroyed) res.end();
        markClosed();
      });
    },
    get closed() {
      return closed || ending;
    },
    onClose(callback) {
      if (closed) queueMicrotask(() => runSafely(callback));
      else closeCallbacks.push(callback);
    },
  };
}

/** Builds one SSE frame. Field values that could inject extra fields are refused. */
export function formatMessage({ event, id, data }: OutgoingSseMessage): string {
  let frame = '';
  if (event !== undefined) {
    if (LINE_BREAK.test(event)) throw new TypeError('SSE event name must not contain line breaks');
    frame += `event: ${event}\n`;
  }
  if (id !== undefined) {
    if (LINE_BREAK.test(id) || id.includes('\0')) throw new TypeError('SSE id must not contain line breaks or NUL');
    frame += `id: ${id}\n`;
  }
  for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

function runSafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // A failing close listener must not stop the others or crash the response.
  }
}
