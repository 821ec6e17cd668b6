// Every deploy-time setting (a firebase-functions param) in one tree: its name, default, bound and
// description, and where its typed value lands in AppConfig. Adding one is one entry here: getConfig()
// and the AppConfig type follow from the tree. Numbers are bounded where read (setting-kinds.ts): a
// value is deploy-time text, and an absurd one must degrade to a sane value, not to a 500 or a runaway
// bill. Internal tuning is not here: it is named constants next to the code that uses it.
import {
  derivedValue,
  flagSetting,
  intSetting,
  limitSetting,
  mappedSetting,
  numberSetting,
  safetyPolicySetting,
  stringSetting,
  type Setting,
} from './setting-kinds.js';
import {
  firebaseProjectId,
  MAX_IMAGE_TIMEOUT_SECONDS,
  parseAppCheckMode,
  parseGeminiBackend,
  parseModelTimeouts,
  parseOriginList,
  parseTextBackend,
  readPriceTable,
  resolveGeminiBaseUrl,
  resolveSourceHosts,
  resolveVertexBaseUrl,
  withoutTrailingSlash,
} from './setting-values.js';

export type { Setting } from './setting-kinds.js';

const GEMINI_BASE_URL = stringSetting(
  'GEMINI_BASE_URL',
  '',
  'Gemini API base URL (either backend); empty = the GOOGLE_GEMINI_BASE_URL (developer-api) or GOOGLE_VERTEX_BASE_URL (vertex-ai) env var if set, else Google',
);

const GEMINI = {
  baseUrl: mappedSetting(GEMINI_BASE_URL, resolveGeminiBaseUrl),
  textModel: stringSetting('GEMINI_TEXT_MODEL', 'gemini-flash-latest', 'Gemini model for text and chat'),
  imageModel: stringSetting('GEMINI_IMAGE_MODEL', 'gemini-3.1-flash-image', 'Gemini model for images'),
  backend: mappedSetting(
    stringSetting(
      'GEMINI_BACKEND',
      'developer-api',
      'Gemini service: developer-api (the Gemini Developer API, needs GEMINI_API_KEY) or vertex-ai (Vertex AI with Application Default Credentials: the service account needs roles/aiplatform.user; no key); anything else answers 503 not_configured',
    ),
    parseGeminiBackend,
  ),
  vertex: {
    project: mappedSetting(
      stringSetting(
        'GEMINI_VERTEX_PROJECT',
        '',
        'Google Cloud project that vertex-ai calls are made in; empty = the Firebase project (GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT or FIREBASE_CONFIG)',
      ),
      (project) => project || firebaseProjectId(),
    ),
    location: stringSetting(
      'GEMINI_VERTEX_LOCATION',
      'global',
      'Vertex AI location: global (https://aiplatform.googleapis.com) or a region such as us-central1 or europe-west4',
    ),
    baseUrl: derivedValue(() => resolveVertexBaseUrl(GEMINI_BASE_URL.read())),
  },
};

const S3 = {
  bucket: stringSetting('S3_BUCKET', 'social-ai-media', 'Bucket that stores generated images'),
  region: stringSetting('S3_REGION', 'us-east-1', 'Region of the S3 bucket'),
  endpoint: mappedSetting(
    stringSetting('S3_ENDPOINT', '', 'S3-compatible endpoint URL; empty = AWS S3'),
    (url) => url || undefined,
  ),
  publicUrlBase: mappedSetting(
    stringSetting('PUBLIC_URL_BASE', '', 'Base of public image URLs; empty = derived from S3'),
    (url) => withoutTrailingSlash(url) || undefined,
  ),
};

