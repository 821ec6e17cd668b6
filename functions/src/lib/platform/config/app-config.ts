// The typed, per-request view of every non-secret setting.
import { write } from 'firebase-functions/logger';
import { toSafetySettings, type GeminiSafetySetting } from '../gemini/safety.js';
import { parsePriceTable } from '../pricing/parse.js';
import type { PriceTable } from '../pricing/price-table.js';
import { GOOGLE_GEMINI_DEFAULT_BASE_URL, MAX_IMAGE_TIMEOUT_SECONDS, SETTINGS } from './settings.js';

export interface AppConfig {
  /** Which backend serves chat and match explanations (images are always Gemini's). */
  text: {
    /** TEXT_BACKEND; undefined = an unknown value (requests answer 503 not_configured). */
    backend: TextBackend | undefined;
    /** TEXT_BACKEND=openai-compatible: OPENAI_BASE_URL (no trailing slash) and OPENAI_MODEL; '' when unset. */
    openai: { baseUrl: string; model: string };
  };
  gemini: {
    /** One effective base URL for both the SDK client (httpOptions.baseUrl) and raw fetch. */
    baseUrl: string;
    textModel: string;
    imageModel: string;
    /** GEMINI_BACKEND; undefined = an unknown value (requests answer 503 not_configured). */
    backend: GeminiBackend | undefined;
    vertex: VertexSettings;
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
  /** Seconds a passed ID-token revocation check is trusted per sign-in; 0 = check every request. */
  auth: { revocationCacheSeconds: number };
  rateLimit: { perMinute: number; imagePerMinute: number };
  chat: ChatConfig;
  matching: MatchingConfig;
  /** Units per user per UTC day; 0 = that budget is off. */
  budget: { dailyTokens: number; dailyImages: number; dailyCostUsd: number };
  /** What model calls cost (MODEL_PRICES over the built-in list prices). */
  pricing: { table: PriceTable };
  appCheck: { mode: AppCheckMode; replayProtection: boolean };
  /** Days before expireAt (Firestore TTL) removes conversations, messages and image records; 0 = keep forever. */
  retention: { chatDays: number; imageDays: number };
}

export type AppCheckMode = 'off' | 'monitor' | 'enforce';

export type GeminiBackend = 'developer-api' | 'vertex-ai';

/** TEXT_BACKEND's values; also the format tag of a stored chat exchange. */
export type TextBackend = 'gemini' | 'openai-compatible';

export function parseTextBackend(value: string): TextBackend | undefined {
  const backend = value.trim().toLowerCase();
  return backend === 'gemini' || backend === 'openai-compatible' ? backend : undefined;
}

export interface VertexSettings {
  /** GEMINI_VERTEX_PROJECT, else the Firebase project; undefined when neither is known. */
  project: string | undefined;
  location: string;
  /** GEMINI_BASE_URL or GOOGLE_VERTEX_BASE_URL; undefined = Google's endpoint for the location. */
  baseUrl: string | undefined;
}

export function parseGeminiBackend(value: string): GeminiBackend | undefined {
  const backend = value.trim().toLowerCase();
  return backend === 'developer-api' || backend === 'vertex-ai' ? backend : undefined;
}

/** The project this code runs in: what Cloud Functions and the emulator set. */
function firebaseProjectId(): string | undefined {
  const fromEnv = process.env.GOOGLE_CLOUD_PROJECT?.trim() || process.env.GCLOUD_PROJECT?.trim();
  if (fromEnv) return fromEnv;
  try {
    const projectId: unknown = (JSON.parse(process.env.FIREBASE_CONFIG ?? '') as { projectId?: unknown }).projectId;
    return typeof projectId === 'string' && projectId.trim() !== '' ? projectId.trim() : undefined;
  } catch {
    return undefined; // unset, or a path to a file (the CLI's form), which does not name the project for us
  }
}

function resolveVertexSettings(): VertexSettings {
  const baseUrl = SETTINGS.geminiBaseUrl.read() || process.env.GOOGLE_VERTEX_BASE_URL?.trim() || '';
  return {
    project: SETTINGS.geminiVertexProject.read() || firebaseProjectId(),
    location: SETTINGS.geminiVertexLocation.read(),
    baseUrl: baseUrl ? withoutTrailingSlash(baseUrl) : undefined,
  };
}

const warnedPriceProblems = new Set<string>();

/** MODEL_PRICES over the built-in table; a value that cannot be used is logged once and ignored. */
function readPriceTable(): PriceTable {
  const { table, problem } = parsePriceTable(SETTINGS.modelPrices.read());
  if (problem && !warnedPriceProblems.has(problem)) {
    warnedPriceProblems.add(problem);
    write({ severity: 'WARNING', message: `${problem}; using the built-in prices`, setting: 'MODEL_PRICES' });
  }
  return table;
}

/** An unknown APP_CHECK value fails closed (enforce): a typo must not switch verification off. */
export function parseAppCheckMode(value: string): AppCheckMode {
  const mode = value.trim().toLowerCase();
  return mode === 'off' || mode === 'monitor' ? mode : 'enforce';
}

export interface ImageConfig {
  /** Model for edits (GEMINI_IMAGE_EDIT_MODEL, else the image model). */
  editModel: string;
  defaultTimeoutMs: number;
  /** Per-model timeouts, keyed by model name. */
  modelTimeoutsMs: Record<string, number>;
  maxOutputBytes: number;
  sourceMaxBytes: number;
  /** IMAGE_INPUT_MAX_SIDE: input images are downscaled to this long side. */
  inputMaxSide: number;
  /** IMAGE_INPUT_MAX_PIXELS: width x height above which an input is refused unread. */
  inputMaxPixels: number;
  /** Lower-case host names (or "*.suffix" patterns) input image URLs may point at. */
  sourceAllowedHosts: string[];
  /** Dev only: http and loopback addresses allowed for input image URLs. */
  sourceAllowLoopback: boolean;
  /** IMAGE_SAFETY_*: sent with every generate and edit request. */
  safetySettings: GeminiSafetySetting[];
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
  /** The assistant may call tools (CHAT_TOOLS). */
  toolsEnabled: boolean;
  maxModelCalls: number;
  toolTimeoutMs: number;
  turnTimeoutMs: number;
  /** CHAT_SAFETY_*: sent with every model call of a turn. */
  safetySettings: GeminiSafetySetting[];
}

export interface MatchingConfig {
  /** Model for explanations (MATCH_EXPLANATION_MODEL, else the text model). */
  explanationModel: string;
  explanationTimeoutMs: number;
  explanationTemperature: number;
  explanationTokensPerMatch: number;
  /** MATCH_EXPLANATION_SAFETY_*: sent with the explanation call. */
  explanationSafetySettings: GeminiSafetySetting[];
  candidateCap: number;
  /** Whether the same-city candidate query runs (MATCH_SAME_CITY_QUERY). */
  sameCityQuery: boolean;
  /** Whether the per-instance cache of the pool and upcoming events is used (MATCH_SHARED_CACHE). */
  sharedCache: boolean;
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

/**
 * "a=120, b=240" -> { a: 120000, b: 240000 }; malformed entries are ignored, and seconds are capped at
 * MAX_IMAGE_TIMEOUT_SECONDS like IMAGE_TIMEOUT_SECONDS (a huge value would overflow setTimeout, which
 * then fires at once).
 */
export function parseModelTimeouts(value: string): Record<string, number> {
  const timeouts: Record<string, number> = {};
  for (const entry of value.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(entry);
    if (match && Number(match[2]) > 0)
      timeouts[match[1]] = Math.min(Number(match[2]), MAX_IMAGE_TIMEOUT_SECONDS) * 1000;
  }
  return timeouts;
}

/** `host[:port]` (port only when not the scheme's default): allow-list entries match ports too. */
function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host.toLowerCase();
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
    text: {
      backend: parseTextBackend(SETTINGS.textBackend.read()),
      openai: { baseUrl: withoutTrailingSlash(SETTINGS.openaiBaseUrl.read()), model: SETTINGS.openaiModel.read() },
    },
    gemini: {
      baseUrl: resolveGeminiBaseUrl(),
      textModel: SETTINGS.geminiTextModel.read(),
      imageModel,
      backend: parseGeminiBackend(SETTINGS.geminiBackend.read()),
      vertex: resolveVertexSettings(),
    },
    s3: { bucket: s3Bucket, region: s3Region, endpoint: s3Endpoint, publicUrlBase },
    images: {
      editModel: SETTINGS.geminiImageEditModel.read() || imageModel,
      defaultTimeoutMs: SETTINGS.imageTimeoutSeconds.read() * 1000,
      modelTimeoutsMs: parseModelTimeouts(SETTINGS.imageModelTimeouts.read()),
      maxOutputBytes: SETTINGS.imageMaxOutputBytes.read(),
      sourceMaxBytes: SETTINGS.imageSourceMaxBytes.read(),
      inputMaxSide: Math.max(256, SETTINGS.imageInputMaxSide.read()),
      inputMaxPixels: SETTINGS.imageInputMaxPixels.read(),
      sourceAllowedHosts: resolveSourceHosts(s3Bucket, s3Region, s3Endpoint, publicUrlBase),
      sourceAllowLoopback: SETTINGS.imageSourceAllowLoopback.read(),
      safetySettings: toSafetySettings({
        HARM_CATEGORY_HARASSMENT: SETTINGS.imageSafetyHarassment.read(),
        HARM_CATEGORY_HATE_SPEECH: SETTINGS.imageSafetyHateSpeech.read(),
        HARM_CATEGORY_SEXUALLY_EXPLICIT: SETTINGS.imageSafetySexuallyExplicit.read(),
        HARM_CATEGORY_DANGEROUS_CONTENT: SETTINGS.imageSafetyDangerousContent.read(),
      }),
    },
    cors: { origins: parseOriginList(SETTINGS.corsOrigins.read()) },
    auth: { revocationCacheSeconds: SETTINGS.authRevocationCacheSeconds.read() },
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
      toolsEnabled: SETTINGS.chatTools.read(),
      maxModelCalls: SETTINGS.chatMaxModelCalls.read(),
      toolTimeoutMs: SETTINGS.chatToolTimeoutMs.read(),
      turnTimeoutMs: SETTINGS.chatTurnTimeoutMs.read(),
      safetySettings: toSafetySettings({
        HARM_CATEGORY_HARASSMENT: SETTINGS.chatSafetyHarassment.read(),
        HARM_CATEGORY_HATE_SPEECH: SETTINGS.chatSafetyHateSpeech.read(),
        HARM_CATEGORY_SEXUALLY_EXPLICIT: SETTINGS.chatSafetySexuallyExplicit.read(),
        HARM_CATEGORY_DANGEROUS_CONTENT: SETTINGS.chatSafetyDangerousContent.read(),
      }),
    },
    matching: {
      explanationModel: SETTINGS.matchExplanationModel.read() || SETTINGS.geminiTextModel.read(),
      explanationTimeoutMs: SETTINGS.matchExplanationTimeoutMs.read(),
      explanationTemperature: SETTINGS.matchExplanationTemperature.read(),
      explanationTokensPerMatch: SETTINGS.matchExplanationTokensPerMatch.read(),
      explanationSafetySettings: toSafetySettings({
        HARM_CATEGORY_HARASSMENT: SETTINGS.matchExplanationSafetyHarassment.read(),
        HARM_CATEGORY_HATE_SPEECH: SETTINGS.matchExplanationSafetyHateSpeech.read(),
        HARM_CATEGORY_SEXUALLY_EXPLICIT: SETTINGS.matchExplanationSafetySexuallyExplicit.read(),
        HARM_CATEGORY_DANGEROUS_CONTENT: SETTINGS.matchExplanationSafetyDangerousContent.read(),
      }),
      candidateCap: SETTINGS.matchCandidateCap.read(),
      sameCityQuery: SETTINGS.matchSameCityQuery.read(),
      sharedCache: SETTINGS.matchSharedCache.read(),
      eventCap: SETTINGS.matchEventCap.read(),
      attendeeCap: SETTINGS.matchAttendeeCap.read(),
      eventWindowDays: SETTINGS.matchEventWindowDays.read(),
      radiusKm: SETTINGS.matchRadiusKm.read(),
      cacheTtlSeconds: SETTINGS.matchCacheTtlSeconds.read(),
    },
    budget: {
      dailyTokens: SETTINGS.dailyTokenBudget.read(),
      dailyImages: SETTINGS.dailyImageBudget.read(),
      dailyCostUsd: SETTINGS.dailyCostBudgetUsd.read(),
    },
    pricing: { table: readPriceTable() },
    appCheck: {
      mode: parseAppCheckMode(SETTINGS.appCheck.read()),
      replayProtection: SETTINGS.appCheckReplayProtection.read(),
    },
    retention: { chatDays: SETTINGS.chatRetentionDays.read(), imageDays: SETTINGS.imageRetentionDays.read() },
  };
}
