// Handlers that write the response themselves (SSE), and ctx.scope.signal on client disconnect.
import { request as httpRequest } from 'node:http';
import type { DecodedIdToken } from 'firebase-admin/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { defineEndpoint, type EndpointDeps } from '../../../../src/lib/platform/http/index.js';
import { mountFunctions, type MountedFunctions } from '../../../support/mount.js';

const deps: Partial<EndpointDeps> = {
  verifyIdToken: async (idToken) => {
    if (idToken !== 'token-alice') throw Object.assign(new Error('bad'), { code: 'auth/argument-error' });
    return { uid: 'alice' } as DecodedIdToken;
  },
};

const streaming = defineEndpoint(
  {
    name: 'streaming',
    method: 'GET',
    rateLimit: false,
    handle: async ({ res }) => {
      res.setHeader('Content-Type', 'text/event-stream');
      res.write(': ok\n\n');
      res.write('data: {"n":1}\n\n');
      // Returns without ending: the layer must end the response.
    },
  },
  deps,
);

const failsMidStream = defineEndpoint(
  {
    name: 'failsMidStream',
    method: 'GET',
    rateLimit: false,
    handle: async ({ res }) => {
      res.write(': ok\n\n');
      throw new Error('model went away');
    },
  },
  deps,
);

let markAborted: (reason: string) => void = () => undefined;
const slow = defineEndpoint(
  {
    name: 'slow',
    method: 'GET',
    rateLimit: false,
    handle: async ({ res, scope: { signal } }) => {
      res.write(': ok\n\n');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      markAborted(String((signal.reason as Error).message));
    },
  },
  deps,
);

let mounted: MountedFunctions;
beforeAll(async () => {
  mounted = await mountFunctions({ streaming, failsMidStream, slow });
});
afterAll(async () => {
  await mounted.close();
});

const auth = { authorization: 'Bearer token-alice' };

describe('handlers that write the response themselves', () => {
  it('leaves a streamed response alone and ends it when the handler returns', async () => {
    const res = await fetch(mounted.url('streaming'), { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe(': ok\n\ndata: {"n":1}\n\n');
  });

  it('ends (without a JSON error) a response that fails after streaming began', async () => {
    const res = await fetch(mounted.url('failsMidStream'), { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(': ok\n\n');
  });

  it('aborts ctx.scope.signal when the client disconnects mid-response', async () => {
    const aborted = new Promise<string>((resolve) => (markAborted = resolve));
    const req = httpRequest(mounted.url('slow'), { headers: auth });
    req.on('response', (res) => res.once('data', () => req.destroy()));
    req.on('error', () => undefined);
    req.end();
    await expect(aborted).resolves.toBe('client disconnected');
  });
});
