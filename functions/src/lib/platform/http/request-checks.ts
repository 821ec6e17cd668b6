// The request layer's checks of what a request carries: method, content type, the JSON body and its
// size, the input's shape, and zod validation reported as one 400.
/// <reference lib="es2024.string" />
import type { Request } from 'express';
import type { core } from 'zod/mini';
import { check } from '../validation.js';
import { HttpError } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function assertMethod(req: Request, expected: HttpMethod): void {
  if (req.method === expected) return;
  throw new HttpError(405, 'method_not_allowed', `Use ${expected} for this endpoint`, {
    headers: { Allow: `${expected}, OPTIONS` },
  });
}

/** application/json, or any `application/<x>+json` (RFC 6839 structured syntax suffix). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
}

export function assertJsonContentType(req: Request): void {
  if (isJsonMediaType(req.headers['content-type'])) return;
  throw new HttpError(415, 'unsupported_media_type', 'Send the request body as Content-Type: application/json');
}

// Getting the JSON body, whatever the hosting framework already did with it.
//
// Found empirically (firebase-tools 15 functions emulator; the Cloud Functions Node.js functions
// framework is built the same way): before our handler runs, Express body parsers read the request
// (json, text, urlencoded, raw for any other type; 32 MB limit; `req.rawBody` kept). For
// `application/json` they JSON.parse the body themselves, and a malformed body is answered by Express's
// default error handler with a 400 HTML page (its stack trace outside production): OUR HANDLER NEVER RUNS,
// so no `invalid_json` there. A body over 32 MB gets a 413 from the framework the same way.
// What does reach us and is handled here:
// - a parsed object (the normal case): size-checked against our own, much smaller, limit via rawBody;
// - `application/<x>+json` bodies, which the framework's raw parser hands over as a Buffer;
// - a body the framework left unread (mounted without body parsers): read here, with the limit;
// in the last two cases we parse, and malformed JSON is our 400 `invalid_json`.
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

type RequestWithRawBody = Request & { rawBody?: unknown };

function payloadTooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes`, {
    details: { maxBytes },
  });
}

function declaredLength(req: Request): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isFinite(length) ? length : undefined;
}

function hasUnreadBody(req: Request): boolean {
  const mayHaveBody = req.headers['transfer-encoding'] !== undefined || (declaredLength(req) ?? 0) > 0;
  return mayHaveBody && !req.readableEnded && req.readable;
}

/** Reads an unconsumed request stream, giving up (413) as soon as it passes `maxBytes`. */
async function readStream(req: Request, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > maxBytes) {
      req.unpipe();
      req.resume(); // drain the rest so the connection is not left half-read
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  // An empty body reads as {}, as the framework's JSON parser does: schemas then name the missing fields.
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON');
  }
}

/** The JSON body of `req`, enforcing `maxBytes` on the bytes actually received. */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) throw payloadTooLarge(maxBytes);

  const { rawBody } = req as RequestWithRawBody;
  const body: unknown = req.body;
  const alreadyParsed = body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string';

  let raw: Buffer;
  if (Buffer.isBuffer(rawBody)) raw = rawBody;
  else if (Buffer.isBuffer(body)) raw = body;
  else if (typeof body === 'string') raw = Buffer.from(body, 'utf8');
  else if (alreadyParsed)
    raw = Buffer.from(JSON.stringify(body) ?? '', 'utf8'); // parsed without rawBody
  else if (hasUnreadBody(req)) raw = await readStream(req, maxBytes);
  else raw = Buffer.alloc(0);

  if (raw.length > maxBytes) throw payloadTooLarge(maxBytes);
  return alreadyParsed ? body : parseJson(raw);
}

// zod validation of body, query and path, reported together as one 400 `invalid_request`.
/** Where a value came from; `data` is the callable protocol's argument (callable.ts). */
export type RequestLocation = 'body' | 'query' | 'path' | 'data';

export interface ValidationIssue {
  location: RequestLocation;
  /** Where in that location, e.g. ["messages", 0, "text"]; [] for the location itself. */
  path: (string | number)[];
  message: string;
  code: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export function validate<S extends core.$ZodType>(
  schema: S,
  value: unknown,
  location: RequestLocation,
): ValidationResult<core.output<S>> {
  const result = check(schema, value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      location,
      path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))),
      message: issue.message,
      code: issue.code,
    })),
  };
}

/** Issues sent back per request: enough to fix a client, while a body of a thousand bad values stays a small answer. */
export const MAX_REPORTED_ISSUES = 20;

export function invalidRequest(issues: ValidationIssue[]): HttpError {
  const shown = issues.slice(0, MAX_REPORTED_ISSUES);
  const where = [...new Set(shown.map((issue) => [issue.location, ...issue.path].join('.')))].join(', ');
  const omitted = issues.length - shown.length;
  return new HttpError(
    400,
    'invalid_request',
    `The request is invalid: ${where}${omitted > 0 ? ` (and ${omitted} more)` : ''}`,
    {
      details: { issues: shown, ...(omitted > 0 ? { omittedIssues: omitted } : {}) },
    },
  );
}

