import { describe, expect, it } from 'vitest';
import * as lib from '../../../src/lib/index.js';
import type { GeminiOutputBlock, ImageBlock } from '../../../src/lib/index.js';

// The names other code and the README promise, exported from functions/src/lib/index.ts.
describe('functions/src/lib public contract', () => {
  it.each([
    'parseSseStream',
    'parseGeminiEvents',
    'base64Decode',
    'createDimensionProbe',
    'uploadImageChunks',
    'collectText',
    'GeminiStreamingClient',
    'GoogleGenAIApiAdapter',
    'createSseWriter',
    'scoreUserMatch',
    'scoreEventMatch',
    'rankUserMatches',
    'rankEventMatches',
    'GeminiError',
    'GeminiApiError',
    'GeminiHttpError',
    'GeminiBlockedError',
    'GeminiProtocolError',
    'GeminiNetworkError',
    'GeminiTimeoutError',
  ])('exports %s as a function', (name) => {
    expect(typeof (lib as Record<string, unknown>)[name]).toBe('function');
  });

  it('runs the documented pipeline on a tiny Gemini stream', async () => {
    const image = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
      'base64',
    );
    const body = [
      'data: {"candidates":[{"content":{"parts":[{"text":"Here"}],"role":"model"}}]}\r\n\r\n',
      `data: {"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"${image.toString('base64')}"}}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":5,"totalTokenCount":8}}\r\n\r\n`,
    ].map((s) => new TextEncoder().encode(s));
    const stored: Buffer[] = [];
    const target = {
      async upload({ key, body: bytes }: { key: string; body: AsyncIterable<Buffer> }) {
        for await (const chunk of bytes) stored.push(chunk);
        return { url: `memory://${key}`, bucket: 'memory', key };
      },
    };
    async function* source() {
      yield* body;
    }
    const blocks: GeminiOutputBlock[] = [];
    for await (const block of lib.collectText(
      lib.uploadImageChunks(lib.parseGeminiEvents(lib.parseSseStream(source())), {
        target,
        keyPrefix: 'u1/generated-images',
      }),
    )) {
      blocks.push(block);
    }
    expect(blocks.map((b) => b.type)).toEqual(['text', 'image', 'done']);
    expect(Buffer.concat(stored).equals(image)).toBe(true);
    const imageBlock = blocks[1] as ImageBlock;
    expect([imageBlock.width, imageBlock.height, imageBlock.contentType]).toEqual([1, 1, 'image/png']);
    expect(imageBlock.key.startsWith('u1/generated-images/')).toBe(true);
  });
});
