import { describe, expect, it } from 'vitest';
import { collectText } from '../../../../src/lib/platform/gemini/text-blocks.js';
import type {
  AfterUploadEvent,
  GeminiOutputBlock,
  ImageBlock,
} from '../../../../src/lib/platform/image-pipeline/image-block.js';

async function run(events: AfterUploadEvent[]): Promise<GeminiOutputBlock[]> {
  async function* source(): AsyncGenerator<AfterUploadEvent> {
    yield* events;
  }
  const out: GeminiOutputBlock[] = [];
  for await (const block of collectText(source())) out.push(block);
  return out;
}

const image: ImageBlock = {
  type: 'image',
  url: 'u',
  key: 'k',
  bucket: 'b',
  width: 1,
  height: 1,
  format: 'png',
  contentType: 'image/png',
  contentLength: 3,
};

describe('collectText', () => {
  it('joins consecutive answer deltas into one block, flushed at the end', async () => {
    expect(
      await run([
        { type: 'text-delta', text: 'Hel' },
        { type: 'text-delta', text: 'lo' },
        { type: 'text-delta', text: '!' },
      ]),
    ).toEqual([{ type: 'text', text: 'Hello!' }]);
  });

  it('flushes before any other event and keeps the order', async () => {
    const out = await run([
      { type: 'text-delta', text: 'a' },
      { type: 'text-delta', text: 'b' },
      image,
      { type: 'text-delta', text: 'c' },
      { type: 'done', finishReason: 'STOP' },
    ]);
    expect(out).toEqual([
      { type: 'text', text: 'ab' },
      image,
      { type: 'text', text: 'c' },
      { type: 'done', finishReason: 'STOP' },
    ]);
  });

  it('collects thinking separately and never mixes it into the answer', async () => {
    const out = await run([
      { type: 'text-delta', text: 'Let me ', thought: true },
      { type: 'text-delta', text: 'think.', thought: true },
      { type: 'text-delta', text: 'Answer ' },
      { type: 'text-delta', text: 'aside', thought: true },
      { type: 'text-delta', text: 'done.' },
    ]);
    expect(out).toEqual([
      { type: 'thought', text: 'Let me think.' },
      { type: 'text', text: 'Answer ' },
      { type: 'thought', text: 'aside' },
      { type: 'text', text: 'done.' },
    ]);
  });

  it('emits no empty blocks and passes non-text events through untouched', async () => {
    const done = { type: 'done' as const, usage: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 } };
    const out = await run([{ type: 'text-delta', text: '' }, image, done]);
    expect(out).toEqual([image, done]);
    expect(out[1]).toBe(done);
    expect(await run([])).toEqual([]);
  });

  it('propagates an upstream error', async () => {
    async function* failing(): AsyncGenerator<AfterUploadEvent> {
      yield { type: 'text-delta', text: 'partial' };
      throw new Error('stream broke');
    }
    await expect(
      (async () => {
        for await (const block of collectText(failing())) void block;
      })(),
    ).rejects.toThrow('stream broke');
  });
});