/** Query parameters from the URL itself (independent of the host's query parser): repeats become arrays. */
export function readQuery(req: Request): Record<string, string | string[]> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

/** Decoded path segments after the function name: `/suggestions/abc` -> ["abc"]. */
export function readPathSegments(req: Request): string[] {
  const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
  return pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment, index) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        // Also what a percent-encoded lone surrogate (%ED%A0%80) gets: it is not valid UTF-8.
        throw new HttpError(400, 'invalid_request', `The request is invalid: path.${index}`, {
          details: {
            issues: [
              {
                location: 'path',
                path: [index],
                message: 'Invalid percent-encoding (or not UTF-8)',
                code: 'invalid_format',
              },
            ],
          },
        });
      }
    });
}

// The shape every request input must have before any schema looks at it: body, query and path are
// walked once, iteratively, and refused when
//   - a string or an object KEY is ill-formed UTF-16 (a lone surrogate, e.g. JSON "\ud800"): such a
//     string cannot be encoded as UTF-8, so Firestore, Gemini or S3 metadata would fail on it only
//     after the work before them was done (and paid for);
//   - the value nests deeper than MAX_INPUT_DEPTH, or holds more than MAX_INPUT_VALUES values in all:
//     no endpoint takes more than a few dozen values, and a bounded walk keeps every later step
//     (zod, logging, JSON.stringify) away from pathological inputs.
// It runs in the request layer for every endpoint, so a new schema cannot forget it, and it also
// covers what a schema would strip or pass through unseen (unknown keys and their values).
/** Our deepest schema nests 3 levels (matchUsers preferences.interests[i]); generous headroom. */
export const MAX_INPUT_DEPTH = 16;
/** Every value counts (objects, arrays, keys' values, scalars); legitimate requests stay far below. */
export const MAX_INPUT_VALUES = 1_000;
/** Ill-formed strings reported per request; the first few are enough to fix a client. */
export const MAX_REPORTED_STRINGS = 10;

type Path = (string | number)[];

interface Pending {
  value: unknown;
  path: Path;
  /** The object key that led here (its path entry is shown well-formed). */
  key?: string;
}

/** A key as it can be shown back: lone surrogates become U+FFFD, so the error itself is well-formed. */
function shownKey(key: string): string {
  return key.isWellFormed() ? key : key.toWellFormed();
}

/** The children of an array or object as stack entries, in reverse so issues come out in document order. */
function childrenOf(value: object, path: Path): Pending[] {
  const children: Pending[] = [];
  if (Array.isArray(value)) {
    for (let index = value.length - 1; index >= 0; index--)
      children.push({ value: value[index], path: [...path, index] });
    return children;
  }
  const keys = Object.keys(value);
  for (let index = keys.length - 1; index >= 0; index--) {
    const key = keys[index];
    children.push({ value: (value as Record<string, unknown>)[key], path: [...path, shownKey(key)], key });
  }
  return children;
}

function sizeOf(value: object): number {
  return Array.isArray(value) ? value.length : Object.keys(value).length;
}

/**
 * The problems of one request location ([] when there are none). Stops at the first depth or size
 * violation (the rest of the value is not looked at) and after MAX_REPORTED_STRINGS ill-formed strings.
 */
export function inputShapeIssues(value: unknown, location: RequestLocation): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  // A stack, not recursion: the walk's own depth never depends on the input.
  const pending: Pending[] = [{ value, path: [] }];
  let counted = 1;

  const illFormed = (path: Path, what: string): boolean => {
    issues.push({
      location,
      path,
      code: 'ill_formed_string',
      message: `${what} is not well-formed Unicode (it contains a lone surrogate)`,
    });
    return issues.length >= MAX_REPORTED_STRINGS;
  };

  while (pending.length > 0) {
    const { value: current, path, key } = pending.pop()!;
    if (key !== undefined && !key.isWellFormed()) {
      if (illFormed(path, 'The key')) return issues;
      continue; // a refused key: what it holds does not matter
    }
    if (typeof current === 'string') {
      if (!current.isWellFormed() && illFormed(path, 'The string')) return issues;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= MAX_INPUT_DEPTH) {
      issues.push({
        location,
        path,
        code: 'too_deep',
        message: `Values may nest at most ${MAX_INPUT_DEPTH} levels deep`,
      });
      return issues;
    }
    // Counted before the children are listed: a huge array costs no more than its length check.
    counted += sizeOf(current);
    if (counted > MAX_INPUT_VALUES) {
      issues.push({
        location,
        path,
        code: 'too_many_values',
        message: `At most ${MAX_INPUT_VALUES} values are accepted`,
      });
      return issues;
    }
    pending.push(...childrenOf(current, path));
  }
  return issues;
}

/** 400 invalid_request naming every problem of body, query and path; nothing is thrown for clean input. */
export function assertInputShape(inputs: Partial<Record<RequestLocation, unknown>>): void {
  const issues = (Object.entries(inputs) as Array<[RequestLocation, unknown]>).flatMap(([location, value]) =>
    inputShapeIssues(value, location),
  );
  if (issues.length > 0) throw invalidRequest(issues);
}
