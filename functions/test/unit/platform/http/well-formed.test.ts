import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import {
  assertInputShape,
  inputShapeIssues,
  MAX_INPUT_DEPTH,
  MAX_INPUT_VALUES,
  MAX_REPORTED_STRINGS,
} from '../../../../src/lib/platform/http/request-checks.js';

const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';

const where = (value: unknown) =>
  inputShapeIssues(value, 'body').map((issue) => `${issue.code}@${issue.path.join('.')}`);

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = { child: value };
  return value;
}

describe('inputShapeIssues', () => {
  it('accepts well-formed input, surrogate pairs included', () => {
    expect(where({ message: 'hi 😀 — café', tags: ['a', '𝄞'], n: 1, ok: true, none: null })).toEqual([]);
    expect(where(undefined)).toEqual([]);
    expect(where([])).toEqual([]);
  });

  it('names every lone surrogate in strings, at any depth, in document order', () => {
    const body = {
      message: `hello ${LONE_HIGH}`,
      preferences: { interests: ['fine', `x${LONE_LOW}`] },
      tail: `${LONE_LOW}${LONE_HIGH}`, // reversed pair: both lone
    };
    expect(where(body)).toEqual([
      'ill_formed_string@message',
      'ill_formed_string@preferences.interests.1',
      'ill_formed_string@tail',
    ]);
  });

  it('checks object keys too, and shows them well-formed (U+FFFD) in the path', () => {
    const issues = inputShapeIssues({ message: 'hi', [`k${LONE_HIGH}`]: 'v' }, 'body');
    expect(issues).toEqual([
      expect.objectContaining({ location: 'body', code: 'ill_formed_string', path: ['k\ufffd'] }),
    ]);
    expect(issues[0].message).toMatch(/key/);
  });

  it('walks arrays at the top (path segments) and reports their location', () => {
    expect(inputShapeIssues(['ok', LONE_HIGH], 'path')).toEqual([
      expect.objectContaining({ location: 'path', path: [1], code: 'ill_formed_string' }),
    ]);
  });

  it(`refuses nesting deeper than ${MAX_INPUT_DEPTH} levels, naming where it stopped`, () => {
    expect(where(nested(MAX_INPUT_DEPTH))).toEqual([]);
    const issues = where(nested(MAX_INPUT_DEPTH + 1));
    expect(issues).toEqual([`too_deep@${Array(MAX_INPUT_DEPTH).fill('child').join('.')}`]);
  });

  it('stops a very deep value at the bound without recursing (no stack overflow)', () => {
    let deep: unknown = [];
    for (let level = 0; level < 200_000; level++) deep = [deep];
    expect(where(deep)).toEqual([`too_deep@${Array(MAX_INPUT_DEPTH).fill(0).join('.')}`]);
  });

  it(`refuses more than ${MAX_INPUT_VALUES} values, before listing a huge array`, () => {
    expect(where({ tags: Array(MAX_INPUT_VALUES - 2).fill('t') })).toEqual([]);
    expect(where({ tags: Array(MAX_INPUT_VALUES - 1).fill('t') })).toEqual(['too_many_values@tags']);
    expect(where({ junk: new Array(5_000_000).fill(0) })).toEqual(['too_many_values@junk']);
  });

  it(`reports at most ${MAX_REPORTED_STRINGS} ill-formed strings`, () => {
    expect(where(Array(50).fill(LONE_HIGH))).toHaveLength(MAX_REPORTED_STRINGS);
  });
});

describe('assertInputShape', () => {
  it('throws one 400 invalid_request naming the problems of every location', () => {
    let thrown: unknown;
    try {
      assertInputShape({ body: { message: LONE_HIGH }, query: { q: 'fine' }, path: [LONE_LOW] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    const error = thrown as HttpError;
    expect([error.status, error.code]).toEqual([400, 'invalid_request']);
    expect(error.message).toBe('The request is invalid: body.message, path.0');
    // The error itself must be sendable as well-formed JSON text.
    expect(JSON.stringify(error.details).isWellFormed()).toBe(true);
  });

  it('is silent for clean input', () => {
    expect(() => assertInputShape({ body: { message: 'hi' }, query: {}, path: [] })).not.toThrow();
  });
});
