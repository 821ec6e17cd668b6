import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type GenerateContentRequestBody,
  serializeRequestBody,
} from '../../../../src/lib/platform/gemini/request-body.js';

async function serialize(request: GenerateContentRequestBody): Promise<{ text: string; chunkSizes: number[] }> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of serializeRequestBody(request)) chunks.push(chunk);
  return { text: Buffer.concat(chunks).toString('utf8'), chunkSizes: chunks.map((chunk) => chunk.length) };
}

async function* pieces(bytes: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    yield new Uint8Array(bytes.subarray(offset, offset + size)); // plain Uint8Array, not Buffer
    offset += size;
  }
}

function request(data: unknown, extra: Record<string, unknown> = {}): GenerateContentRequestBody {
  return {
    contents: [
      {
        role: 'user',
        parts: [{ text: 'Make it "blue"\nplease ✨' }, { inlineData: { mimeType: 'image/png', data: data as string } }],
      },
    ],
    systemInstruction: { parts: [{ text: 'You are terse.' }] },
    generationConfig: { temperature: 0.4, responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9' } },
    safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
    ...extra,
  };
}

describe('serializeRequestBody', () => {
  it('is byte-identical to JSON.stringify for a typical small request', async () => {
    const body = request('aGVsbG8=');
    expect((await serialize(body)).text).toBe(JSON.stringify(body));
  });

  it('is byte-identical for multi-MB base64 and emits bounded chunks', async () => {
    const body = request(randomBytes(3 * 1024 * 1024 + 2).toString('base64'));
    const { text, chunkSizes } = await serialize(body);
    expect(text).toBe(JSON.stringify(body));
    expect(chunkSizes.length).toBeGreaterThan(50);
    expect(Math.max(...chunkSizes)).toBeLessThan(200 * 1024);
  });

  it('escapes long text slice by slice without splitting surrogate pairs', async () => {
    // 3-char unit so every slice boundary lands in a different place relative to the emoji.
    const unit = 'a😀"\\\n\u0001é';
    const longText = unit.repeat(40_000) + '\ud800 lone surrogate';
    const body: GenerateContentRequestBody = { contents: [{ role: 'user', parts: [{ text: longText }] }] };
    expect((await serialize(body)).text).toBe(JSON.stringify(body));
    // Force a pair across the first boundary (64 Ki UTF-16 units).
    const straddling = 'x'.repeat(64 * 1024 - 1) + '😀' + 'y'.repeat(10);
    const second: GenerateContentRequestBody = { contents: [{ parts: [{ text: straddling }] }] };
    expect((await serialize(second)).text).toBe(JSON.stringify(second));
  });

  it('follows JSON.stringify rules for undefined, NaN, toJSON and nested arrays', async () => {
    const body = {
      contents: [{ role: 'user', parts: [{ text: 'x'.repeat(70_000), thought: undefined }] }],
      generationConfig: { temperature: Number.NaN, topK: undefined, stop: [undefined, () => 1, 'a'] },
      when: new Date(0),
      nested: [[[{ deep: 'x'.repeat(70_000) }]], null, true, -0, 1e21],
      skipped: () => 'no',
    } as unknown as GenerateContentRequestBody;
    expect((await serialize(body)).text).toBe(JSON.stringify(body));
  });

  for (const length of [0, 1, 2, 3, 4, 5, 49_151, 49_152, 49_153, 200_001]) {
    it(`encodes a ${length}-byte Buffer like its base64 string`, async () => {
      const bytes = randomBytes(length);
      const expected = JSON.stringify(request(bytes.toString('base64')));
      expect((await serialize(request(bytes))).text).toBe(expected);
      expect((await serialize(request(new Uint8Array(bytes)))).text).toBe(expected);
    });
  }

  it('encodes an async iterable of raw bytes, carrying 0-2 bytes across any chunking', async () => {
    const cases: Array<[number, number[]]> = [
      [10_001, [1]],
      [10_001, [2]],
      [10_001, [3]],
      [10_001, [4]],
      [10_001, [1, 2]],
      [10_001, [5, 0, 7]],
      [150_001, [65_536]],
      [150_001, [49_152, 1]],
      [150_001, [150_001]],
    ];
    for (const [length, sizes] of cases) {
      const bytes = randomBytes(length);
      const expected = JSON.stringify(request(bytes.toString('base64')));
      expect((await serialize(request(pieces(bytes, sizes)))).text, `sizes ${sizes}`).toBe(expected);
    }
  });

  it('rejects circular structures and non-byte stream chunks like JSON.stringify would', async () => {
    const cyclic: Record<string, unknown> = { big: 'x'.repeat(70_000) };
    cyclic.self = cyclic;
    await expect(serialize({ contents: [], cyclic })).rejects.toThrow(TypeError);
    async function* strings(): AsyncGenerator<string> {
      yield 'abc';
    }
    await expect(serialize(request(strings()))).rejects.toThrow(/Uint8Array/);
  });

  it('streams lazily: the source is read only as the body is consumed', async () => {
    let produced = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        produced++;
        yield randomBytes(48 * 1024);
      }
    }
    const iterator = serializeRequestBody(request(source()));
    await iterator.next();
    await iterator.next();
    expect(produced).toBeLessThan(10);
    await iterator.return(undefined);
  });
});