export const SETTINGS = {
  gemini: GEMINI,
  /** Which backend serves chat and match explanations (images are always Gemini's). */
  text: {
    backend: mappedSetting(
      stringSetting(
        'TEXT_BACKEND',
        'gemini',
        'Model backend of chat and match explanations: gemini, or openai-compatible (any server that speaks OpenAI Chat Completions: OPENAI_BASE_URL, OPENAI_MODEL, the optional OPENAI_API_KEY); images always use Gemini; anything else answers 503 not_configured',
      ),
      parseTextBackend,
    ),
    openai: {
      baseUrl: mappedSetting(
        stringSetting(
          'OPENAI_BASE_URL',
          '',
          'TEXT_BACKEND=openai-compatible: the server base URL, /v1 included (vLLM http://HOST:8000/v1, llama.cpp http://HOST:8080/v1, Ollama http://HOST:11434/v1, https://openrouter.ai/api/v1, https://api.openai.com/v1)',
        ),
        withoutTrailingSlash,
      ),
      model: stringSetting(
        'OPENAI_MODEL',
        '',
        'TEXT_BACKEND=openai-compatible: the model name the server serves, for chat and match explanations',
      ),
    },
  },
  s3: S3,
  images: {
    editModel: mappedSetting(
      stringSetting('GEMINI_IMAGE_EDIT_MODEL', '', 'Gemini model for image edits; empty = GEMINI_IMAGE_MODEL'),
      (model) => model || GEMINI.imageModel.read(),
    ),
    defaultTimeoutMs: mappedSetting(
      intSetting(
        'IMAGE_TIMEOUT_SECONDS',
        120,
        MAX_IMAGE_TIMEOUT_SECONDS,
        'Whole-request timeout of one image generation or edit (keep below the function timeout)',
      ),
      (seconds) => seconds * 1000,
    ),
    modelTimeoutsMs: mappedSetting(
      stringSetting(
        'IMAGE_MODEL_TIMEOUTS',
        'gemini-3-pro-image=240',
        'Per-model-family overrides of IMAGE_TIMEOUT_SECONDS: "family=seconds,..." (an entry covers its -preview and dated ids)',
      ),
      parseModelTimeouts,
    ),
    maxOutputBytes: intSetting(
      'IMAGE_MAX_OUTPUT_BYTES',
      40 * 1024 * 1024,
      256 * 1024 * 1024,
      'Cap on the decoded bytes of one generated image',
    ),
    sourceMaxBytes: intSetting(
      'IMAGE_SOURCE_MAX_BYTES',
      25 * 1024 * 1024,
      64 * 1024 * 1024,
      'Cap on the bytes of one input image as sent (URL or data URI; a data URI is also bounded by the 31 MiB request)',
    ),
    /** Never below 256: an edit needs some detail to work on. */
    inputMaxSide: mappedSetting(
      intSetting(
        'IMAGE_INPUT_MAX_SIDE',
        1536,
        4096,
        'Longest side, in pixels, of an input image as sent to Gemini (larger ones are downscaled; at least 256): detail enough for an edit; more costs tokens and upload time',
      ),
      (side) => Math.max(256, side),
    ),
    inputMaxPixels: intSetting(
      'IMAGE_INPUT_MAX_PIXELS',
      100_000_000,
      1_000_000_000,
      'Most pixels (width x height, from the header) an input image may have; more is refused before decoding',
    ),
    /** Lower-case host names (or "*.suffix" patterns) input image URLs may point at. */
    sourceAllowedHosts: mappedSetting(
      stringSetting(
        'IMAGE_SOURCE_ALLOWED_HOSTS',
        '',
        'Comma-separated hosts input image URLs may use: "host" (default port only), "host:port", "*.example.com[:port]" (subdomains); empty = the bucket and PUBLIC_URL_BASE hosts with their ports',
      ),
      (hosts) =>
        resolveSourceHosts(hosts, {
          bucket: S3.bucket.read(),
          region: S3.region.read(),
          endpoint: S3.endpoint.read(),
          publicUrlBase: S3.publicUrlBase.read(),
        }),
    ),
    sourceAllowLoopback: flagSetting(
      'IMAGE_SOURCE_ALLOW_LOOPBACK',
      'DEV ONLY: let input image URLs use http and loopback addresses (the local stack and tests)',
    ),
    safetySettings: safetyPolicySetting(
      'IMAGE_SAFETY',
      'BLOCK_MEDIUM_AND_ABOVE,SEXUALLY_EXPLICIT=BLOCK_LOW_AND_ABOVE',
      'Image generation and edits: safety threshold of every harm category',
    ),
  },
  cors: {
    origins: mappedSetting(
      stringSetting('CORS_ORIGINS', '*', 'Comma-separated allowed browser origins, or *'),
      parseOriginList,
    ),
  },
  rateLimit: {
    perMinute: intSetting('RATE_LIMIT_PER_MINUTE', 100, 10_000, 'Requests per user per minute'),
    imagePerMinute: intSetting('IMAGE_RATE_LIMIT_PER_MINUTE', 10, 1_000, 'Image requests per user per minute'),
  },
  /** Chat (chatMessage, chatStream). The model is GEMINI_TEXT_MODEL. */
  chat: {
    historyLength: intSetting('CHAT_HISTORY_LENGTH', 10, 100, 'Previous messages sent to the model as context'),
    maxOutputTokens: intSetting('CHAT_MAX_OUTPUT_TOKENS', 512, 65_536, 'Cap on tokens per chat reply'),
    toolsEnabled: flagSetting(
      'CHAT_TOOLS',
      'Let the assistant call find_events, suggest_people and get_event over the app data',
      true,
    ),
    safetySettings: safetyPolicySetting(
      'CHAT_SAFETY',
      'BLOCK_MEDIUM_AND_ABOVE',
      'Chat: safety threshold of every harm category',
    ),
  },
  /** Matching (matchUsers, matchEvents, suggestions). */
  matching: {
    explanationModel: mappedSetting(
      stringSetting(
        'MATCH_EXPLANATION_MODEL',
        '',
        'Gemini model that writes match explanations; empty = GEMINI_TEXT_MODEL',
      ),
      (model) => model || GEMINI.textModel.read(),
    ),
    explanationTimeoutMs: intSetting(
      'MATCH_EXPLANATION_TIMEOUT_MS',
      3000,
      60_000,
      'Time allowed for the one explanation call per request; templates are used after it',
    ),
    explanationSafetySettings: safetyPolicySetting(
      'MATCH_EXPLANATION_SAFETY',
      'BLOCK_LOW_AND_ABOVE',
      'Match explanations (templates replace a blocked one): safety threshold of every harm category',
    ),
  },
  /** Spend controls: units per user per UTC day; 0 = that budget is off. */
  budget: {
    dailyTokens: limitSetting(
      'DAILY_TOKEN_BUDGET',
      200_000,
      100_000_000,
      'Gemini tokens per user per UTC day for chat (every model call) and match explanations',
    ),
    dailyImages: limitSetting('DAILY_IMAGE_BUDGET', 20, 100_000, 'Generated or edited images per user per UTC day'),
    dailyCostUsd: numberSetting(
      'DAILY_COST_BUDGET_USD',
      0,
      { min: 0, max: 100_000 },
      'US dollars per user per UTC day for every AI call together (chat, match explanations, images), priced by MODEL_PRICES; 0 = off',
    ),
  },
  pricing: {
    table: mappedSetting(
      stringSetting(
        'MODEL_PRICES',
        '',
        'JSON entries added to or replacing the built-in price table (USD per 1M tokens, per image by size; docs/pricing.md); empty = the built-in list prices',
      ),
      readPriceTable,
    ),
  },
  appCheck: {
    mode: mappedSetting(
      stringSetting(
        'APP_CHECK',
        'off',
        'App Check on the AI endpoints (X-Firebase-AppCheck): off, monitor (log failures) or enforce (401 app_check_failed); anything else = enforce',
      ),
      parseAppCheckMode,
    ),
    replayProtection: flagSetting(
      'APP_CHECK_REPLAY_PROTECTION',
      'Image functions also consume the App Check token (one-time use): one extra call to the App Check API per request',
    ),
  },
  /** Days before expireAt (Firestore TTL) removes records (docs/data.md); 0 = keep forever. */
  retention: {
    chatDays: limitSetting(
      'CHAT_RETENTION_DAYS',
      0,
      36_500,
      'Days a conversation is kept after its last message, and a message after it was written (expireAt for a Firestore TTL policy)',
      'keep forever',
    ),
    imageDays: limitSetting(
      'IMAGE_RETENTION_DAYS',
      0,
      36_500,
      'Days an image record is kept (expireAt for a Firestore TTL policy; give the bucket a lifecycle rule with the same days)',
      'keep forever',
    ),
  },
};

