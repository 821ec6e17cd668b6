// Cloud Functions (2nd gen) runtime options per function, sized for the load each one carries.
// Every function is public at the HTTP level (`invoker: 'public'`): callers are authenticated inside,
// by Firebase ID token, and rate-limited per uid.
import type { HttpsOptions } from 'firebase-functions/v2/https';
import type { DocumentOptions } from 'firebase-functions/v2/firestore';
import type { AuthOptions } from 'firebase-functions/v2/identity';
import { SECRETS } from './lib/platform/config/index.js';

/** One region for everything: Firestore, Auth and the app's users are served from here. */
export const REGION = 'us-central1';

// Every function rate-limits (Upstash) and every feature calls a model: images always Gemini, chat and
// match explanations the text backend (TEXT_BACKEND: Gemini, or an OpenAI-compatible server with its
// optional key). S3 credentials are added by the image features when they exist.
const BASE_SECRETS = [SECRETS.UPSTASH_REDIS_REST_URL, SECRETS.UPSTASH_REDIS_REST_TOKEN];
const GEMINI_SECRETS = [...BASE_SECRETS, SECRETS.GEMINI_API_KEY];
const TEXT_SECRETS = [...GEMINI_SECRETS, SECRETS.OPENAI_API_KEY];

const common: HttpsOptions = {
  region: REGION,
  invoker: 'public',
  // Scale to zero: cold starts (~1-2 s) are acceptable for a social app's AI features; raise per
  // function if latency matters more than idle cost.
  minInstances: 0,
};

/**
 * Chat: requests are I/O-bound (waiting on the model), so one instance can serve many at once;
 * 512MiB leaves room for the SDK, firebase-admin and ~80 in-flight conversations.
 */
const chat: HttpsOptions = {
  ...common,
  memory: '512MiB',
  cpu: 1,
  concurrency: 80,
  maxInstances: 50,
  secrets: TEXT_SECRETS,
};

/**
 * Matching and suggestions: short scoring over a bounded candidate set plus a few short Gemini calls
 * for explanations (with a template fallback), so light and quick.
 */
const matching: HttpsOptions = {
  ...common,
  memory: '512MiB',
  cpu: 1,
  concurrency: 80,
  timeoutSeconds: 60,
  maxInstances: 30,
  secrets: TEXT_SECRETS,
};

/**
 * Images: each request streams a multi-MB image from Gemini through base64 decoding into a multipart
 * S3 upload (10 MiB of pooled part buffers each) and may hold an input image: memory, not CPU, is the limit,
 * so fewer requests per instance and fewer instances (image generation is the expensive path).
 */
const image: HttpsOptions = {
  ...common,
  // Arithmetic in docs/images.md: ~150 MiB runtime + 6 x (<= 48 MiB per 4K output request + up to
  // ~62 MiB of data-URI request body) + two input decodes at once ~= 930 MiB in the worst case, under 1 GiB.
  memory: '1GiB',
  cpu: 1,
  concurrency: 6,
  timeoutSeconds: 300,
  maxInstances: 20,
  secrets: [...GEMINI_SECRETS, SECRETS.S3_ACCESS_KEY_ID, SECRETS.S3_SECRET_ACCESS_KEY],
};

/**
 * A user's data (docs/data.md): deleting a conversation or an image is a few reads and writes; an
 * export streams everything (bounded memory, minutes for the largest accounts); deleting an account
 * erases everything, in Firestore, S3 and Redis, before it answers.
 */
const dataRights: HttpsOptions = {
  ...common,
  memory: '512MiB',
  cpu: 1,
  concurrency: 20,
  timeoutSeconds: 540,
  maxInstances: 10,
  secrets: [...BASE_SECRETS, SECRETS.S3_ACCESS_KEY_ID, SECRETS.S3_SECRET_ACCESS_KEY],
};

/**
 * The health check: a handful of probes within 2 s, answered from a 5 s per-instance cache. It reads
 * the secrets only to probe with them (never echoed); one small instance serves an uptime check.
 */
const health: HttpsOptions = {
  ...common,
  memory: '256MiB',
  cpu: 1,
  concurrency: 80,
  timeoutSeconds: 10,
  maxInstances: 2,
  secrets: [...TEXT_SECRETS, SECRETS.S3_ACCESS_KEY_ID, SECRETS.S3_SECRET_ACCESS_KEY],
};

export const RUNTIME_OPTIONS = {
  // Non-streaming: one Gemini answer, a minute is plenty.
  chatMessage: { ...chat, timeoutSeconds: 60 },
  // SSE streams stay open while the model writes (thinking models can take minutes).
  chatStream: { ...chat, timeoutSeconds: 300 },
  matchUsers: matching,
  matchEvents: matching,
  suggestions: matching,
  generateImage: image,
  editImage: image,
  deleteConversation: { ...dataRights, timeoutSeconds: 120, concurrency: 80 },
  deleteImage: { ...dataRights, timeoutSeconds: 60, concurrency: 80 },
  exportData: dataRights,
  deleteAccount: dataRights,
  health,
} satisfies Record<string, HttpsOptions>;

export type FunctionName = keyof typeof RUNTIME_OPTIONS;

/**
 * Matching's triggers (users/{uid}, events/{id}, eventAttendees/{id} written): a transaction of one
 * or two reads and two writes, no Gemini, no Upstash, so no secrets and little memory. Retried by
 * Eventarc on failure: each is idempotent.
 */
export const MATCH_SYNC_OPTIONS = {
  region: REGION,
  memory: '256MiB',
  cpu: 1,
  concurrency: 80,
  timeoutSeconds: 60,
  maxInstances: 20,
  retry: true,
} satisfies Omit<DocumentOptions<string>, 'document'>;

/**
 * The Auth trigger (eraseDeletedAccount): the whole erasure of one account, like deleteAccount's;
 * retried on failure (the erasure is idempotent and resumes where a failed run stopped).
 */
export const ACCOUNT_ERASURE_OPTIONS = {
  region: REGION,
  memory: '512MiB',
  cpu: 1,
  concurrency: 10,
  timeoutSeconds: 540,
  maxInstances: 10,
  retry: true,
  secrets: [...BASE_SECRETS, SECRETS.S3_ACCESS_KEY_ID, SECRETS.S3_SECRET_ACCESS_KEY],
} satisfies AuthOptions;
