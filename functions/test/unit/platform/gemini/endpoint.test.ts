// Our Gemini addressing without the SDK (endpoint.ts) against @google/genai's own, for the same access:
// every backend, location kind, base URL and model naming gives the same URL, and the same auth header.
import { GoogleGenAI } from '@google/genai';
import { describe, expect, it, vi } from 'vitest';
import type { GeminiAccess } from '../../../../src/lib/platform/config/index.js';
import { GoogleGenAIApiAdapter, type GeminiAction } from '../../../../src/lib/platform/gemini/adapter.js';
import { GeminiEndpoint, type VertexAuth } from '../../../../src/lib/platform/gemini/endpoint.js';
import { GeminiUnaryClient } from '../../../../src/lib/platform/gemini/unary-client.js';
import { sdkOptions, withoutSdkEnvironment } from '../../../support/gemini-sdk.js';

withoutSdkEnvironment();

/** Stands in for Application Default Credentials, on both sides. */
const fakeAuth: VertexAuth = { getRequestHeaders: async () => new Headers({ authorization: 'Bearer vertex-token' }) };

function sdkClient(access: GeminiAccess): GoogleGenAI {
  const options = sdkOptions(access);
  if (access.backend === 'vertex-ai') options.googleAuthOptions = { authClient: fakeAuth as never };
  return new GoogleGenAI(options);
}

function sdkAdapter(access: GeminiAccess): GoogleGenAIApiAdapter {
  return new GoogleGenAIApiAdapter(sdkClient(access));
}

/** Every request `call` sends through fetch, answered with a model's metadata. */
async function requestsOf(call: () => Promise<unknown>): Promise<{ url: string; method: string; auth: string }[]> {
  const seen: { url: string; method: string; auth: string }[] = [];
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push({
      url: request.url,
      method: request.method,
      auth: request.headers.get('x-goog-api-key') ?? request.headers.get('authorization') ?? '',
    });
    return Response.json({ name: 'models/gemini-x' });
  });
  try {
    await call();
  } finally {
    vi.unstubAllGlobals();
  }
  return seen;
}

const ACCESSES: GeminiAccess[] = [
  { backend: 'developer-api', apiKey: 'k-1', baseUrl: 'https://generativelanguage.googleapis.com' },
  { backend: 'developer-api', apiKey: 'k-1', baseUrl: 'http://127.0.0.1:4567/' },
  { backend: 'developer-api', apiKey: 'k-1', baseUrl: 'https://proxy.example.test/gemini' },
  { backend: 'vertex-ai', project: 'p1', location: 'global', baseUrl: undefined },
  { backend: 'vertex-ai', project: 'p1', location: 'us-central1', baseUrl: undefined },
  { backend: 'vertex-ai', project: 'p1', location: 'europe-west4', baseUrl: undefined },
  { backend: 'vertex-ai', project: 'p1', location: 'us', baseUrl: undefined },
  { backend: 'vertex-ai', project: 'p1', location: 'eu', baseUrl: undefined },
  { backend: 'vertex-ai', project: 'p1', location: 'global', baseUrl: 'http://127.0.0.1:4567' },
  { backend: 'vertex-ai', project: 'p1', location: 'asia-northeast1', baseUrl: 'https://proxy.example.test/v/' },
];
const MODELS = [
  'gemini-flash-latest',
  'models/gemini-x',
  'tunedModels/my-tune',
  'google/gemini-x',
  'publishers/google/models/gemini-x',
  'projects/p2/locations/us-east1/publishers/google/models/gemini-x',
];
const ACTIONS: GeminiAction[] = ['generateContent', 'streamGenerateContent'];

describe('GeminiEndpoint', () => {
  it.each(ACCESSES.map((access) => [`${access.backend} ${JSON.stringify(access)}`, access] as const))(
    'builds the URLs the SDK builds: %s',
    (_label, access) => {
      const ours = new GeminiEndpoint(access, fakeAuth);
      const sdk = sdkAdapter(access);
      expect(ours.isVertexAI()).toBe(sdk.isVertexAI());
      for (const model of MODELS) {
        for (const action of ACTIONS) {
          expect(ours.buildRequestUrl(model, action).toString(), `${model} ${action}`).toBe(
            sdk.buildRequestUrl(model, action).toString(),
          );
        }
      }
    },
  );

  it.each(ACCESSES.map((access) => [`${access.backend} ${JSON.stringify(access)}`, access] as const))(
    'reads a model (models.get) with the request the SDK sends: %s',
    async (_label, access) => {
      for (const model of MODELS) {
        const ours = await requestsOf(() =>
          new GeminiUnaryClient(new GeminiEndpoint(access, fakeAuth)).getModel(model),
        );
        const sdk = await requestsOf(() => sdkClient(access).models.get({ model }));
        expect(ours, model).toEqual(sdk);
        expect(ours).toHaveLength(1);
        expect(ours[0].method).toBe('GET');
      }
    },
  );

  it('authenticates the Developer API with the key in a header, never in the URL', async () => {
    const access: GeminiAccess = { backend: 'developer-api', apiKey: 'test-key-123', baseUrl: 'http://127.0.0.1:7' };
    const ours = new GeminiEndpoint(access);
    const url = ours.buildRequestUrl('gemini-x', 'streamGenerateContent');
    expect(url.toString()).toBe('http://127.0.0.1:7/v1beta/models/gemini-x:streamGenerateContent?alt=sse');
    expect(url.toString()).not.toContain('test-key-123');
    const headers = await ours.getHeaders(url.toString());
    expect(headers).toMatchObject({ 'x-goog-api-key': 'test-key-123', 'content-type': 'application/json' });
    expect(headers.authorization).toBeUndefined();
    const sdkHeaders = await sdkAdapter(access).getHeaders(url.toString());
    expect(headers['x-goog-api-key']).toBe(sdkHeaders['x-goog-api-key']);
  });

  it('authenticates Vertex AI with the credentials bearer and no key, as the SDK does', async () => {
    const access: GeminiAccess = { backend: 'vertex-ai', project: 'p1', location: 'us-central1', baseUrl: undefined };
    const url = new GeminiEndpoint(access, fakeAuth).buildRequestUrl('gemini-x', 'generateContent').toString();
    const headers = await new GeminiEndpoint(access, fakeAuth).getHeaders(url);
    expect(headers).toMatchObject({ authorization: 'Bearer vertex-token', 'content-type': 'application/json' });
    expect(headers['x-goog-api-key']).toBeUndefined();
    expect(headers.authorization).toBe((await sdkAdapter(access).getHeaders(url)).authorization);
  });

  it('rejects model names that could change the path or query', () => {
    const ours = new GeminiEndpoint({ backend: 'developer-api', apiKey: 'k', baseUrl: 'http://127.0.0.1:7' });
    for (const bad of ['', '../files', 'x?key=1', 'x&y', 'x#y']) {
      expect(() => ours.buildRequestUrl(bad, 'generateContent')).toThrow(/invalid model/);
    }
  });
});