/** A tree of settings -> the tree of their values. */
type ValuesOf<Tree> = {
  [Key in keyof Tree]: Tree[Key] extends Setting<unknown, infer Value> ? Value : ValuesOf<Tree[Key]>;
};

/** The typed, per-request view of every non-secret setting. */
export type AppConfig = ValuesOf<typeof SETTINGS>;
export type ChatConfig = AppConfig['chat'];
export type ImageConfig = AppConfig['images'];
export type VertexSettings = AppConfig['gemini']['vertex'];

function isSetting(node: object): node is Setting<unknown, unknown> {
  return typeof (node as { read?: unknown }).read === 'function';
}

function readTree(tree: object): unknown {
  return Object.fromEntries(
    Object.entries(tree).map(([key, node]: [string, object]) => [key, isSetting(node) ? node.read() : readTree(node)]),
  );
}

/** Non-secret configuration, read fresh on each call (a handful of env lookups: cheap). */
export function getConfig(): AppConfig {
  return readTree(SETTINGS) as AppConfig;
}

/** Every declared param once (deploy discovery, the docs' table, the launchers' managed env). */
export function settingParams(): Array<{ name: string; options: { default?: unknown; description?: string } }> {
  const params = new Map<string, { name: string; options: { default?: unknown; description?: string } }>();
  const walk = (tree: object): void => {
    for (const node of Object.values(tree) as object[]) {
      if (!isSetting(node)) walk(node);
      else if (node.param) {
        const param = node.param as { name: string; options: { default?: unknown; description?: string } };
        params.set(param.name, param);
      }
    }
  };
  walk(SETTINGS);
  return [...params.values()];
}
