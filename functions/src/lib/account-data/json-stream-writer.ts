// Writing one large JSON document to an HTTP response piece by piece, at the pace the client reads:
// each write that fills the socket's buffer waits for 'drain', so memory holds what one page of data
// serialises to, never the whole document. A client that goes away stops the writing (the signal).
import { once } from 'node:events';
import type { Writable } from 'node:stream';

export class JsonStreamWriter {
  constructor(
    private readonly out: Writable,
    private readonly signal: AbortSignal,
  ) {}

  async raw(text: string): Promise<void> {
    this.signal.throwIfAborted();
    if (!this.out.write(text)) await once(this.out, 'drain', { signal: this.signal });
  }

  /** `"key":value` after a separator: ',' unless it is the first member. */
  async member(key: string, value: unknown, first = false): Promise<void> {
    await this.raw(`${first ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }

  /** `"key":[...]` with each item of `items` written as it comes. Returns how many. */
  async array(key: string, items: AsyncIterable<unknown>, first = false): Promise<number> {
    await this.raw(`${first ? '' : ','}${JSON.stringify(key)}:[`);
    let count = 0;
    for await (const item of items) await this.raw(`${count++ === 0 ? '' : ','}${JSON.stringify(item)}`);
    await this.raw(']');
    return count;
  }
}
