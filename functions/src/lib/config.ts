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

/** A decimal setting (e.g. temperature) in [min, max]; anything else means "use the default". */
function numberSetting(
  name: string,
  fallback: number,
  range: { min: number; max: number },
  description: string,
): Setting<StringParam, number> {
  const param = defineString(name, { default: String(fallback), description });
  return {
    param,
    read: () => {
      const text = param.value().trim();
      const value = text === '' ? Number.NaN : Number(text);
      return Number.isFinite(value) && value >= range.min && value <= range.max ? value : fallback;
    },
  };
}

/** "true"/"1"/"yes" (any case) is true; anything else, including unset, is the fallback `false`. */
function flagSetting(name: string, description: string): Setting<StringParam, boolean> {
  const param = defineString(name, { default: 'false', description });
  return { param, read: () => /^(true|1|yes)$/i.test(param.value().trim()) };
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
  geminiImageEditModel: stringSetting(
    'GEMINI_IMAGE_EDIT_MODEL',
    '',
    'Gemini model for image edits; empty = GEMINI_IMAGE_MODEL',
  ),
  imageTimeoutSeconds: positiveIntSetting(
    'IMAGE_TIMEOUT_SECONDS',
    120,
    'Whole-request timeout of one image generation or edit (keep below the function timeout)',
  ),
  imageModelTimeouts: stringSetting(
    'IMAGE_MODEL_TIMEOUTS',
    'gemini-3-pro-image=240',
    'Per-model overrides of IMAGE_TIMEOUT_SECONDS: "model=seconds,model=seconds"',
  ),
  imageMaxOutputBytes: positiveIntSetting(
    'IMAGE_MAX_OUTPUT_BYTES',
    40 * 1024 * 1024,
    'Cap on the decoded bytes of one generated image',
  ),
  imageSourceMaxBytes: positiveIntSetting(
    'IMAGE_SOURCE_MAX_BYTES',
    7 * 1024 * 1024,
    'Cap on the bytes of one input image (URL or data URI)',
  ),
  imageSourceAllowedHosts: stringSetting(
    'IMAGE_SOURCE_ALLOWED_HOSTS',
    '',
    'Comma-separated hosts input image URLs may use ("*.example.com" allowed); empty = the bucket and PUBLIC_URL_BASE hosts',
  ),
  imageSourceAllowLoopback: flagSetting(
    'IMAGE_SOURCE_ALLOW_LOOPBACK',
    'DEV ONLY: let input image URLs use http and loopback addresses (the local stack and tests)',
  ),
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
  // Chat (chatMessage, chatStream). The model is GEMINI_TEXT_MODEL.
  chatHistoryLength: positiveIntSetting('CHAT_HISTORY_LENGTH', 10, 'Previous messages sent to the model as context'),
  chatTemperature: numberSetting('CHAT_TEMPERATURE', 0.7, { min: 0, max: 2 }, 'Chat sampling temperature'),
  chatTopP: numberSetting('CHAT_TOP_P', 0.8, { min: 0, max: 1 }, 'Chat nucleus sampling (topP)'),
  chatTopK: positiveIntSetting('CHAT_TOP_K', 40, 'Chat top-k sampling'),
  chatMaxOutputTokens: positiveIntSetting('CHAT_MAX_OUTPUT_TOKENS', 512, 'Cap on tokens per chat reply'),
  chatFirstChunkTimeoutMs: positiveIntSetting(
    'CHAT_FIRST_CHUNK_TIMEOUT_MS',
    20_000,
    'Per attempt: time allowed until Gemini sends its first event',
  ),
  chatIdleTimeoutMs: positiveIntSetting('CHAT_IDLE_TIMEOUT_MS', 20_000, 'Longest silence allowed between Gemini events'),
  chatTotalTimeoutMs: positiveIntSetting(
    'CHAT_TOTAL_TIMEOUT_MS',
    55_000,
    'Whole model call including retries (keep under the function timeout)',
  ),
  chatRetryMaxAttempts: positiveIntSetting('CHAT_RETRY_MAX_ATTEMPTS', 3, 'Gemini attempts before the first token'),
  chatRetryBudgetMs: positiveIntSetting(
    'CHAT_RETRY_BUDGET_MS',
    15_000,
    'Time after which no new attempt starts (backoff waits included)',
  ),
  chatCacheTtlSeconds: positiveIntSetting('CHAT_CACHE_TTL_SECONDS', 3600, 'Lifetime of cached chat replies'),
  // Matching (matchUsers, matchEvents, suggestions).
  matchExplanationModel: stringSetting(
    'MATCH_EXPLANATION_MODEL',
    '',
    'Gemini model that writes match explanations; empty = GEMINI_TEXT_MODEL',
  ),
  matchExplanationTimeoutMs: positiveIntSetting(
    'MATCH_EXPLANATION_TIMEOUT_MS',
    3000,
    'Time allowed for the one explanation call per request; templates are used after it',
  ),
  matchExplanationTemperature: numberSetting(
    'MATCH_EXPLANATION_TEMPERATURE',
    0.8,
    { min: 0, max: 2 },
    'Sampling temperature of match explanations',
  ),
  matchExplanationTokensPerMatch: positiveIntSetting(
    'MATCH_EXPLANATION_TOKENS_PER_MATCH',
    100,
    'Output token allowance per explained match (the call gets this times the match count, plus a little)',
  ),
  matchCandidateCap: positiveIntSetting(
    'MATCH_CANDIDATE_CAP',
    300,
    'Most user documents read as match candidates per request',
  ),
  matchEventCap: positiveIntSetting('MATCH_EVENT_CAP', 100, 'Most upcoming event documents read per request'),
  matchAttendeeCap: positiveIntSetting(
    'MATCH_ATTENDEE_CAP',
    200,
    'Most attendee profiles read per request for the events\' interest signal',
  ),
  matchEventWindowDays: positiveIntSetting(
    'MATCH_EVENT_WINDOW_DAYS',
    30,
    'Default look-ahead of matchEvents when the request gives no `until`',
  ),
  matchRadiusKm: positiveIntSetting('MATCH_RADIUS_KM', 50, 'Distance at which the location component reaches 0'),
  matchCacheTtlSeconds: positiveIntSetting(
    'MATCH_CACHE_TTL_SECONDS',
    86_400,
    'Lifetime of cached match explanations (keys change whenever the matched signals do)',
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
  images: ImageConfig;
  cors: { origins: string[] };
  rateLimit: { perMinute: number; imagePerMinute: number };
  chat: ChatConfig;
  matching: MatchingConfig;
}

export interface ImageConfig {
  /** Model for edits (GEMINI_IMAGE_EDIT_MODEL, else the image model). */
  editModel: string;
  defaultTimeoutMs: number;
  /** Per-model timeouts, keyed by model name. */
  modelTimeoutsMs: Record<string, number>;
  maxOutputBytes: number;
  sourceMaxBytes: number;
  /** Lower-case host names (or "*.suffix" patterns) input image URLs may point at. */
  sourceAllowedHosts: string[];
  /** Dev only: http and loopback addresses allowed for input image URLs. */
  sourceAllowLoopback: boolean;
}

export interface ChatConfig {
  historyLength: number;
  temperature: number;
  topP: number;
  topK: number;
  maxOutputTokens: number;
  firstChunkTimeoutMs: number;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
  retryMaxAttempts: number;
  retryBudgetMs: number;
  cacheTtlSeconds: number;
}

export interface MatchingConfig {
  /** Model for explanations (MATCH_EXPLANATION_MODEL, else the text model). */
  explanationModel: string;
  explanationTimeoutMs: number;
  explanationTemperature: number;
  explanationTokensPerMatch: number;
  candidateCap: number;
  eventCap: number;
  attendeeCap: number;
  eventWindowDays: number;
  radiusKm: number;
  cacheTtlSeconds: number;
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

/** "a=120, b=240" -> { a: 120000, b: 240000 }; malformed entries are ignored. */
export function parseModelTimeouts(value: string): Record<string, number> {
  const timeouts: Record<string, number> = {};
  for (const entry of value.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(entry);
    if (match && Number(match[2]) > 0) timeouts[match[1]] = Number(match[2]) * 1000;
  }
  return timeouts;
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * IMAGE_SOURCE_ALLOWED_HOSTS, or by default the project's own storage: the PUBLIC_URL_BASE host, the
 * custom S3 endpoint's host, else the bucket's virtual-hosted AWS host.
 */
function resolveSourceHosts(bucket: string, region: string, endpoint?: string, publicUrlBase?: string): string[] {
  const configured = SETTINGS.imageSourceAllowedHosts
    .read()
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host.length > 0);
  if (configured.length > 0) return configured;
  const hosts = [hostOf(publicUrlBase), endpoint ? hostOf(endpoint) : `${bucket}.s3.${region}.amazonaws.com`];
  return [...new Set(hosts.filter((host): host is string => Boolean(host)))];
}

/** Non-secret configuration, read fresh on each call (a handful of env lookups: cheap). */
export function getConfig(): AppConfig {
  const s3Bucket = SETTINGS.s3Bucket.read();
  const s3Region = SETTINGS.s3Region.read();
  const s3Endpoint = SETTINGS.s3Endpoint.read() || undefined;
  const publicUrlBase = withoutTrailingSlash(SETTINGS.publicUrlBase.read()) || undefined;
  const imageModel = SETTINGS.geminiImageModel.read();
  return {
    gemini: {
      baseUrl: resolveGeminiBaseUrl(),
      textModel: SETTINGS.geminiTextModel.read(),
      imageModel,
    },
    s3: { bucket: s3Bucket, region: s3Region, endpoint: s3Endpoint, publicUrlBase },
    images: {
      editModel: SETTINGS.geminiImageEditModel.read() || imageModel,
      defaultTimeoutMs: SETTINGS.imageTimeoutSeconds.read() * 1000,
      modelTimeoutsMs: parseModelTimeouts(SETTINGS.imageModelTimeouts.read()),
      maxOutputBytes: SETTINGS.imageMaxOutputBytes.read(),
      sourceMaxBytes: SETTINGS.imageSourceMaxBytes.read(),
      sourceAllowedHosts: resolveSourceHosts(s3Bucket, s3Region, s3Endpoint, publicUrlBase),
      sourceAllowLoopback: SETTINGS.imageSourceAllowLoopback.read(),
    },
    cors: { origins: parseOriginList(SETTINGS.corsOrigins.read()) },
    rateLimit: {
      perMinute: SETTINGS.rateLimitPerMinute.read(),
      imagePerMinute: SETTINGS.imageRateLimitPerMinute.read(),
    },
    chat: {
      historyLength: SETTINGS.chatHistoryLength.read(),
      temperature: SETTINGS.chatTemperature.read(),
      topP: SETTINGS.chatTopP.read(),
      topK: SETTINGS.chatTopK.read(),
      maxOutputTokens: SETTINGS.chatMaxOutputTokens.read(),
      firstChunkTimeoutMs: SETTINGS.chatFirstChunkTimeoutMs.read(),
      idleTimeoutMs: SETTINGS.chatIdleTimeoutMs.read(),
      totalTimeoutMs: SETTINGS.chatTotalTimeoutMs.read(),
      retryMaxAttempts: SETTINGS.chatRetryMaxAttempts.read(),
      retryBudgetMs: SETTINGS.chatRetryBudgetMs.read(),
      cacheTtlSeconds: SETTINGS.chatCacheTtlSeconds.read(),
    },
    matching: {
      explanationModel: SETTINGS.matchExplanationModel.read() || SETTINGS.geminiTextModel.read(),
      explanationTimeoutMs: SETTINGS.matchExplanationTimeoutMs.read(),
      explanationTemperature: SETTINGS.matchExplanationTemperature.read(),
      explanationTokensPerMatch: SETTINGS.matchExplanationTokensPerMatch.read(),
      candidateCap: SETTINGS.matchCandidateCap.read(),
      eventCap: SETTINGS.matchEventCap.read(),
      attendeeCap: SETTINGS.matchAttendeeCap.read(),
      eventWindowDays: SETTINGS.matchEventWindowDays.read(),
      radiusKm: SETTINGS.matchRadiusKm.read(),
      cacheTtlSeconds: SETTINGS.matchCacheTtlSeconds.read(),
    },
  };
}
