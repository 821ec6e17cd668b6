// Offline Application Default Credentials in one call: the local STS token server plus an
// `external_account` credentials file pointing at it. Set `env` on the process (or the function's
// environment) and google-auth-library, unmodified, exchanges the file's subject token for an access
// token that the local Gemini server accepts (give it `signingKey`).
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { OFFLINE_AUDIENCE, writeExternalAccountCredentials, type ExternalAccountFiles } from './credentials-file.js';
import { startTokenServer, type TokenServer } from './token-server.js';

export { verifyAccessToken, issueAccessToken, CLOUD_PLATFORM_SCOPE } from './access-token.js';
export { startTokenServer, type TokenServer, type TokenExchangeRecord } from './token-server.js';
export { writeExternalAccountCredentials, OFFLINE_AUDIENCE } from './credentials-file.js';

export interface OfflineAdc {
  tokenServer: TokenServer;
  files: ExternalAccountFiles;
  /** HMAC key of the issued access tokens: the Gemini server's `accessTokenKey`. */
  signingKey: string;
  /** GOOGLE_APPLICATION_CREDENTIALS, and no metadata-server probes. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startOfflineAdc(opts: { lifetimeSeconds?: number } = {}): Promise<OfflineAdc> {
  // A JWT-shaped opaque value: the token server only compares it.
  const subjectToken = `eyJhbGciOiJub25lIn0.${randomBytes(24).toString('base64url')}.`;
  const tokenServer = await startTokenServer({
    audience: OFFLINE_AUDIENCE,
    subjectToken,
    lifetimeSeconds: opts.lifetimeSeconds,
  });
  const files = await writeExternalAccountCredentials({ tokenUrl: tokenServer.tokenUrl, subjectToken });
  return {
    tokenServer,
    files,
    signingKey: tokenServer.signingKey,
    env: { GOOGLE_APPLICATION_CREDENTIALS: files.credentialsPath, METADATA_SERVER_DETECTION: 'none' },
    close: async () => {
      await tokenServer.close();
      await rm(files.dir, { recursive: true, force: true });
    },
  };
}
