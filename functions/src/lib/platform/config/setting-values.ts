// How the text of a setting becomes its value where a plain string or number is not enough: backends,
// origins, per-model timeouts, the hosts input images may come from, the price table.
import { write } from 'firebase-functions/logger';
import { parsePriceTable } from '../pricing/price-setting.js';
import type { PriceTable } from '../pricing/price-table.js';

export const GOOGLE_GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/** Cloud Functions (2nd gen) HTTP functions time out after at most 60 minutes. */
export const MAX_IMAGE_TIMEOUT_SECONDS = 3600;

export type AppCheckMode = 'off' | 'monitor' | 'enforce';

export type GeminiBackend = 'developer-api' | 'vertex-ai';

/** TEXT_BACKEND's values; also the format tag of a stored chat exchange. */
export type TextBackend = 'gemini' | 'openai-compatible';

/** undefined = an unknown value (requests answer 503 not_configured). */
export function parseTextBackend(value: string): TextBackend | undefined {
  const backend = value.trim().toLowerCase();
  return backend === 'gemini' || backend === 'openai-compatible' ? backend : undefined;
}

/** undefined = an unknown value (requests answer 503 not_configured). */
export function parseGeminiBackend(value: string): GeminiBackend | undefined {
  const backend = value.trim().toLowerCase();
  return backend === 'developer-api' || backend === 'vertex-ai' ? backend : undefined;
}

/** An unknown APP_CHECK value fails closed (enforce): a typo must not switch verification off. */
export function parseAppCheckMode(value: string): AppCheckMode {
  const mode = value.trim().toLowerCase();
  return mode === 'off' || mode === 'monitor' ? mode : 'enforce';
}

export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Resolves GEMINI_BASE_URL, then the SDK's own GOOGLE_GEMINI_BASE_URL, then Google's endpoint. */
export function resolveGeminiBaseUrl(configured: string): string {
  return withoutTrailingSlash(
    configured || process.env.GOOGLE_GEMINI_BASE_URL?.trim() || GOOGLE_GEMINI_DEFAULT_BASE_URL,
  );
}

/** GEMINI_BASE_URL, else GOOGLE_VERTEX_BASE_URL; undefined = Google's endpoint for the location. */
export function resolveVertexBaseUrl(configured: string): string | undefined {
  const baseUrl = configured || process.env.GOOGLE_VERTEX_BASE_URL?.trim() || '';
  return baseUrl ? withoutTrailingSlash(baseUrl) : undefined;
}

/** The project this code runs in: what Cloud Functions and the emulator set. */
export function firebaseProjectId(): string | undefined {
  const fromEnv = process.env.GOOGLE_CLOUD_PROJECT?.trim() || process.env.GCLOUD_PROJECT?.trim();
  if (fromEnv) return fromEnv;
  try {
    const projectId: unknown = (JSON.parse(process.env.FIREBASE_CONFIG ?? '') as { projectId?: unknown }).projectId;
    return typeof projectId === 'string' && projectId.trim() !== '' ? projectId.trim() : undefined;
  } catch {
    return undefined; // unset, or a path to a file (the CLI's form), which does not name the project for us
  }
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
export function resolveSourceHosts(
  configured: string,
  s3: { bucket: string; region: string; endpoint: string | undefined; publicUrlBase: string | undefined },
): string[] {
  const hosts = configured
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host.length > 0);
  if (hosts.length > 0) return hosts;
  const own = [
    hostOf(s3.publicUrlBase),
    s3.endpoint ? hostOf(s3.endpoint) : `${s3.bucket}.s3.${s3.region}.amazonaws.com`,
  ];
  return [...new Set(own.filter((host): host is string => Boolean(host)))];
}

const warnedPriceProblems = new Set<string>();

/** MODEL_PRICES over the built-in table; a value that cannot be used is logged once and ignored. */
export function readPriceTable(text: string): PriceTable {
  const { table, problem } = parsePriceTable(text);
  if (problem && !warnedPriceProblems.has(problem)) {
    warnedPriceProblems.add(problem);
    write({ severity: 'WARNING', message: `${problem}; using the built-in prices`, setting: 'MODEL_PRICES' });
  }
  return table;
}
