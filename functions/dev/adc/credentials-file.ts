// Writes an `external_account` credentials file (workload identity federation, identity pool with a
// file-sourced subject token) for GOOGLE_APPLICATION_CREDENTIALS. These are the fields
// google-auth-library 10.9 reads (baseexternalclient.js, identitypoolclient.js):
//   type                 "external_account" (GoogleAuth picks ExternalAccountClient -> IdentityPoolClient)
//   audience             the workload identity provider; echoed to the token exchange
//   subject_token_type   "urn:ietf:params:oauth:token-type:jwt"
//   token_url            where the RFC 8693 exchange is POSTed (default https://sts.googleapis.com/v1/token)
//   credential_source    { file, format: { type: "text" } }: the subject token is read from the file
// Without `service_account_impersonation_url` the exchanged token is used as the access token itself.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { JWT_TOKEN_TYPE } from './token-server.js';

export const OFFLINE_AUDIENCE =
  '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/offline-pool/providers/offline-provider';

export interface ExternalAccountFiles {
  /** The value for GOOGLE_APPLICATION_CREDENTIALS. */
  credentialsPath: string;
  subjectTokenPath: string;
  dir: string;
}

export async function writeExternalAccountCredentials(opts: {
  tokenUrl: string;
  subjectToken: string;
  audience?: string;
  dir?: string;
}): Promise<ExternalAccountFiles> {
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'offline-adc-')));
  const subjectTokenPath = path.join(dir, 'subject-token.jwt');
  const credentialsPath = path.join(dir, 'external-account.json');
  await writeFile(subjectTokenPath, opts.subjectToken, { mode: 0o600 });
  const credentials = {
    type: 'external_account',
    audience: opts.audience ?? OFFLINE_AUDIENCE,
    subject_token_type: JWT_TOKEN_TYPE,
    token_url: opts.tokenUrl,
    credential_source: { file: subjectTokenPath, format: { type: 'text' } },
  };
  await writeFile(credentialsPath, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return { credentialsPath, subjectTokenPath, dir };
}
