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
/// <reference lib="es2024.string" />
import { invalidRequest, type RequestLocation, type ValidationIssue } from './validation.js';

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
