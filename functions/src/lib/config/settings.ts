// Plain params (firebase-functions `defineString`/`defineInt`), each with its default and description.
// To add one: one entry in SETTINGS here, one field in AppConfig/getConfig (app-config.ts).
import { defineInt, defineString } from 'firebase-functions/params';
import type { IntParam, StringParam } from 'firebase-functions/params';

export interface Setting<P, T> {
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
    'Comma-separated hosts input image URLs may use: "host" (default port only), "host:port", "*.example.com[:port]" (subdomains); empty = the bucket and PUBLIC_URL_BASE hosts with their ports',
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
