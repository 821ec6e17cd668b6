/**
 * A local stand-in for Google's App Check key set and replay-protection API, so firebase-admin's REAL
 * verifier (getAppCheck().verifyToken) runs offline:
 *
 *   const local = await startLocalAppCheck({ projectId: 'demo-x' });
 *   const app = local.adminApp();                       // an admin app whose httpAgent reaches `local`
 *   const verifier = firebaseAppCheckVerifier(() => app);
 *   await verifier.verify(local.mint(), { consume: false });
 *
 * The seam is firebase-admin's own: `httpAgent` in the app options is used both by the JWKS fetcher
 * (jwks-rsa `requestAgent`) and by the authorized client that calls verifyAppCheckToken. Our agent is
 * an https.Agent whose createConnection opens a plain TCP socket to 127.0.0.1:<port> whatever the
 * host, so https://firebaseappcheck.googleapis.com/... is served as plain HTTP by the server below.
 * Tokens are RS256 JWTs signed with a key generated here, with the claims App Check issues
 * (iss https://firebaseappcheck.googleapis.com/<number>, aud [projects/<number>, projects/<id>], sub
 * = app id, exp one hour).
 */
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';

export const LOCAL_APP_ID = '1:123456789:android:0123456789abcdef';
const PROJECT_NUMBER = '123456789';

export interface LocalAppCheck {
  /** The JWKS and the replay API as plain HTTP on 127.0.0.1. */
  origin: string;
  /** A signed App Check token; claim overrides for expired/foreign/forged cases. */
  mint(overrides?: { expiresInSeconds?: number; audience?: string[]; issuer?: string; appId?: string }): string;
  /** The same claims signed by a key the JWKS does not hold. */
  mintWithForeignKey(): string;
  /** An admin app (named uniquely) whose HTTP goes to this server. */
  adminApp(): App;
  /** How often each path was requested: JWKS fetches, replay checks. */
  readonly requests: { jwks: number; consume: number };
  stop(): Promise<void>;
}

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

function signJwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = base64url(JSON.stringify(payload));
  const signature = createSign('RSA-SHA256').update(`${header}.${body}`).sign(key);
  return `${header}.${body}.${base64url(signature)}`;
}

/** An https.Agent that connects every request to 127.0.0.1:port in plain TCP (no TLS). */
export function loopbackAgent(port: number): HttpsAgent {
  const agent = new HttpsAgent({ keepAlive: true });
  (agent as unknown as { createConnection: () => unknown }).createConnection = () => connect(port, '127.0.0.1');
  return agent;
}

export async function startLocalAppCheck(options: { projectId: string }): Promise<LocalAppCheck> {
  const { projectId } = options;
  const kid = `local-${randomUUID().slice(0, 8)}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] };
  const consumed = new Set<string>();
  const requests = { jwks: 0, consume: 0 };
  const apps: App[] = [];

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/v1/jwks') {
        requests.jwks++;
        return send(res, 200, jwks);
      }
      if (req.method === 'POST' && path === `/v1beta/projects/${projectId}:verifyAppCheckToken`) {
        requests.consume++;
        if (!/^Bearer ./.test(req.headers.authorization ?? ''))
          return send(res, 401, { error: { status: 'UNAUTHENTICATED' } });
        const token = (JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { app_check_token?: string })
          .app_check_token;
        if (!token) return send(res, 400, { error: { status: 'INVALID_ARGUMENT' } });
        const alreadyConsumed = consumed.has(token);
        consumed.add(token);
        return send(res, 200, { alreadyConsumed });
      }
      send(res, 404, { error: { status: 'NOT_FOUND' } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const agent = loopbackAgent(port);

  const claims = (overrides: Parameters<LocalAppCheck['mint']>[0] = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: overrides.issuer ?? `https://firebaseappcheck.googleapis.com/${PROJECT_NUMBER}`,
      aud: overrides.audience ?? [`projects/${PROJECT_NUMBER}`, `projects/${projectId}`],
      sub: overrides.appId ?? LOCAL_APP_ID,
      iat: now - 60,
      exp: now + (overrides.expiresInSeconds ?? 3600),
      jti: randomUUID(),
    };
  };

  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    mint: (overrides) => signJwt(claims(overrides), privateKey, kid),
    mintWithForeignKey: () => signJwt(claims(), foreign, kid),
    adminApp: () => {
      const app = initializeApp(
        {
          projectId,
          httpAgent: agent,
          // The replay API needs an OAuth token; the local server only checks one is sent.
          credential: { getAccessToken: async () => ({ access_token: 'local-access-token', expires_in: 3600 }) },
        },
        `app-check-local-${randomUUID()}`,
      );
      apps.push(app);
      return app;
    },
    stop: async () => {
      await Promise.all(apps.map((app) => deleteApp(app).catch(() => undefined)));
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
