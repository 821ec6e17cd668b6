// Writes response pieces to the socket in bounded slices, waiting for 'drain' whenever the socket's
// buffer is full, so a 40 MB SSE event never sits in memory twice and a slow client slows the server.
import type { ServerResponse } from 'node:http';
import type { Piece } from './frames.js';

const SLICE_BYTES = 64 * 1024;

export type WriteResult = 'written' | 'closed' | 'limit';

export class ResponseWriter {
  private closed = false;
  private wakeUp: (() => void) | undefined;
  bytesSent = 0;

  constructor(
    private readonly res: ServerResponse,
    /** Called with the running byte count after each write (the first call marks the first byte). */
    private readonly onWrite: (bytesSent: number) => void,
  ) {
    res.on('close', () => {
      this.closed = true;
      this.wakeUp?.();
    });
  }

  get isClosed(): boolean {
    return this.closed || this.res.destroyed;
  }

  /** Resolves when the connection closes (used to hold a stalled response open). */
  untilClosed(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    // One shared listener, however often it is awaited (every delayed event awaits it).
    this.closedPromise ??= new Promise<void>((resolve) => this.res.once('close', () => resolve()));
    return this.closedPromise;
  }

  private closedPromise?: Promise<void>;

  /**
   * Writes the pieces in order. With `byteLimit`, stops after exactly that many bytes, waits until
   * they left the process, and returns 'limit' (the caller then cuts the connection).
   */
  async write(pieces: Piece[], byteLimit = Number.POSITIVE_INFINITY): Promise<WriteResult> {
    let budget = byteLimit;
    for (const piece of pieces) {
      const buffer = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece.source;
      const start = typeof piece === 'string' ? 0 : piece.start;
      const end = typeof piece === 'string' ? buffer.length : piece.end;
      for (let at = start; at < end; at += SLICE_BYTES) {
        if (this.isClosed) return 'closed';
        const slice = buffer.subarray(at, Math.min(end, at + SLICE_BYTES));
        if (slice.length >= budget) {
          await this.writeAndFlush(slice.subarray(0, budget));
          return 'limit';
        }
        budget -= slice.length;
        if (!this.writeSlice(slice)) await this.drained();
      }
    }
    return this.isClosed ? 'closed' : 'written';
  }

  end(text?: string): void {
    if (this.isClosed) return;
    if (text !== undefined) this.countBytes(Buffer.byteLength(text));
    this.res.end(text);
  }

  /** Cuts the connection without finishing the response. */
  destroy(): void {
    this.res.destroy();
  }

  private countBytes(length: number): void {
    if (length === 0) return;
    this.bytesSent += length;
    this.onWrite(this.bytesSent);
  }

  private writeSlice(slice: Buffer): boolean {
    this.countBytes(slice.length);
    return this.res.write(slice);
  }

  private writeAndFlush(slice: Buffer): Promise<void> {
    if (slice.length === 0) return Promise.resolve();
    this.countBytes(slice.length);
    return new Promise((resolve) => {
      this.res.write(slice, () => resolve());
      this.wakeUp = resolve; // a close while flushing also releases the caller
    });
  }

  private drained(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.wakeUp = undefined;
        resolve();
      };
      this.wakeUp = done;
      this.res.once('drain', done);
    });
  }
}
