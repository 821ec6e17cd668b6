// Both Gemini backends end to end: chatStream (with its tool loop), chatMessage, generateImage,
// editImage and the match-explanation call, mounted in-process against a local Gemini-protocol server of
// this file's own, on the Developer API (API key) and on Vertex AI with Application Default Credentials.
//
// The ADC path is the real one: GOOGLE_APPLICATION_CREDENTIALS names an `external_account` file
// (dev/adc/credentials-file.ts) whose token_url is the local STS token server (dev/adc/token-server.ts);
// google-auth-library (unmodified, the GoogleAuth of src/lib/platform/gemini/endpoint.ts) reads the subject
// token from the file, POSTs the token exchange, and sends the access token as a bearer, which the Gemini
// server checks.
// Also: safety settings as sent, and every harm category named in the blocked errors of chatStream and
// both image functions.
import { GoogleGenAI } from '@google/genai';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatClient, type ChatStreamEvent } from '../../client/index.js';
import { issueAccessToken, startOfflineAdc, type OfflineAdc } from '../../dev/adc/index.js';
import { startGeminiServer, type GeminiServer, type RequestRecord } from '../../dev/gemini-server/index.js';
import { getConfig, requireGeminiAccess, type GeminiAccess } from '../../src/lib/platform/config/index.js';
import { geminiUnaryClient } from '../../src/lib/platform/gemini/clients.js';
import { GeminiEndpoint } from '../../src/lib/platform/gemini/endpoint.js';
import { GeminiAuthError } from '../../src/lib/platform/gemini/errors.js';
import { GeminiUnaryClient, type GeminiGenerateRequest } from '../../src/lib/platform/gemini/unary-client.js';
import { sdkOptions } from '../support/gemini-sdk.js';
import { geminiExplanationModel } from '../../src/lib/features/matching/explain/model.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, getServices, signUp, type SignedUpUser } from '../support/services.js';
import { makePng } from '../unit/platform/image-pipeline/fixtures.js';
import { readSse, startInspectableS3, type InspectableS3 } from './images-support.js';

const BUCKET = 'backends-test';

/** A client of its own: its own GoogleAuth, so no token cached by another test. */
const unaryClient = (access: GeminiAccess): GeminiUnaryClient => new GeminiUnaryClient(new GeminiEndpoint(access));
const textRequest = (text: string): GeminiGenerateRequest => ({
  model: 'gemini-test',
  request: { contents: [{ role: 'user', parts: [{ text }] }] },
});
const VERTEX_PROJECT = 'demo-vertex-project';
const VERTEX_LOCATION = 'us-central1';
const CATEGORIES = [
  ['HARM_CATEGORY_HARASSMENT', 'harassment'],
  ['HARM_CATEGORY_HATE_SPEECH', 'hate_speech'],
  ['HARM_CATEGORY_SEXUALLY_EXPLICIT', 'sexually_explicit'],
  ['HARM_CATEGORY_DANGEROUS_CONTENT', 'dangerous_content'],
] as const;

let saved: NodeJS.ProcessEnv;
let gemini: GeminiServer;
let adc: OfflineAdc;
let s3: InspectableS3;
let functions: MountedFunctions;
let user: SignedUpUser;
let baseEnv: Record<string, string>;

beforeAll(async () => {
  saved = { ...process.env };
  applyServiceEnv();
  adc = await startOfflineAdc();
  gemini = await startGeminiServer({ chunkDelayMs: [0, 1], accessTokenKey: adc.signingKey });
  s3 = await startInspectableS3(BUCKET);
  baseEnv = {
    RATE_LIMIT_PER_MINUTE: '1000',
    IMAGE_RATE_LIMIT_PER_MINUTE: '1000',
    UPSTASH_REDIS_REST_URL: '',
    UPSTASH_REDIS_REST_TOKEN: '',
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: BUCKET,
    GEMINI_BASE_URL: gemini.url,
    ...adc.env,
  };
  functions = await mountFunctions(await loadFunctions(['chatStream', 'chatMessage', 'generateImage', 'editImage']));
  user = await signUp();
});

afterAll(async () => {
  await functions?.close();
  await s3?.stop();
  await gemini?.close();
  await adc?.close();
  process.env = saved;
});

function useBackend(backend: 'developer-api' | 'vertex-ai'): void {
  for (const name of ['GEMINI_API_KEY', 'GEMINI_BACKEND', 'GEMINI_VERTEX_PROJECT', 'GEMINI_VERTEX_LOCATION'])
    delete process.env[name];
  Object.assign(process.env, baseEnv, { GEMINI_BACKEND: backend });
  if (backend === 'developer-api') process.env.GEMINI_API_KEY = gemini.apiKey;
  else Object.assign(process.env, { GEMINI_VERTEX_PROJECT: VERTEX_PROJECT, GEMINI_VERTEX_LOCATION: VERTEX_LOCATION });
}

