import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { GoogleGenAIApiAdapter } from '../../../../src/lib/platform/gemini/adapter.js';
import { withoutSdkEnvironment } from '../../../support/gemini-sdk.js';

withoutSdkEnvironment();

describe('GoogleGenAIApiAdapter', () => {
  it('addresses the Gemini Developer API with an API key', async () => {
    const adapter = new GoogleGenAIApiAdapter(new GoogleGenAI({ apiKey: 'test-key-123' }));
    expect(adapter.isVertexAI()).toBe(false);

    const streamUrl = adapter.buildRequestUrl('gemini-flash-latest', 'streamGenerateContent');
    expect(streamUrl.toString()).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-flash-latest:streamGenerateContent?alt=sse',
    );
    const unaryUrl = adapter.buildRequestUrl('models/gemini-x', 'generateContent');
    expect(unaryUrl.toString()).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-x:generateContent',
    );

    const headers = await adapter.getHeaders(streamUrl.toString());
    expect(headers['x-goog-api-key']).toBe('test-key-123');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-goog-api-client']).toMatch(/google-genai-sdk\//);
    expect(streamUrl.searchParams.has('key')).toBe(false); // the key never goes in the URL
  });

  it('honours httpOptions.baseUrl (how tests reach a local server)', () => {
    const adapter = new GoogleGenAIApiAdapter(
      new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: 'http://127.0.0.1:4567/' } }),
    );
    expect(adapter.buildRequestUrl('gemini-x', 'streamGenerateContent').toString()).toBe(
      'http://127.0.0.1:4567/v1beta/models/gemini-x:streamGenerateContent?alt=sse',
    );
  });

  it('honours GOOGLE_GEMINI_BASE_URL and a custom apiVersion', () => {
    process.env.GOOGLE_GEMINI_BASE_URL = 'http://127.0.0.1:9999';
    const adapter = new GoogleGenAIApiAdapter(new GoogleGenAI({ apiKey: 'k', apiVersion: 'v1' }));
    expect(adapter.buildRequestUrl('gemini-x', 'generateContent').toString()).toBe(
      'http://127.0.0.1:9999/v1/models/gemini-x:generateContent',
    );
  });

  it('addresses Vertex AI with project and location, using the client auth headers', async () => {
    const fakeAuthClient = {
      getRequestHeaders: async () => new Headers({ authorization: 'Bearer vertex-token' }),
    };
    const client = new GoogleGenAI({
      vertexai: true,
      project: 'demo-project',
      location: 'europe-west4',
      // Keeps google-auth-library off the network; any AuthClient-shaped object works.
      googleAuthOptions: { authClient: fakeAuthClient as never },
    });
    const adapter = new GoogleGenAIApiAdapter(client);
    expect(adapter.isVertexAI()).toBe(true);
    const url = adapter.buildRequestUrl('gemini-3-pro-image', 'streamGenerateContent');
    expect(url.toString()).toBe(
      'https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/demo-project/locations/europe-west4/publishers/google/models/gemini-3-pro-image:streamGenerateContent?alt=sse',
    );
    const headers = await adapter.getHeaders(url.toString());
    expect(headers.authorization).toBe('Bearer vertex-token');
    expect(headers['x-goog-api-key']).toBeUndefined();
    expect(headers['content-type']).toBe('application/json');
  });

  it('addresses Vertex AI express mode (API key) and a base URL override', async () => {
    const express = new GoogleGenAIApiAdapter(new GoogleGenAI({ vertexai: true, apiKey: 'vertex-key' }));
    const url = express.buildRequestUrl('gemini-x', 'generateContent');
    expect(url.toString()).toBe(
      'https://aiplatform.googleapis.com/v1beta1/publishers/google/models/gemini-x:generateContent',
    );
    expect((await express.getHeaders(url.toString()))['x-goog-api-key']).toBe('vertex-key');

    const local = new GoogleGenAIApiAdapter(
      new GoogleGenAI({ vertexai: true, apiKey: 'k', httpOptions: { baseUrl: 'http://127.0.0.1:4567' } }),
    );
    expect(local.buildRequestUrl('google/gemini-x', 'streamGenerateContent').toString()).toBe(
      'http://127.0.0.1:4567/v1beta1/publishers/google/models/gemini-x:streamGenerateContent?alt=sse',
    );
  });

  it('rejects model names that could change the path or query', () => {
    const adapter = new GoogleGenAIApiAdapter(new GoogleGenAI({ apiKey: 'k' }));
    for (const bad of ['', '../files', 'x?key=1', 'x&y', 'x#y']) {
      expect(() => adapter.buildRequestUrl(bad, 'generateContent')).toThrow(/invalid model/);
    }
  });

  it('fails at construction when the SDK internals are not there', () => {
    expect(() => new GoogleGenAIApiAdapter({} as GoogleGenAI)).toThrow(/internals changed/);
  });
});
