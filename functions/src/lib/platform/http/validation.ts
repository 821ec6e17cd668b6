// zod validation of body, query and path, reported together as one 400 `invalid_request`.
import type { Request } from 'express';
import type { z } from 'zod';
import { HttpError } from './errors.js';

/** Where a value came from; `data` is the callable protocol's argument (callable/request.ts). */
export type RequestLocation = 'body' | 'query' | 'path' | 'data';

export interface ValidationIssue {
  location: RequestLocation;
  /** Where in that location, e.g. ["messages", 0, "text"]; [] for the location itself. */
  path: (string | number)[];
  message: string;
  code: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: RequestLocation,
): ValidationResult<z.output<S>> {
  const result = schema.safeParse(value);
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
