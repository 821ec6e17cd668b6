// One Gemini response of a chat turn, kept as the parts Gemini must get back. A follow-up request
// after a tool call repeats the model's message exactly as received (every function-call part verbatim,
// thought signatures included: Gemini 3 refuses a follow-up whose calls lack them). Two things are
// not "as received", on purpose:
//   - plain text chunks without a signature are joined into one part (the stream cut them, not the
//     model), and a signed part is never joined with anything;
//   - a call repeated in a later chunk (seen from Gemini) is dropped, keeping any signature either
//     copy carried.
import type { StreamingPart } from '../../../platform/gemini/request-body.js';
import type { FunctionCallEvent, TextDeltaEvent } from '../../../platform/gemini/types.js';
import { canonicalJson } from '../cache-key.js';
import type { ModelCall, ModelResponse, ModelTextEvent, ModelToolCallEvent } from './chat-model.js';

export interface GeminiCall extends ModelCall {
  /** Gemini's own id, echoed in the functionResponse only when it sent one. */
  geminiId?: string;
}

export class GeminiResponse implements ModelResponse {
  readonly parts: StreamingPart[] = [];
  readonly calls: GeminiCall[] = [];
  private readonly callParts = new Map<string, StreamingPart>();

  /** @param idPrefix makes call ids unique across the turn's model calls (e.g. "c2" for the 2nd). */
  constructor(private readonly idPrefix: string) {}

  /** The neutral events of this backend carry Gemini's own event as `raw` (gemini-model.ts). */
  add(event: ModelTextEvent | ModelToolCallEvent): GeminiCall | undefined {
    if (event.type === 'text') {
      this.addText(event.raw as TextDeltaEvent);
      return undefined;
    }
    return this.addCall(event.raw as FunctionCallEvent);
  }

  addText(event: TextDeltaEvent): void {
    const last = this.parts[this.parts.length - 1];
    const joinable =
      last !== undefined &&
      typeof last.text === 'string' &&
      last.thoughtSignature === undefined &&
      event.thoughtSignature === undefined &&
      (last.thought === true) === (event.thought === true);
    if (joinable) {
      last.text += event.text;
      return;
    }
    const part: StreamingPart = { text: event.text };
    if (event.thought) part.thought = true;
    if (event.thoughtSignature !== undefined) part.thoughtSignature = event.thoughtSignature;
    this.parts.push(part);
  }

  /** The call when it is new; undefined for a repeat (whose signature, if any, is kept). */
  addCall(event: FunctionCallEvent): GeminiCall | undefined {
    const key = event.id !== undefined ? `id:${event.id}` : `call:${event.name}:${canonicalJson(event.args)}`;
    const seen = this.callParts.get(key);
    if (seen) {
      if (seen.thoughtSignature === undefined && event.thoughtSignature !== undefined) {
        seen.thoughtSignature = event.thoughtSignature;
      }
      return undefined;
    }
    const part: StreamingPart = { ...event.part };
    this.callParts.set(key, part);
    this.parts.push(part);
    const call: GeminiCall = {
      id: event.id ?? `${this.idPrefix}-${this.calls.length + 1}`,
      name: event.name,
      args: event.args,
    };
    if (event.id !== undefined) call.geminiId = event.id;
    this.calls.push(call);
    return call;
  }
}
