// An offline stand-in for Google's Security Token Service (https://sts.googleapis.com/v1/token), so
// Application Default Credentials run google-auth-library's real external-account path on loopback:
// GOOGLE_APPLICATION_CREDENTIALS names an `external_account` file (credentials-file.ts) whose
// `token_url` is this server; the library reads the subject token from `credential_source.file`,
// POSTs the RFC 8693 token exchange here, and sends the `access_token` it gets back as
// `Authorization: Bearer` (cached until shortly before `expires_in`).
// It checks the exchange the way STS does (grant type, token types, audience, subject token, scope)
// and answers OAuth errors (`{"error","error_description"}`) otherwise. Binds 127.0.0.1.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOUD_PLATFORM_SCOPE, issueAccessToken, newSigningKey } from './access-token.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

export interface TokenServerOptions {
  /** The workload identity provider the credentials file names (`audience`). */
  audience: string;
  /** The external credential the credentials file points at (`credential_source.file`'s content). */
  subjectToken: string;
  /** HMAC key of the issued tokens; give the same one to the Gemini server. Default: a fresh one. */
  signingKey?: string;
  /** Lifetime of issued tokens (default 3600 s, as STS). */
  lifetimeSeconds?: number;
  port?: number;
}

/** One exchange as the server saw it (never the subject token or the issued token). */
export interface TokenExchangeRecord {
  ok: boolean;
  /** OAuth error code when refused. */
  error?: string;
  audience?: string;
  scope?: string;
  userAgent?: string;
  apiClient?: string;
}

export interface TokenServer {
  /** The credentials file's `token_url`. */
  readonly tokenUrl: string;
  readonly signingKey: string;
  readonly audience: string;
  exchanges(): TokenExchangeRecord[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : new URLSearchParams(Buffer.concat(chunks).toString())),
    );
    req.on('error', () => resolve(undefined));
  });
}

/** What is wrong with an exchange request, as STS's OAuth error, or undefined when it is fine. */
function refusal(form: URLSearchParams, opts: TokenServerOptions): { error: string; description: string } | undefined {
  if (form.get('grant_type') !== TOKEN_EXCHANGE_GRANT)
    return { error: 'unsupported_grant_type', description: 'Invalid grant_type.' };
  if (form.get('requested_token_type') !== ACCESS_TOKEN_TYPE)
    return { error: 'invalid_request', description: 'Invalid requested_token_type.' };
  if (form.get('subject_token_type') !== JWT_TOKEN_TYPE)
    return { error: 'invalid_request', description: 'Invalid subject_token_type.' };
  if (form.get('audience') !== opts.audience)
    return {
      error: 'invalid_target',
      description: 'The target service indicated by the "audience" parameters is invalid.',
    };
  if (form.get('subject_token') !== opts.subjectToken)
    return { error: 'invalid_grant', description: 'The subject token is invalid.' };
  const scopes = (form.get('scope') ?? '').split(' ');
  if (!scopes.includes(CLOUD_PLATFORM_SCOPE)) return { error: 'invalid_scope', description: 'Invalid scope.' };
  return undefined;
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const signingKey = opts.signingKey ?? newSigningKey();
  const lifetime = opts.lifetimeSeconds ?? 3600;
  const log: TokenExchangeRecord[] = [];

  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'POST' || url.pathname !== '/v1/token') {
      reply(404, { error: 'not_found', error_description: 'Unknown endpoint.' });
      return;
    }
    void readForm(req).then((form) => {
      const record: TokenExchangeRecord = {
        ok: false,
        userAgent: req.headers['user-agent'],
        apiClient: typeof req.headers['x-goog-api-client'] === 'string' ? req.headers['x-goog-api-client'] : undefined,
      };
      log.push(record);
      if (!form) {
        record.error = 'invalid_request';
        return reply(400, { error: 'invalid_request', error_description: 'Request body too large.' });
      }
      record.audience = form.get('audience') ?? undefined;
      record.scope = form.get('scope') ?? undefined;
      const refused = refusal(form, opts);
      if (refused) {
        record.error = refused.error;
        return reply(400, { error: refused.error, error_description: refused.description });
      }
      record.ok = true;
      const exp = Math.floor(Date.now() / 1000) + lifetime;
      reply(200, {
        access_token: issueAccessToken({ sub: opts.audience, scope: form.get('scope') ?? '', exp }, signingKey),
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: lifetime,
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    tokenUrl: `http://127.0.0.1:${port}/v1/token`,
    signingKey,
    audience: opts.audience,
    exchanges: () => log.map((record) => ({ ...record })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
