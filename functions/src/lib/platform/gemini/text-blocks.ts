// Layer 3 of the Gemini pipeline: joins runs of text deltas into blocks.
//
// Answer text and thinking text are collected separately and each run is flushed when the kind
// changes, so a thought can never end up inside the answer. Any other event (an uploaded image,
// done) flushes first, keeping the original order; so does the end of the stream. It only knows
// text deltas: what the other events are (e.g. image-pipeline's ImageBlock) is the caller's type.

import type { TextBlock, TextDeltaEvent, ThoughtBlock } from './types.js';

export async function* collectText<Other extends { type: string }>(
  events: AsyncIterable<TextDeltaEvent | Other>,
): AsyncGenerator<TextBlock | ThoughtBlock | Other> {
  let parts: string[] = [];
  let collecting: 'text' | 'thought' = 'text';

  const flush = (): TextBlock | ThoughtBlock | undefined => {
    if (parts.length === 0) return undefined;
    const text = parts.join('');
    parts = [];
    return text.length > 0 ? { type: collecting, text } : undefined;
  };

  for await (const event of events) {
    if (isTextDelta(event)) {
      const kind = event.thought ? 'thought' : 'text';
      if (kind !== collecting) {
        const block = flush();
        if (block) yield block;
        collecting = kind;
      }
      parts.push(event.text);
      continue;
    }
    const block = flush();
    if (block) yield block;
    yield event;
  }
  const last = flush();
  if (last) yield last;
}

function isTextDelta(event: { type: string }): event is TextDeltaEvent {
  return event.type === 'text-delta';
}
