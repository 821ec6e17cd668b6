// The offline ADC pieces on their own: the access tokens (signed, expiring, scoped) and the STS server's
// checks of a token exchange, as google-auth-library sends one (form-encoded RFC 8693).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLOUD_PLATFORM_SCOPE,
  issueAccessToken,
  newSigningKey,
  verifyAccessToken,
} from '../../../dev/adc/access-token.js';
import { startTokenServer, type TokenServer } from '../../../dev/adc/token-server.js';

describe('access tokens', () => {
  const key = newSigningKey();
  const claims = { sub: 'aud', scope: `openid ${CLOUD_PLATFORM_SCOPE}`, exp: Math.floor(Date.now() / 1000) + 60 };

  it('verify with the key that signed them, and only then', () => {
    const token = issueAccessToken(claims, key);
    expect(verifyAccessToken(token, key)).toEqual(claims);
    expect(verifyAccessToken(token, newSigningKey())).toBeUndefined();
    expect(verifyAccessToken(`${token}x`, key)).toBeUndefined();
    expect(verifyAccessToken('ya29.something-else', key)).toBeUndefined();
  });

  it('expire, and need the cloud-platform scope', () => {
    expect(verifyAccessToken(issueAccessToken(claims, key), key, (claims.exp + 1) * 1000)).toBeUndefined();
    expect(verifyAccessToken(issueAccessToken({ ...claims, scope: 'openid' }, key), key)).toBeUndefined();
  });
});

describe('token server', () => {
  let server: TokenServer;
  const form = {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    audience: 'aud-1',
    scope: CLOUD_PLATFORM_SCOPE,
    requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    subject_token: 'subject-1',
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
  };
  const exchange = (fields: Record<string, string>) =>
    fetch(server.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  beforeAll(async () => {
    server = await startTokenServer({ audience: 'aud-1', subjectToken: 'subject-1', lifetimeSeconds: 120 });
  });
  afterAll(() => server.close());

  it('issues a verifiable bearer token for a correct exchange', async () => {
    expect(new URL(server.tokenUrl).hostname).toBe('127.0.0.1');
    const response = await exchange(form);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120 });
    expect(verifyAccessToken(body.access_token as string, server.signingKey)).toMatchObject({ sub: 'aud-1' });
  });

  it.each([
    ['subject_token', 'wrong', 'invalid_grant'],
    ['audience', 'other', 'invalid_target'],
    ['scope', 'openid', 'invalid_scope'],
    ['grant_type', 'password', 'unsupported_grant_type'],
    ['subject_token_type', 'urn:ietf:params:oauth:token-type:saml2', 'invalid_request'],
  ])('refuses a wrong %s with the OAuth error %s', async (field, value, error) => {
    const response = await exchange({ ...form, [field]: value });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error });
    expect(server.exchanges().at(-1)).toMatchObject({ ok: false, error });
  });
});
