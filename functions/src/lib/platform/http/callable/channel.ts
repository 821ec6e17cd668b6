// What a handler's output goes through when the caller used the callable protocol: chunks of a
// `.stream()` call, and the opening that every stream starts with. respondWithSse uses it; a handler
// never needs to.
import type { Response } from 'express';
import type { CallableResponse } from 'firebase-functions/v2/https';
import { STREAM_OPENING } from '../../sse/stream-opening.js';

export interface CallableChannel {
  /** The caller asked for a stream (`.stream()`): chunks reach it. Otherwise only the result does. */
  readonly acceptsStreaming: boolean;
  /** One `data: {"message": chunk}` line; a no-op when not streaming or once the caller has left. */
  sendChunk(chunk: unknown): Promise<void>;
  /** Writes the stream's opening (once, streaming only): before the first chunk, the result or the error. */
  open(): void;
}

/** Over firebase-functions' own response proxy (its `sendChunk` frames, flushes and keeps the heartbeat). */
export function callableChannel(res: Response, acceptsStreaming: boolean, response: CallableResponse): CallableChannel {
  let opened = false;
  const open = (): void => {
    if (!acceptsStreaming || opened || res.writableEnded || res.destroyed) return;
    opened = true;
    res.write(STREAM_OPENING);
  };
  return {
    acceptsStreaming,
    open,
    async sendChunk(chunk) {
      if (!acceptsStreaming) return;
      open();
      // A failed write means the caller left: the request's signal stops the work.
      await response.sendChunk(chunk).catch(() => false);
    },
  };
}