function post(name: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(functions.url(name), {
    method: 'POST',
    headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
}

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const chat = () =>
  createChatClient({
    baseUrl: functions.url('chatStream').replace(/\/chatStream$/, ''),
    getIdToken: () => user.idToken,
  });
const fresh = (text: string) => `${text} ${Math.random().toString(36).slice(2)}`;
const pngDataUri = `data:image/png;base64,${makePng(16, 16).toString('base64')}`;

/** What each backend's requests must look like at the server. */
function expectAddressed(record: RequestRecord, backend: 'developer-api' | 'vertex-ai'): void {
  if (backend === 'developer-api') {
    expect(record).toMatchObject({ api: 'gemini', auth: 'api-key' });
    expect(record.path).toMatch(/^\/v1beta\/models\//);
  } else {
    expect(record).toMatchObject({
      api: 'vertex',
      auth: 'oauth',
      apiKeyPresent: false,
      vertex: { project: VERTEX_PROJECT, location: VERTEX_LOCATION },
    });
    expect(record.path).toMatch(
      /^\/v1beta1\/projects\/demo-vertex-project\/locations\/us-central1\/publishers\/google\/models\//,
    );
  }
}

describe.each(['developer-api', 'vertex-ai'] as const)('on %s', (backend) => {
  beforeEach(() => {
    useBackend(backend);
    gemini.reset();
  });

  it('chatStream runs a tool turn (call, result, signed follow-up) and sends the chat safety settings', async () => {
    process.env.CHAT_SAFETY = 'HARASSMENT=BLOCK_ONLY_HIGH';
    gemini.queue(
      {
        reply: {
          kind: 'content',
          parts: [{ type: 'functionCall', name: 'find_events', args: {}, id: 'call-1', thoughtSignature: 'c2lnLTE=' }],
        },
      },
      { reply: { kind: 'content', parts: [{ type: 'text', chunks: ['Nothing ', 'nearby yet.'] }] } },
    );
    const events = await collect(chat().streamMessage({ message: fresh('any events?') }));
    expect(events.map((event) => event.type)).toEqual(['start', 'tool-call', 'tool-result', 'delta', 'delta', 'done']);
    const requests = gemini.requests({ action: 'streamGenerateContent' });
    expect(requests).toHaveLength(2);
    for (const record of requests) expectAddressed(record, backend);
    // The follow-up carries the call with its signature and the tool's answer.
    const followUp = requests[1].body!.contents;
    expect(followUp.flatMap((content) => content.functionCalls)).toEqual([
      expect.objectContaining({ name: 'find_events', thoughtSignature: 'c2lnLTE=' }),
    ]);
    expect(followUp.flatMap((content) => content.functionResponses)).toHaveLength(1);
    expect(requests[0].body!.safetySettings).toEqual([
      { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' },
      { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_MEDIUM_AND_ABOVE' },
      { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', threshold: 'BLOCK_MEDIUM_AND_ABOVE' },
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'BLOCK_MEDIUM_AND_ABOVE' },
    ]);
  });

  it('chatMessage answers with the whole reply', async () => {
    const response = await post('chatMessage', { message: fresh('hello') });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { reply: string }).reply).toMatch(/^\[offline model\]/);
    expectAddressed(gemini.lastRequest()!, backend);
  });

  it('generateImage streams the image (whole, in one event) into S3, with the image safety settings', async () => {
    gemini.queue({
      reply: {
        kind: 'content',
        parts: [
          { type: 'text', text: 'Here.' },
          { type: 'image', imageBytes: 300_000 },
        ],
      },
    });
    const response = await post(
      'generateImage',
      { prompt: 'a lighthouse', aspectRatio: '1:1' },
      { accept: 'text/event-stream' },
    );
    const events = await readSse(response);
    expect(events.at(-1)?.event).toBe('done');
    const record = gemini.lastRequest()!;
    expectAddressed(record, backend);
    expect(record.eventsSent).toBe(2); // the text, then the whole image in one event
    expect(record.body!.safetySettings).toContainEqual({
      category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT',
      threshold: 'BLOCK_LOW_AND_ABOVE',
    });
  });

  it('editImage sends the input image and answers with the edited one', async () => {
    const response = await post('editImage', { image: pngDataUri, editPrompt: 'make it blue' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { image: { format: string } }).image.format).toBe('png');
    const record = gemini.lastRequest()!;
    expectAddressed(record, backend);
    expect(record.body!.contents[0].inlineData).toHaveLength(1);
    expect(record.body!.safetySettings).toHaveLength(4);
  });

  it('match explanations (the unary path) go to the same backend with their safety settings', async () => {
    gemini.queue({ reply: { kind: 'content', parts: [{ type: 'text', text: '{"explanations":[]}' }] } });
    const config = getConfig();
    const model = geminiExplanationModel(
      geminiUnaryClient(requireGeminiAccess(config)),
      config.matching.explanationSafetySettings,
    );
    const text = await model({
      model: 'gemini-test',
      systemInstruction: 'explain',
      prompt: 'why these matches',
      schema: { type: 'object' },
      temperature: 0.5,
      maxOutputTokens: 100,
      signal: AbortSignal.timeout(10_000),
    });
    expect(text).toBe('{"explanations":[]}');
    const record = gemini.lastRequest()!;
    expect(record.action).toBe('generateContent');
    expectAddressed(record, backend);
    expect(record.body!.safetySettings).toContainEqual({
      category: 'HARM_CATEGORY_HATE_SPEECH',
      threshold: 'BLOCK_LOW_AND_ABOVE',
    });
  });

  it.each(CATEGORIES)(
    'a prompt blocked for %s is blocked, naming %s, in chatStream and both image functions',
    async (category, name) => {
      const ratings = [
        { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'LOW' },
        { category, probability: 'MEDIUM', blocked: true },
      ];
      gemini.queue({ reply: { kind: 'blocked', blockReason: 'SAFETY', safetyRatings: ratings }, times: 3 });
      const events = await collect(chat().streamMessage({ message: fresh('blocked') }));
      expect(events.at(-1)).toMatchObject({ type: 'error', code: 'blocked', status: 422, details: { category: name } });
      // Vertex adds a blockReasonMessage and scores: none of the model's wording or numbers is passed on.
      expect(JSON.stringify(events.at(-1))).not.toMatch(/offline model|Score|MEDIUM|HARM_/);

      const generated = await post('generateImage', { prompt: 'x', aspectRatio: '1:1' });
      expect(generated.status).toBe(422);
      expect(((await generated.json()) as { error: unknown }).error).toMatchObject({
        code: 'blocked',
        details: { reason: 'SAFETY', category: name },
      });
      const edited = await post('editImage', { image: pngDataUri, editPrompt: 'x' }, { accept: 'text/event-stream' });
      const editEvents = await readSse(edited);
      expect(editEvents.at(-1)).toMatchObject({
        event: 'error',
        data: { code: 'blocked', details: { category: name } },
      });
    },
  );

  it.each(CATEGORIES)('a reply stopped for %s (highest probability, no flag) names %s', async (category, name) => {
    const ratings = [
      {
        category: 'HARM_CATEGORY_HARASSMENT',
        probability: category === 'HARM_CATEGORY_HARASSMENT' ? 'HIGH' : 'NEGLIGIBLE',
      },
      { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'LOW' },
      { category, probability: 'HIGH' },
    ];
    gemini.queue(
      {
        reply: {
          kind: 'content',
          parts: [{ type: 'text', chunks: ['Sure, '] }],
          finishReason: 'SAFETY',
          safetyRatings: ratings,
        },
      },
      { reply: { kind: 'content', parts: [{ type: 'image' }], finishReason: 'IMAGE_SAFETY', safetyRatings: ratings } },
    );
    const events = await collect(chat().streamMessage({ message: fresh('stopped') }));
    const error = events.at(-1);
    expect(error).toMatchObject({ type: 'error', code: 'blocked', details: { category: name } });
    expect(JSON.stringify(error)).not.toMatch(/HIGH|probability|HARM_CATEGORY/); // no model internals

    const generated = await post('generateImage', { prompt: 'x', aspectRatio: '1:1' });
    expect(((await generated.json()) as { error: unknown }).error).toMatchObject({
      code: 'blocked',
      details: { reason: 'IMAGE_SAFETY', category: name },
    });
  });
});

describe('Vertex AI configuration and credentials', () => {
  beforeEach(() => {
    useBackend('vertex-ai');
    gemini.reset();
  });

  it('needs no API key; the project defaults to the Firebase project; not_configured names what is missing', async () => {
    expect(process.env.GEMINI_API_KEY).toBeUndefined();
    delete process.env.GEMINI_VERTEX_PROJECT;
    const ok = await post('chatMessage', { message: fresh('hi') });
    expect(ok.status).toBe(200);
    // GCLOUD_PROJECT, as the emulator and Cloud Functions set it (a project without one: unit tests).
    expect(gemini.lastRequest()!.vertex).toEqual({ project: getServices().projectId, location: VERTEX_LOCATION });

    process.env.GEMINI_BACKEND = 'developer-api';
    const noKey = await post('generateImage', { prompt: 'x', aspectRatio: '1:1' });
    expect(noKey.status).toBe(503);
    expect(((await noKey.json()) as { error: unknown }).error).toMatchObject({
      code: 'not_configured',
      details: { missing: ['GEMINI_API_KEY'] },
    });
    process.env.GEMINI_BACKEND = 'vertex';
    const unknown = await post('chatMessage', { message: fresh('hi') });
    expect(((await unknown.json()) as { error: unknown }).error).toMatchObject({
      code: 'not_configured',
      details: { missing: ['GEMINI_BACKEND'] },
    });
    expect(gemini.requests()).toHaveLength(1);
  });

  it("the local server answers in Vertex's shape: createTime, scored ratings on every chunk, images whole", async () => {
    gemini.queue({
      reply: {
        kind: 'content',
        parts: [
          { type: 'text', chunks: ['a', 'b'] },
          { type: 'image', imageBytes: 5000 },
        ],
      },
    });
    const ai = new GoogleGenAI(sdkOptions(requireGeminiAccess(getConfig())));
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-test', contents: 'x' }))
      chunks.push(chunk);
    expect(chunks).toHaveLength(3); // two text chunks, then the image whole in one
    for (const chunk of chunks) {
      expect(chunk.createTime).toEqual(expect.any(String));
      expect(chunk.candidates?.[0].safetyRatings?.[0]).toMatchObject({
        probability: 'NEGLIGIBLE',
        probabilityScore: expect.any(Number),
        severity: 'HARM_SEVERITY_NEGLIGIBLE',
      });
    }
    expect(chunks[2].candidates?.[0].content?.parts?.[0].inlineData?.data?.length).toBeGreaterThan(5000);
  });

  it('google-auth-library exchanged the subject token at the local STS (cloud-platform scope) and reuses the token', async () => {
    const before = adc.tokenServer.exchanges().length;
    const access = requireGeminiAccess(getConfig()) as Extract<GeminiAccess, { backend: 'vertex-ai' }>;
    // A client of its own (fresh GoogleAuth, no cached token): one exchange, then two calls with it.
    const client = unaryClient({ ...access, location: 'europe-west4' });
    await client.generate(textRequest('one'));
    await client.generate(textRequest('two'));
    const exchanges = adc.tokenServer.exchanges().slice(before);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ ok: true, audience: adc.tokenServer.audience });
    expect(exchanges[0].scope?.split(' ')).toContain('https://www.googleapis.com/auth/cloud-platform');
    expect(exchanges[0].apiClient).toMatch(/google-byoid-sdk/); // the library's external-account client
    expect(gemini.requests().map((record) => record.auth)).toEqual(['oauth', 'oauth']);
  });

  it('a refused exchange fails the call, and the Vertex paths refuse missing or forged tokens with 401', async () => {
    const original = await readFile(adc.files.subjectTokenPath, 'utf8');
    await writeFile(adc.files.subjectTokenPath, 'not-the-subject-token');
    try {
      const access = requireGeminiAccess(getConfig()) as Extract<GeminiAccess, { backend: 'vertex-ai' }>;
      const refused: unknown = await unaryClient({ ...access, location: 'asia-northeast1' })
        .generate(textRequest('x'))
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(GeminiAuthError);
      expect(String((refused as Error).cause)).toMatch(/invalid_grant/);
      expect(adc.tokenServer.exchanges().at(-1)).toMatchObject({ ok: false, error: 'invalid_grant' });
      expect(gemini.requests()).toHaveLength(0); // nothing reached Gemini without a token
      // Through a function (a location no client has a cached token for): 502 upstream_error, logged
      // with its cause, not a hang or a 500.
      process.env.GEMINI_VERTEX_LOCATION = 'asia-northeast1';
      const failing = await post('chatMessage', { message: fresh('no token') });
      expect(failing.status).toBe(502);
      expect(((await failing.json()) as { error: { code: string } }).error.code).toBe('upstream_error');
    } finally {
      await writeFile(adc.files.subjectTokenPath, original);
    }
    const url = `${gemini.url}/v1beta1/projects/p/locations/global/publishers/google/models/m:generateContent`;
    const call = (headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }),
      });
    const forged = `${issueAccessToken({ sub: 'x', scope: 'https://www.googleapis.com/auth/cloud-platform', exp: 9e9 }, 'another-key')}`;
    const expired = issueAccessToken(
      { sub: 'x', scope: 'https://www.googleapis.com/auth/cloud-platform', exp: 1 },
      adc.signingKey,
    );
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${forged}` },
      { authorization: `Bearer ${expired}` },
    ]) {
      const response = await call(headers);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
    }
  });
});
