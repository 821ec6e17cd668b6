// Deploy-time configuration through firebase-functions params.
//
// Params are DECLARED at module load (deploy discovery collects them) but their values are read only
// inside getConfig()/readSecret(), i.e. per request: `.value()` at load time would run during deploy
// discovery, where values do not exist yet.
//
// At runtime a param's `.value()` is just `process.env[NAME]`; the CLI applies a param's default when it
// deploys or emulates, but code mounted in-process (tests, scripts) gets no such help. So each setting
// carries its default here and falls back to it when the variable is unset, so both paths agree.
import { defineInt, defineSecret, defineString } from 'firebase-functions/params';
import type { IntParam, SecretParam, StringParam } from 'firebase-functions/params';
import { HttpError } from './http/errors.js';

// ---- Secrets (Cloud Secret Manager in production, functions/.secret.local for the emulator) ----

export const SECRETS = {
  GEMINI_API_KEY: defineSecret('GEMINI_API_KEY', {
    description: 'API key for the Gemini Developer API',
  }),
  UPSTASH_REDIS_REST_URL: defineSecret('UPSTASH_REDIS_REST_URL', {
    description: 'Upstash Redis REST URL; empty = per-instance in-memory rate limits and cache',
  }),
  UPSTASH_REDIS_REST_TOKEN: defineSecret('UPSTASH_REDIS_REST_TOKEN', {
    description: 'Upstash Redis REST token',
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

/** Upstash REST credentials, or null when either part is missing (= use in-memory fallbacks). */
export function getUpstashCredentials(): { url: string; token: string } | null {
  const url = readSecret('UPSTASH_REDIS_REST_URL');
  const token = readSecret('UPSTASH_REDIS_REST_TOKEN');
  return url && token ? { url, token } : null;
}

// ---- Plain params. To add one: one line here, one field in AppConfig/getConfig below. ----

interface Setting<P, T> {
  param: P;
  read(): T;
}

function stringSetting(name: string, fallback: string, description: string): Setting<StringParam, string> {
  const param = defineString(name, { default: fallback, description });
  return { param, read: () => param.value().trim() || fallback };
}

/** Values below 1 (including unset or unparsable, which the SDK reads as 0) mean "use the default". */
function positiveIntSetting(name: string, fallback: number, description: string): Setting<IntParam, number> {
  const param = defineInt(name, { default: fallback, description });
  return {
    param,
    read: () => {
      const value = param.value();
      return Number.isInteger(value) && value >= 1 ? value : fallback;
    },
  };
}

export const GOOGLE_GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

export const SETTINGS = {
  geminiBaseUrl: stringSetting(
    'GEMINI_BASE_URL',
    '',
    'Gemini API base URL; empty = GOOGLE_GEMINI_BASE_URL env var if set, else Google',
  ),
  geminiTextModel: stringSetting('GEMINI_TEXT_MODEL', 'gemini-flash-latest', 'Gemini model for text and chat'),
  geminiImageModel: stringSetting('GEMINI_IMAGE_MODEL', 'gemini-3.1-flash-image', 'Gemini model for images'),
  s3Bucket: stringSetting('S3_BUCKET', 'social-ai-media', 'Bucket that stores generated images'),
  s3Region: stringSetting('S3_REGION', 'us-east-1', 'Region of the S3 bucket'),
  s3Endpoint: stringSetting('S3_ENDPOINT', '', 'S3-compatible endpoint URL; empty = AWS S3'),
  publicUrlBase: stringSetting('PUBLIC_URL_BASE', '', 'Base of public image URLs; empty = derived from S3'),
  corsOrigins: stringSetting('CORS_ORIGINS', '*', 'Comma-separated allowed browser origins, or *'),
  rateLimitPerMinute: positiveIntSetting('RATE_LIMIT_PER_MINUTE', 100, 'Requests per user per minute'),
  imageRateLimitPerMinute: positiveIntSetting(
    'IMAGE_RATE_LIMIT_PER_MINUTE',
    10,
    'Image requests per user per minute',
  ),
};

export interface AppConfig {
  gemini: {
    /** One effective base URL for both the SDK client (httpOptions.baseUrl) and raw fetch. */
    baseUrl: string;
    textModel: string;
    imageModel: string;
  };
  s3: {
    bucket: string;
    region: string;
    /** undefined = AWS S3 */
    endpoint: string | undefined;
    /** undefined = derive public URLs from the S3 endpoint and bucket */
    publicUrlBase: string | undefined;
  };
  cors: { origins: string[] };
  rateLimit: { perMinute: number; imagePerMinute: number };
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Resolves GEMINI_BASE_URL, then the SDK's own GOOGLE_GEMINI_BASE_URL, then Google's endpoint. */
function resolveGeminiBaseUrl(): string {
  const configured = SETTINGS.geminiBaseUrl.read() || process.env.GOOGLE_GEMINI_BASE_URL?.trim() || '';
  return withoutTrailingSlash(configured || GOOGLE_GEMINI_DEFAULT_BASE_URL);
}

export function parseOriginList(value: string): string[] {
  return value
    .split(',')
    .map((origin) => withoutTrailingSlash(origin.trim()))
    .filter((origin) => origin.length > 0);
}

/** Non-secret configuration, read fresh on each call (a handful of env lookups: cheap). */
export function getConfig(): AppConfig {
  return {
    gemini: {
      baseUrl: resolveGeminiBaseUrl(),
      textModel: SETTINGS.geminiTextModel.read(),
      imageModel: SETTINGS.geminiImageModel.read(),
    },
    s3: {
      bucket: SETTINGS.s3Bucket.read(),
      region: SETTINGS.s3Region.read(),
      endpoint: SETTINGS.s3Endpoint.read() || undefined,
      publicUrlBase: withoutTrailingSlash(SETTINGS.publicUrlBase.read()) || undefined,
    },
    cors: { origins: parseOriginList(SETTINGS.corsOrigins.read()) },
    rateLimit: {
      perMinute: SETTINGS.rateLimitPerMinute.read(),
      imagePerMinute: SETTINGS.imageRateLimitPerMinute.read(),
    },
  };
}
