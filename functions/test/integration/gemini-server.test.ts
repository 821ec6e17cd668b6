/**
 * The offline Gemini-protocol server, driven by the real @google/genai SDK and by raw fetch for the
 * wire framing. Starts its own server (in-process, ~ms), so it needs no shared service.
 */
import { createHash } from 'node:crypto';
import { ApiError, GoogleGenAI, Type } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { spawnGeminiServer } from '../../dev/gemini-server/child.js';
import { GeminiServerControl, startGeminiServer, type GeminiServer } from '../../dev/gemini-server/index.js';

const MODEL = 'gemini-test-flash';
let server: GeminiServer;
let ai: GoogleGenAI;

beforeAll(async () => {
  server = await startGeminiServer({ apiKey: 'test-key-123' });
  ai = new GoogleGenAI({ apiKey: server.apiKey, httpOptions: { baseUrl: server.url } });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

type Json = Record<string, any>; // quarantined: parsed wire JSON inspected field by field

function streamUrl(model = MODEL): string {
  return `${server.url}/v1beta/models/${model}:streamGenerateContent?alt=sse`;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': server.apiKey, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Splits an SSE body, asserting Gemini's exact framing: `data: <json>\r\n\r\n`, nothing else. */
function sseEvents(text: string): Json[] {
  expect(text.endsWith('\r\n\r\n')).toBe(true);
  return text
    .slice(0, -4)
    .split('\r\n\r\n')
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      expect(event.includes('\n')).toBe(false);
      return JSON.parse(event.slice(6)) as Json;
    });
}

function pngDimensions(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('with the real @google/genai SDK', () => {
  it('answers generateContent with a deterministic reply marked as offline', async () => {
    const first = await ai.models.generateContent({ model: MODEL, contents: 'What is on tonight?' });
    const again = await ai.models.generateContent({ model: MODEL, contents: 'What is on tonight?' });
    expect(first.text).toMatch(/^\[offline model\] /);
    expect(first.text).toContain('What is on tonight?');
    expect(again.text).toBe(first.text);
    expect(first.modelVersion).toBe(`${MODEL}-offline`);
    expect(first.usageMetadata?.candidatesTokenCount).toBeGreaterThan(0);
    expect(first.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('streams scripted chunks in order with running usage totals', async () => {
    server.queue({
      reply: { kind: 'content', parts: [{ type: 'text', chunks: ['Hel', 'lo, ', 'world!'] }] },
      chunkDelayMs: 5,
    });
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents: 'hi' }))
      chunks.push(chunk);
    expect(chunks.map((c) => c.text)).toEqual(['Hel', 'lo, ', 'world!']);
    expect(chunks.map((c) => c.candidates?.[0]?.finishReason)).toEqual([undefined, undefined, 'STOP']);
    const totals = chunks.map((c) => c.usageMetadata?.candidatesTokenCount ?? 0);
    expect(totals[2]).toBeGreaterThan(totals[0]);
    expect(new Set(chunks.map((c) => c.responseId)).size).toBe(1);
  });

  it('separates scripted thinking (text and image) from the answer', async () => {
    server.queue({
      reply: {
        kind: 'content',
        parts: [
          { type: 'text', text: 'considering', thought: true },
          { type: 'image', thought: true, width: 8, height: 8 },
          { type: 'text', text: 'answer' },
        ],
      },
    });
    const parts = [];
    for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents: 'x' })) {
      parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    }
    expect(parts.map((p) => [p.thought === true, p.text ?? p.inlineData?.mimeType])).toEqual([
      [true, 'considering'],
      [true, 'image/png'],
      [false, 'answer'],
    ]);
  });

  it('counts tokens deterministically', async () => {
    const short = await ai.models.countTokens({ model: MODEL, contents: 'four words right here' });
    const long = await ai.models.countTokens({ model: MODEL, contents: 'four words right here '.repeat(20) });
    expect(short.totalTokens).toBeGreaterThan(0);
    expect(long.totalTokens).toBeGreaterThan((short.totalTokens ?? 0) * 10);
  });

  it('produces JSON that conforms to a responseJsonSchema (zod) and a responseSchema (OpenAPI)', async () => {
    const schema = z.object({
      explanations: z
        .array(
          z.object({
            candidateId: z.string(),
            score: z.number().int().min(0).max(100),
            reason: z.string().max(40),
            tone: z.enum(['warm', 'neutral']),
          }),
        )
        .min(3),
      summary: z.string().nullable(),
    });
    const structured = await ai.models.generateContent({
      model: MODEL,
      contents: 'Explain the matches',
      config: { responseMimeType: 'application/json', responseJsonSchema: z.toJSONSchema(schema) },
    });
    const parsed = schema.parse(JSON.parse(structured.text ?? ''));
    expect(parsed.explanations.length).toBeGreaterThanOrEqual(3);
    expect(parsed.explanations[0].reason).toMatch(/^\[offline model\]/);

    const openApi = await ai.models.generateContent({
      model: MODEL,
      contents: 'Rate it',
      config: {
        responseMimeType: 'application/json',
        responseSchema: {
          type: Type.OBJECT,
          properties: { rating: { type: Type.INTEGER, minimum: 1, maximum: 5 }, ok: { type: Type.BOOLEAN } },
          required: ['rating', 'ok'],
        },
      },
    });
    const value = JSON.parse(openApi.text ?? '') as Json;
    expect(Number.isInteger(value.rating) && value.rating >= 1 && value.rating <= 5).toBe(true);
    expect(typeof value.ok).toBe('boolean');
  });

  it('replies to IMAGE modality with a real PNG sized by the aspect ratio', async () => {
    const response = await ai.models.generateContent({
      model: 'gemini-image-test',
      contents: 'a lighthouse',
      config: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '16:9' } },
    });
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts[0].text).toMatch(/^\[offline model\]/);
    const image = parts.find((p) => p.inlineData)?.inlineData;
    expect(image?.mimeType).toBe('image/png');
    expect(pngDimensions(Buffer.from(image?.data ?? '', 'base64'))).toEqual({ width: 114, height: 64 });
  });

  it('surfaces a scripted 429 as ApiError with RetryInfo, only for the first N requests', async () => {
    server.queue({ reply: { kind: 'http-error', code: 429, retryDelaySeconds: 7 }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await ai.models.generateContent({ model: MODEL, contents: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(429);
      const body = JSON.parse((error as ApiError).message) as Json;
      expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
      expect(body.error.details).toContainEqual({
        '@type': 'type.googleapis.com/google.rpc.RetryInfo',
        retryDelay: '7s',
      });
    }
    expect((await ai.models.generateContent({ model: MODEL, contents: 'x' })).text).toMatch(/^\[offline model\]/);
  });

  it('reports a blocked prompt with promptFeedback and no candidates', async () => {
    server.queue({ reply: { kind: 'blocked', blockReason: 'PROHIBITED_CONTENT' } });
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents: 'x' }))
      chunks.push(chunk);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].promptFeedback?.blockReason).toBe('PROHIBITED_CONTENT');
    expect(chunks[0].candidates).toBeUndefined();
  });

  it('rejects a wrong API key (400 API_KEY_INVALID) and a missing one (403)', async () => {
    const wrong = new GoogleGenAI({ apiKey: 'nope', httpOptions: { baseUrl: server.url } });
    const error = (await wrong.models
      .generateContent({ model: MODEL, contents: 'x' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    const body = JSON.parse(error.message) as Json;
    expect(body.error.message).toBe('API key not valid. Please pass a valid API key.');
    expect(body.error.details[0].reason).toBe('API_KEY_INVALID');
    expect(error.message).not.toContain(server.apiKey);
    const missing = await post(
      `${server.url}/v1beta/models/${MODEL}:generateContent`,
      { contents: [] },
      { 'x-goog-api-key': '' },
    );
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as Json).error.status).toBe('PERMISSION_DENIED');
    expect(server.requests().map((r) => [r.apiKeyPresent, r.apiKeyValid])).toEqual([
      [true, false],
      [false, false],
    ]);
  });

  it('logs a summary of the request body without the base64 payload', async () => {
    const photo = Buffer.alloc(50_000, 7);
    await ai.models.generateContent({
      model: MODEL,
      contents: [
        {
          role: 'user',
          parts: [{ text: 'edit this' }, { inlineData: { mimeType: 'image/png', data: photo.toString('base64') } }],
        },
      ],
      config: {
        systemInstruction: 'You are terse.',
        temperature: 0.3,
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT' as never, threshold: 'BLOCK_ONLY_HIGH' as never }],
      },
    });
    const record = server.lastRequest();
    expect(record?.action).toBe('generateContent');
    expect(record?.body?.contents[0]).toMatchObject({ role: 'user', texts: ['edit this'] });
    expect(record?.body?.contents[0].inlineData).toEqual([
      {
        mimeType: 'image/png',
        base64Chars: photo.toString('base64').length,
        bytes: photo.length,
        sha256: createHash('sha256').update(photo).digest('hex'),
        hasMetadata: false, // and no width/height: these bytes are no image
      },
    ]);
    expect(record?.body?.systemInstruction).toBe('You are terse.');
    expect(record?.body?.generationConfig).toMatchObject({ temperature: 0.3 });
    expect(record?.body?.safetySettings).toHaveLength(1);
    expect(JSON.stringify(record).length).toBeLessThan(5_000);
  });

  it('records a client abort mid-stream within 100 ms', async () => {
    server.queue({
      reply: { kind: 'content', parts: [{ type: 'text', chunks: Array.from({ length: 50 }, (_, i) => `c${i} `) }] },
      chunkDelayMs: 40,
    });
    const controller = new AbortController();
    const stream = await ai.models.generateContentStream({
      model: MODEL,
      contents: 'x',
      config: { abortSignal: controller.signal },
    });
    let abortCalledAt = 0;
    let abortReturnedAt = 0;
    await expect(
      (async () => {
        for await (const chunk of stream) {
          if (chunk.text === 'c1 ') {
            abortCalledAt = performance.timeOrigin + performance.now();
            controller.abort();
            // The first SDK abort in a process can itself take ~100-200 ms (lazy module loading under
            // tsx/vitest); measure the server's reaction from when the client finished aborting.
            abortReturnedAt = performance.timeOrigin + performance.now();
          }
        }
      })(),
    ).rejects.toThrow();
    const record = await server.waitForAbort(server.lastRequest()?.id ?? -1);
    expect(record.outcome).toBe('aborted');
    expect(record.eventsSent).toBeLessThan(50);
    expect(record.abortedAt).toBeGreaterThanOrEqual(abortCalledAt);
    expect((record.abortedAt ?? Infinity) - abortReturnedAt).toBeLessThan(100);
  });

  it('delivers an error event mid-stream as ApiError after the chunks before it', async () => {
    server.queue({
      reply: { kind: 'content', parts: [{ type: 'text', chunks: ['a', 'b', 'c'] }] },
      fault: { type: 'error-event', afterEvents: 2, code: 503 },
    });
    const texts: string[] = [];
    const error = await (async () => {
      for await (const chunk of await ai.models.generateContentStream({ model: MODEL, contents: 'x' }))
        texts.push(chunk.text ?? '');
    })().catch((e: unknown) => e);
    expect(texts).toEqual(['a', 'b']);
    expect((error as ApiError).status).toBe(503);
    expect((await server.waitForRequest({ action: 'streamGenerateContent' })).outcome).toBe('stream-error');
  });

  it('drops the connection mid-event and waits for latency before the first byte', async () => {
    server.queue({
      latencyMs: 120,
      reply: { kind: 'content', parts: [{ type: 'text', chunks: ['one', 'two'] }] },
      fault: { type: 'drop', afterEvents: 1, afterBytes: 10 },
    });
    const response = await post(streamUrl(), { contents: [{ parts: [{ text: 'x' }] }] });
    await expect(response.text()).rejects.toThrow();
    const record = await server.waitForRequest({ action: 'streamGenerateContent' });
    expect(record.outcome).toBe('dropped');
    expect(record.eventsSent).toBe(1);
    expect((record.firstByteAt ?? 0) - (record.bodyReadAt ?? 0)).toBeGreaterThanOrEqual(115);
  });
});

