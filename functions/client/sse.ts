// SSE frames from a fetch response body, on any platform with TextDecoder and WHATWG streams (web,
// React Native with expo/fetch, Node 18+). Uses the repo's own line parser (src/lib/platform/sse/line-parser,
// pure TypeScript); parse.ts is not used because it needs node:string_decoder.
// Reads with getReader(), since async iteration of ReadableStream is missing on some platforms.
import { SseLineParser, type SseLineSink } from '../src/lib/platform/sse/line-parser.js';

export interface SseFrame {
  event: string;
  data: string;
  id?: string;
}

/** Chat events are small; anything near this is a broken or hostile stream. */
const MAX_EVENT_CHARS = 4 * 1024 * 1024;
const BUFFER_CHARS = 256 * 1024;

export interface ByteStreamLike {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    cancel(reason?: unknown): Promise<void>;
  };
}

class FrameQueue implements SseLineSink {
  readonly frames: SseFrame[] = [];
  private streamed: { event: string; id: string; parts: string[]; size: number } | undefined;

  message(data: string, eventType: string, lastEventId: string): void {
    this.frames.push({ event: eventType || 'message', data, id: lastEventId || undefined });
  }

  streamStart(eventType: string, lastEventId: string): void {
    this.streamed = { event: eventType, id: lastEventId, parts: [], size: 0 };
  }

  streamChunk(text: string): void {
    if (!this.streamed) return;
    this.streamed.size += text.length;
    if (this.streamed.size > MAX_EVENT_CHARS) throw new Error('SSE event too large');
    this.streamed.parts.push(text);
  }

  streamEnd(complete: boolean): void {
    const streamed = this.streamed;
    this.streamed = undefined;
    if (complete && streamed) this.message(streamed.parts.join(''), streamed.event, streamed.id);
  }

  retry(): void {
    // Reconnection time: not used (a POST stream is not resumed by reconnecting).
  }
}

export async function* readSseFrames(body: ByteStreamLike): AsyncGenerator<SseFrame, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const queue = new FrameQueue();
  const parser = new SseLineParser(queue, BUFFER_CHARS);
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        parser.push(decoder.decode());
        parser.end();
        finished = true;
      } else if (value) {
        parser.push(decoder.decode(value, { stream: true }));
      }
      while (queue.frames.length > 0) yield queue.frames.shift() as SseFrame;
      if (finished) return;
    }
  } finally {
    // Leaving early (break, abort, error) releases the connection.
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}
