// The Firebase callable protocol's request side: what makes a request callable, and its `data` read
// and checked the way the request layer reads a REST body.
//
// A callable request is a POST with `Content-Type: application/json` whose body is exactly
// `{"data": ...}` (what every Firebase SDK sends, and what firebase-functions' onCall accepts). No REST
// body of ours has a lone `data` field, so the two protocols cannot be mistaken for each other.
//
// `data` may hold the SDKs' typed numbers: Android and iOS send a 64-bit integer as
// {"@type": "type.googleapis.com/google.protobuf.Int64Value", "value": "123"}. They become numbers here,
// after the input's shape was checked (bounded nesting and size), so the walk is bounded too; any
// other `@type` is a 400 naming its place, where firebase-functions' own decoder would answer 500.
import type { Request } from 'express';
import { readJsonBody } from '../body.js';
import { isJsonMediaType } from '../content-type.js';
import { invalidRequest, type ValidationIssue } from '../validation.js';
import { assertInputShape } from '../well-formed.js';

const LONG_TYPES = new Set([
  'type.googleapis.com/google.protobuf.Int64Value',
  'type.googleapis.com/google.protobuf.UInt64Value',
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** POST, JSON, and a parsed body whose only key is `data`. */
export function isCallableRequest(req: Request): boolean {
  if (req.method !== 'POST' || !isJsonMediaType(req.headers['content-type'])) return false;
  const body: unknown = req.body;
  if (!isPlainObject(body)) return false;
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === 'data';
}

type Path = (string | number)[];

function decodeValue(value: unknown, path: Path, issues: ValidationIssue[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => decodeValue(item, [...path, index], issues));
  if (!isPlainObject(value)) return value;
  const type = value['@type'];
  if (type) {
    const number = typeof type === 'string' && LONG_TYPES.has(type) ? Number(value.value) : Number.NaN;
    if (Number.isNaN(number)) {
      issues.push({
        location: 'data',
        path,
        code: 'invalid_type',
        message: `Unsupported typed value (${String(type).slice(0, 100)}); only Int64Value and UInt64Value are decoded`,
      });
    }
    return number;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, decodeValue(item, [...path, key], issues)]),
  );
}

/** The SDKs' typed values as plain numbers; 400 for a typed value that is not a number. */
export function decodeCallableData(data: unknown): unknown {
  const issues: ValidationIssue[] = [];
  const decoded = decodeValue(data, [], issues);
  if (issues.length > 0) throw invalidRequest(issues);
  return decoded;
}

/**
 * The request's `data`, size-checked against the endpoint's body limit (the envelope included),
 * shape-checked and decoded. `null` (an SDK call without arguments) reads as `{}`, as an empty REST
 * body does.
 */
export async function readCallableData(req: Request, maxBodyBytes: number): Promise<unknown> {
  const envelope = (await readJsonBody(req, maxBodyBytes)) as { data?: unknown };
  const data = envelope.data ?? {};
  assertInputShape({ data });
  return decodeCallableData(data);
}