describe('on the wire', () => {
  it('frames SSE exactly as Gemini does, with usage, modelVersion and responseId on every event', async () => {
    const response = await post(streamUrl(), { contents: [{ role: 'user', parts: [{ text: 'frame me' }] }] });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(text).not.toMatch(/^(event|id):|\[DONE\]/m);
    const events = sseEvents(text);
    expect(events.length).toBeGreaterThan(1);
    for (const event of events) {
      expect(event.usageMetadata.totalTokenCount).toBeGreaterThan(0);
      expect(event.modelVersion).toBe(`${MODEL}-offline`);
      expect(event.responseId).toBe(events[0].responseId);
    }
    expect(events.map((e) => e.candidates[0].finishReason ?? null).slice(-2)).toEqual([null, 'STOP']);
  });

  it('delivers whole, fragmented and cumulative images that reassemble to the same bytes', async () => {
    const image = { type: 'image' as const, imageBytes: 200_000, seed: 42 };
    server.queue({
      chunkDelayMs: 0,
      reply: {
        kind: 'content',
        parts: [
          { ...image, delivery: 'whole' },
          { type: 'text', text: 'between' },
          { ...image, delivery: 'fragmented', fragments: 5, unalignedFragments: true },
          { ...image, delivery: 'cumulative', fragments: 4, mimeType: 'image/jpeg' },
          { ...image, delivery: 'cumulative', fragments: 4 },
        ],
      },
    });
    const events = sseEvents(await (await post(streamUrl(), { contents: [{ parts: [{ text: 'x' }] }] })).text());
    const data = events.map(
      (e) => (e.candidates[0].content.parts?.[0]?.inlineData?.data as string | undefined) ?? null,
    );
    expect(data.map((d) => (d === null ? 'T' : 'I')).join('')).toBe('ITIIIIIIIIIIIII');
    const whole = Buffer.from(data[0] as string, 'base64');
    expect(whole.length).toBe(200_000);
    pngDimensions(whole);
    // Buffer.equals, not toEqual: a deep compare of 200 KB element by element takes a second.
    expect(Buffer.from(data.slice(2, 7).join(''), 'base64').equals(whole)).toBe(true);
    const cumulative = data.slice(11, 15) as string[];
    cumulative.forEach((d, i) => i > 0 && expect(d.startsWith(cumulative[i - 1])).toBe(true));
    expect(Buffer.from(cumulative[3], 'base64').equals(whole)).toBe(true);
    const jpeg = Buffer.from(data[10] as string, 'base64');
    expect([jpeg.length, jpeg[0], jpeg[1]]).toEqual([200_000, 0xff, 0xd8]);
  });

  it('streams a ~10 MB image in one event', async () => {
    server.queue({ reply: { kind: 'content', parts: [{ type: 'image', imageBytes: 10_000_000 }] } });
    const events = sseEvents(await (await post(streamUrl(), { contents: [{ parts: [{ text: 'x' }] }] })).text());
    expect(events).toHaveLength(1);
    const png = Buffer.from(events[0].candidates[0].content.parts[0].inlineData.data as string, 'base64');
    expect(png.length).toBe(10_000_000);
    expect(pngDimensions(png).width).toBeGreaterThan(1000);
  });

  it('accepts the Vertex path shape and rejects unknown paths and malformed JSON', async () => {
    const vertex = await post(
      `${server.url}/v1beta1/projects/p/locations/us-central1/publishers/google/models/${MODEL}:generateContent`,
      {
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      },
    );
    expect(((await vertex.json()) as Json).candidates[0].content.parts[0].text).toMatch(/^\[offline model\]/);
    const unknown = await post(`${server.url}/v1beta/nothing-here`, {});
    expect([unknown.status, ((await unknown.json()) as Json).error.status]).toEqual([404, 'NOT_FOUND']);
    const malformed = await post(`${server.url}/v1beta/models/${MODEL}:generateContent`, '{"contents": [');
    expect([malformed.status, ((await malformed.json()) as Json).error.status]).toEqual([400, 'INVALID_ARGUMENT']);
  });

  it('is scriptable over the control endpoints, in-process and as a child process', async () => {
    const control = new GeminiServerControl(server.url);
    await control.queue({
      name: 'scripted',
      match: { action: 'generateContent' },
      reply: { kind: 'content', parts: [{ type: 'text', text: 'via control' }] },
    });
    expect((await ai.models.generateContent({ model: MODEL, contents: 'x' })).text).toBe('via control');
    expect((await control.waitForRequest({ scenario: 'scripted' })).outcome).toBe('completed');
    await expect(control.queue({ reply: { kind: 'nonsense' } } as never)).rejects.toThrow(/400/);

    const child = await spawnGeminiServer({ apiKey: 'child-key' });
    try {
      await child.control.queue({ reply: { kind: 'http-error', code: 503 } });
      const childAi = new GoogleGenAI({ apiKey: 'child-key', httpOptions: { baseUrl: child.url } });
      const error = (await childAi.models
        .generateContent({ model: MODEL, contents: 'x' })
        .catch((e: unknown) => e)) as ApiError;
      expect(error.status).toBe(503);
      expect((await child.control.requests()).map((r) => r.status)).toEqual([503]);
    } finally {
      await child.stop();
    }
  });
});
