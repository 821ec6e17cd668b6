// Secrets: Cloud Secret Manager in production, functions/.secret.local for the emulator. Values are
// read per request, never at module load (deploy discovery loads this module).
import { defineSecret } from 'firebase-functions/params';
import type { SecretParam } from 'firebase-functions/params';
import { HttpError } from '../http/errors.js';

export const SECRETS = {
  GEMINI_API_KEY: defineSecret('GEMINI_API_KEY', {
    description: 'API key for the Gemini Developer API',
  }),
  OPENAI_API_KEY: defineSecret('OPENAI_API_KEY', {
    description:
      'TEXT_BACKEND=openai-compatible: sent as Authorization: Bearer; "none" = no key (local vLLM, llama.cpp, Ollama)',
  }),
  UPSTASH_REDIS_REST_URL: defineSecret('UPSTASH_REDIS_REST_URL', {
    description: 'Upstash Redis REST URL; "none" = per-instance in-memory rate limits and cache',
  }),
  UPSTASH_REDIS_REST_TOKEN: defineSecret('UPSTASH_REDIS_REST_TOKEN', {
    description: 'Upstash Redis REST token',
  }),
  S3_ACCESS_KEY_ID: defineSecret('S3_ACCESS_KEY_ID', {
    description: 'S3 access key id; empty = the AWS SDK default credential chain',
  }),
  S3_SECRET_ACCESS_KEY: defineSecret('S3_SECRET_ACCESS_KEY', {
    description: 'S3 secret access key; empty = the AWS SDK default credential chain',
  }),
} satisfies Record<string, SecretParam>;

export type SecretName = keyof typeof SECRETS;

/**
 * The secret's value, or undefined when unset or empty. Reads the environment first because
 * `SecretParam.value()` logs a warning for every unset secret, and an unset Upstash secret is a normal,
 * supported configuration (in-memory fallbacks) that would otherwise warn on every request.
 */
export function readSecret(name: SecretName): string | undefined {
  if (!process.env[name]) return undefined;
  return SECRETS[name].value() || undefined;
}

/**
 * Returns the named secrets, or throws the request layer's 503 `not_configured` naming the missing
 * ones (names only: values never leave this function except in the returned record).
 */
export function requireSecrets<N extends SecretName>(names: readonly N[]): Record<N, string> {
  const values = {} as Record<N, string>;
  const missing: N[] = [];
  for (const name of names) {
    const value = readSecret(name);
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  if (missing.length > 0) {
    throw new HttpError(503, 'not_configured', `Service is not configured: missing ${missing.join(', ')}`, {
      details: { missing },
    });
  }
  return values;
}

/** Current values of all secrets, for log redaction only. */
export function secretValuesForRedaction(): string[] {
  return (Object.keys(SECRETS) as SecretName[])
    .map((name) => process.env[name])
    .filter((value): value is string => typeof value === 'string' && value.length >= 6);
}

/** Static S3 credentials, or undefined when either part is missing (= the SDK's default chain). */
export function getS3Credentials(): { accessKeyId: string; secretAccessKey: string } | undefined {
  const accessKeyId = readSecret('S3_ACCESS_KEY_ID');
  const secretAccessKey = readSecret('S3_SECRET_ACCESS_KEY');
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

/**
 * Upstash REST credentials, or null when either part is missing or the URL is not an http(s) URL
 * (= use in-memory fallbacks). Deploy requires every declared secret to exist, so a project without
 * Upstash sets both to a placeholder such as `none`.
 */
export function getUpstashCredentials(): { url: string; token: string } | null {
  const url = readSecret('UPSTASH_REDIS_REST_URL');
  const token = readSecret('UPSTASH_REDIS_REST_TOKEN');
  return url && token && /^https?:\/\//i.test(url) ? { url, token } : null;
}
