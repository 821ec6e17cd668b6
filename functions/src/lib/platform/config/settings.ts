// Plain params (firebase-functions `defineString`/`defineInt`), each with its default and description.
// Every numeric setting is bounded where it is read (intSetting, numberSetting): values are deploy-time
// text, and an absurd one must degrade to a sane value, not to a 500 or a runaway bill.
// To add one: one entry in SETTINGS here, one field in AppConfig/getConfig (app-config.ts).
import { flagSetting, intSetting, limitSetting, numberSetting, safetySetting, stringSetting } from './setting-kinds.js';

export type { Setting } from './setting-kinds.js';

/** Cached replies and explanations older than a month are not worth keeping. */
const MAX_TTL_SECONDS = 30 * 86_400;
/** Cloud Functions (2nd gen) HTTP functions time out after at most 60 minutes. */
export const MAX_IMAGE_TIMEOUT_SECONDS = 3600;

export const GOOGLE_GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

export const SETTINGS = {
  geminiBaseUrl: stringSetting(
    'GEMINI_BASE_URL',
    '',
    'Gemini API base URL (either backend); empty = the GOOGLE_GEMINI_BASE_URL (developer-api) or GOOGLE_VERTEX_BASE_URL (vertex-ai) env var if set, else Google',
  ),
  geminiTextModel: stringSetting('GEMINI_TEXT_MODEL', 'gemini-flash-latest', 'Gemini model for text and chat'),
  geminiImageModel: stringSetting('GEMINI_IMAGE_MODEL', 'gemini-3.1-flash-image', 'Gemini model for images'),
  geminiImageEditModel: stringSetting(
    'GEMINI_IMAGE_EDIT_MODEL',
    '',
    'Gemini model for image edits; empty = GEMINI_IMAGE_MODEL',
  ),
  // Which Gemini service. vertex-ai authenticates with Application Default Credentials.
  geminiBackend: stringSetting(
    'GEMINI_BACKEND',
    'developer-api',
    'Gemini service: developer-api (the Gemini Developer API, needs GEMINI_API_KEY) or vertex-ai (Vertex AI with Application Default Credentials: the service account needs roles/aiplatform.user; no key); anything else answers 503 not_configured',
  ),
  geminiVertexProject: stringSetting(
    'GEMINI_VERTEX_PROJECT',
    '',
    'Google Cloud project that vertex-ai calls are made in; empty = the Firebase project (GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT or FIREBASE_CONFIG)',
  ),
  geminiVertexLocation: stringSetting(
    'GEMINI_VERTEX_LOCATION',
    'global',
    'Vertex AI location: global (https://aiplatform.googleapis.com) or a region such as us-central1 or europe-west4',
  ),
  // The text backend: chat and match explanations on Gemini or on any OpenAI-compatible server.
  textBackend: stringSetting(
    'TEXT_BACKEND',
    'gemini',
    'Model backend of chat and match explanations: gemini, or openai-compatible (any server that speaks OpenAI Chat Completions: OPENAI_BASE_URL, OPENAI_MODEL, the optional OPENAI_API_KEY); images always use Gemini; anything else answers 503 not_configured',
  ),
  openaiBaseUrl: stringSetting(
    'OPENAI_BASE_URL',
    '',
    'TEXT_BACKEND=openai-compatible: the server base URL, /v1 included (vLLM http://HOST:8000/v1, llama.cpp http://HOST:8080/v1, Ollama http://HOST:11434/v1, https://openrouter.ai/api/v1, https://api.openai.com/v1)',
  ),
  openaiModel: stringSetting(
    'OPENAI_MODEL',
    '',
    'TEXT_BACKEND=openai-compatible: the model name the server serves, for chat and match explanations',
  ),
  // Safety settings: each feature's threshold per harm category, sent as safetySettings.
  chatSafetyHarassment: safetySetting('CHAT_SAFETY_HARASSMENT', 'BLOCK_MEDIUM_AND_ABOVE', 'Chat: harassment threshold'),
  chatSafetyHateSpeech: safetySetting(
    'CHAT_SAFETY_HATE_SPEECH',
    'BLOCK_MEDIUM_AND_ABOVE',
    'Chat: hate speech threshold',
  ),
  chatSafetySexuallyExplicit: safetySetting(
    'CHAT_SAFETY_SEXUALLY_EXPLICIT',
    'BLOCK_MEDIUM_AND_ABOVE',
    'Chat: sexually explicit threshold',
  ),
  chatSafetyDangerousContent: safetySetting(
    'CHAT_SAFETY_DANGEROUS_CONTENT',
    'BLOCK_MEDIUM_AND_ABOVE',
    'Chat: dangerous content threshold',
  ),
  matchExplanationSafetyHarassment: safetySetting(
    'MATCH_EXPLANATION_SAFETY_HARASSMENT',
    'BLOCK_LOW_AND_ABOVE',
    'Match explanations (templates replace a blocked one): harassment threshold',
  ),
  matchExplanationSafetyHateSpeech: safetySetting(
    'MATCH_EXPLANATION_SAFETY_HATE_SPEECH',
    'BLOCK_LOW_AND_ABOVE',
    'Match explanations: hate speech threshold',
  ),
  matchExplanationSafetySexuallyExplicit: safetySetting(
    'MATCH_EXPLANATION_SAFETY_SEXUALLY_EXPLICIT',
    'BLOCK_LOW_AND_ABOVE',
    'Match explanations: sexually explicit threshold',
  ),
  matchExplanationSafetyDangerousContent: safetySetting(
    'MATCH_EXPLANATION_SAFETY_DANGEROUS_CONTENT',
    'BLOCK_LOW_AND_ABOVE',
    'Match explanations: dangerous content threshold',
  ),
  imageSafetyHarassment: safetySetting(
    'IMAGE_SAFETY_HARASSMENT',
    'BLOCK_MEDIUM_AND_ABOVE',
    'Image generation and edits: harassment threshold',
  ),
  imageSafetyHateSpeech: safetySetting(
    'IMAGE_SAFETY_HATE_SPEECH',
    'BLOCK_MEDIUM_AND_ABOVE',
    'Image generation and edits: hate speech threshold',
  ),
  imageSafetySexuallyExplicit: safetySetting(
    'IMAGE_SAFETY_SEXUALLY_EXPLICIT',
    'BLOCK_LOW_AND_ABOVE',
    'Image generation and edits: sexually explicit threshold',
  ),
  imageSafetyDangerousContent: safetySetting(
    'IMAGE_SAFETY_DANGEROUS_CONTENT',
    'BLOCK_MEDIUM_AND_ABOVE',
    'Image generation and edits: dangerous content threshold',
  ),
  imageTimeoutSeconds: intSetting(
    'IMAGE_TIMEOUT_SECONDS',
    120,
    MAX_IMAGE_TIMEOUT_SECONDS,
    'Whole-request timeout of one image generation or edit (keep below the function timeout)',
  ),
  imageModelTimeouts: stringSetting(
    'IMAGE_MODEL_TIMEOUTS',
    'gemini-3-pro-image=240',
    'Per-model-family overrides of IMAGE_TIMEOUT_SECONDS: "family=seconds,..." (an entry covers its -preview and dated ids)',
  ),
  imageMaxOutputBytes: intSetting(
    'IMAGE_MAX_OUTPUT_BYTES',
    40 * 1024 * 1024,
    256 * 1024 * 1024,
    'Cap on the decoded bytes of one generated image',
  ),
  imageSourceMaxBytes: intSetting(
    'IMAGE_SOURCE_MAX_BYTES',
    25 * 1024 * 1024,
    64 * 1024 * 1024,
    'Cap on the bytes of one input image as sent (URL or data URI; a data URI is also bounded by the 31 MiB request)',
  ),
  imageInputMaxSide: intSetting(
    'IMAGE_INPUT_MAX_SIDE',
    1536,
    4096,
    'Longest side, in pixels, of an input image as sent to Gemini (larger ones are downscaled)',
  ),
  imageInputMaxPixels: intSetting(
    'IMAGE_INPUT_MAX_PIXELS',
    100_000_000,
    1_000_000_000,
    'Most pixels (width x height, from the header) an input image may have; more is refused before decoding',
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
  authRevocationCacheSeconds: numberSetting(
    'AUTH_REVOCATION_CACHE_SECONDS',
    30,
    { min: 0, max: 300 },
    'Seconds one instance trusts a passed revocation check of a sign-in (uid + auth_time): how long a revoked or disabled user can still be served; 0 = ask the Auth backend on every request [0-300]',
  ),
  rateLimitPerMinute: intSetting('RATE_LIMIT_PER_MINUTE', 100, 10_000, 'Requests per user per minute'),
  imageRateLimitPerMinute: intSetting('IMAGE_RATE_LIMIT_PER_MINUTE', 10, 1_000, 'Image requests per user per minute'),
  // Chat (chatMessage, chatStream). The model is GEMINI_TEXT_MODEL.
  chatHistoryLength: intSetting('CHAT_HISTORY_LENGTH', 10, 100, 'Previous messages sent to the model as context'),
  chatTemperature: numberSetting('CHAT_TEMPERATURE', 0.7, { min: 0, max: 2 }, 'Chat sampling temperature'),
  chatTopP: numberSetting('CHAT_TOP_P', 0.8, { min: 0, max: 1 }, 'Chat nucleus sampling (topP)'),
  chatTopK: intSetting('CHAT_TOP_K', 40, 1_000, 'Chat top-k sampling'),
  chatMaxOutputTokens: intSetting('CHAT_MAX_OUTPUT_TOKENS', 512, 65_536, 'Cap on tokens per chat reply'),
  chatFirstChunkTimeoutMs: intSetting(
    'CHAT_FIRST_CHUNK_TIMEOUT_MS',
    20_000,
    300_000,
    'Per attempt: time allowed until Gemini sends its first event',
  ),
  chatIdleTimeoutMs: intSetting(
    'CHAT_IDLE_TIMEOUT_MS',
    20_000,
    300_000,
    'Longest silence allowed between Gemini events',
  ),
  chatTotalTimeoutMs: intSetting(
    'CHAT_TOTAL_TIMEOUT_MS',
    55_000,
    3_600_000,
    'Whole model call including retries (keep under the function timeout)',
  ),
  chatRetryMaxAttempts: intSetting('CHAT_RETRY_MAX_ATTEMPTS', 3, 10, 'Gemini attempts before the first token'),
  chatRetryBudgetMs: intSetting(
    'CHAT_RETRY_BUDGET_MS',
    15_000,
    3_600_000,
    'Time after which no new attempt starts (backoff waits included)',
  ),
  chatCacheTtlSeconds: intSetting('CHAT_CACHE_TTL_SECONDS', 3600, MAX_TTL_SECONDS, 'Lifetime of cached chat replies'),
  chatTools: flagSetting(
    'CHAT_TOOLS',
    'Let the assistant call find_events, suggest_people and get_event over the app data',
    true,
  ),
  chatMaxModelCalls: intSetting(
    'CHAT_MAX_MODEL_CALLS',
    4,
    8,
    'Model calls per chat turn with tools (the last one answers in text)',
  ),
  chatToolTimeoutMs: intSetting('CHAT_TOOL_TIMEOUT_MS', 2_000, 30_000, 'Time one assistant tool call may take'),
  chatTurnTimeoutMs: intSetting(
    'CHAT_TURN_TIMEOUT_MS',
    55_000,
    3_600_000,
    'Whole chat turn: every model call and tool call (keep under the function timeout)',
  ),
  // Matching (matchUsers, matchEvents, suggestions).
  matchExplanationModel: stringSetting(
    'MATCH_EXPLANATION_MODEL',
    '',
    'Gemini model that writes match explanations; empty = GEMINI_TEXT_MODEL',
  ),
  matchExplanationTimeoutMs: intSetting(
    'MATCH_EXPLANATION_TIMEOUT_MS',
    3000,
    60_000,
    'Time allowed for the one explanation call per request; templates are used after it',
  ),
  matchExplanationTemperature: numberSetting(
    'MATCH_EXPLANATION_TEMPERATURE',
    0.8,
    { min: 0, max: 2 },
    'Sampling temperature of match explanations',
  ),
  matchExplanationTokensPerMatch: intSetting(
    'MATCH_EXPLANATION_TOKENS_PER_MATCH',
    100,
    1_000,
    'Output token allowance per explained match (the call gets this times the match count, plus a little)',
  ),
  matchCandidateCap: intSetting(
    'MATCH_CANDIDATE_CAP',
    300,
    1_000,
    'Most user documents read as match candidates per request',
  ),
  matchSameCityQuery: flagSetting(
    'MATCH_SAME_CITY_QUERY',
    "Also retrieve match candidates from the caller's city (a location.city query); the local stack turns it off on the Node Firestore stand-in, which cannot filter on nested fields",
    true,
  ),
  matchSharedCache: flagSetting(
    'MATCH_SHARED_CACHE',
    'Keep what every matching request reads alike (the prepared people and event pools) per instance for 60 s; winners and blocks are still read fresh',
    true,
  ),
  matchEventCap: intSetting(
    'MATCH_EVENT_CAP',
    100,
    1_000,
    'Most upcoming event documents read per request while the event pool is not built (before the backfill)',
  ),
  matchAttendeeCap: intSetting(
    'MATCH_ATTENDEE_CAP',
    200,
    1_000,
    "Most attendee profiles read per request for the events' interest signal",
  ),
  matchEventWindowDays: intSetting(
    'MATCH_EVENT_WINDOW_DAYS',
    30,
    366,
    'Default look-ahead of matchEvents when the request gives no `until`',
  ),
  // The same range as a request's maxDistanceKm (features/matching/scoring/distance-band.ts MAX_RADIUS_KM, kept equal by a test).
  matchRadiusKm: intSetting('MATCH_RADIUS_KM', 50, 200, 'Distance at which the location component reaches 0'),
  matchCacheTtlSeconds: intSetting(
    'MATCH_CACHE_TTL_SECONDS',
    86_400,
    MAX_TTL_SECONDS,
    'Lifetime of cached match explanations (keys change whenever the matched signals do)',
  ),
  // Spend controls: daily AI budgets per user, App Check on the AI endpoints.
  dailyTokenBudget: limitSetting(
    'DAILY_TOKEN_BUDGET',
    200_000,
    100_000_000,
    'Gemini tokens per user per UTC day for chat (every model call) and match explanations',
  ),
  dailyImageBudget: limitSetting('DAILY_IMAGE_BUDGET', 20, 100_000, 'Generated or edited images per user per UTC day'),
  dailyCostBudgetUsd: numberSetting(
    'DAILY_COST_BUDGET_USD',
    0,
    { min: 0, max: 100_000 },
    'US dollars per user per UTC day for every AI call together (chat, match explanations, images), priced by MODEL_PRICES; 0 = off',
  ),
  modelPrices: stringSetting(
    'MODEL_PRICES',
    '',
    'JSON entries added to or replacing the built-in price table (USD per 1M tokens, per image by size; docs/pricing.md); empty = the built-in list prices',
  ),
  appCheck: stringSetting(
    'APP_CHECK',
    'off',
    'App Check on the AI endpoints (X-Firebase-AppCheck): off, monitor (log failures) or enforce (401 app_check_failed); anything else = enforce',
  ),
  appCheckReplayProtection: flagSetting(
    'APP_CHECK_REPLAY_PROTECTION',
    'Image functions also consume the App Check token (one-time use): one extra call to the App Check API per request',
  ),
  // Retention (docs/data.md): expireAt for the Firestore TTL policies docs/deploy.md sets up.
  chatRetentionDays: limitSetting(
    'CHAT_RETENTION_DAYS',
    0,
    36_500,
    'Days a conversation is kept after its last message, and a message after it was written (expireAt for a Firestore TTL policy)',
    'keep forever',
  ),
  imageRetentionDays: limitSetting(
    'IMAGE_RETENTION_DAYS',
    0,
    36_500,
    'Days an image record is kept (expireAt for a Firestore TTL policy; give the bucket a lifecycle rule with the same days)',
    'keep forever',
  ),
};
