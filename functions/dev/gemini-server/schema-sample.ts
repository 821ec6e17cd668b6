// Deterministic JSON that conforms to a structured-output schema: either Gemini's OpenAPI-style
// `responseSchema` (type: "OBJECT", "STRING", ..., nullable, propertyOrdering) or a plain JSON Schema
// `responseJsonSchema` (type: "object", $ref/$defs, anyOf, const, exclusive bounds ...).
// Values vary with a seed (derived from the prompt) but never with time. `pattern` is not honoured.
import { createHash } from 'node:crypto';

type Schema = Record<string, unknown>;

const DEFAULT_ARRAY_LENGTH = 2;
const MAX_DEPTH = 12;

interface SampleContext {
  root: Schema;
  seed: string;
}

function hashInt(ctx: SampleContext, path: string): number {
  return createHash('sha1').update(`${ctx.seed}|${path}`).digest().readUInt32BE(0);
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveRef(schema: Schema, ctx: SampleContext): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 32; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#')) return {};
    let target: unknown = ctx.root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isSchema(target) ? target[key] : undefined;
    }
    if (!isSchema(target)) return {};
    const { $ref: _ignored, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

/** The first type that is not "null", lower-cased; inferred from keywords when absent. */
function typeOf(schema: Schema): string {
  const declared = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  const types = declared.map((t) => String(t).toLowerCase());
  const nonNull = types.find((t) => t !== 'null');
  if (nonNull) return nonNull;
  if (types.includes('null')) return 'null';
  if (isSchema(schema.properties) || Array.isArray(schema.required)) return 'object';
  if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return 'array';
  return 'string';
}

function pickBranch(branches: unknown[]): Schema {
  const schemas = branches.filter(isSchema);
  return schemas.find((s) => typeOf(s) !== 'null' || s.const !== undefined) ?? schemas[0] ?? {};
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A window inside the schema's bounds, preferring small readable values (0..100). */
function preferredRange(lo: number, hi: number): { start: number; end: number } {
  const start = Math.min(Math.max(0, lo), hi);
  return { start, end: Math.min(hi, start + 100) };
}

function sampleInteger(schema: Schema, ctx: SampleContext, path: string): number {
  const exMin = finite(schema.exclusiveMinimum);
  const exMax = finite(schema.exclusiveMaximum);
  const min = Math.max(
    Math.ceil(finite(schema.minimum) ?? Number.NEGATIVE_INFINITY),
    exMin === undefined ? Number.NEGATIVE_INFINITY : Math.floor(exMin) + 1,
  );
  const max = Math.min(
    Math.floor(finite(schema.maximum) ?? Number.POSITIVE_INFINITY),
    exMax === undefined ? Number.POSITIVE_INFINITY : Math.ceil(exMax) - 1,
  );
  if (max < min) return min;
  const { start, end } = preferredRange(min, max);
  return start + (hashInt(ctx, path) % (end - start + 1));
}

function sampleNumber(schema: Schema, ctx: SampleContext, path: string): number {
  const exMin = finite(schema.exclusiveMinimum);
  const exMax = finite(schema.exclusiveMaximum);
  const lo = Math.max(finite(schema.minimum) ?? Number.NEGATIVE_INFINITY, exMin ?? Number.NEGATIVE_INFINITY);
  const hi = Math.min(finite(schema.maximum) ?? Number.POSITIVE_INFINITY, exMax ?? Number.POSITIVE_INFINITY);
  if (hi <= lo) return lo;
  const { start, end } = preferredRange(lo, hi);
  const value = Math.round((start + ((hashInt(ctx, path) % 1000) / 1000) * (end - start)) * 100) / 100;
  const outside =
    value < lo || value > hi || (exMin !== undefined && value <= exMin) || (exMax !== undefined && value >= exMax);
  return outside ? (lo + Math.min(hi, lo + 1)) / 2 : value;
}

function formattedString(format: unknown, ctx: SampleContext, path: string): string | undefined {
  switch (format) {
    case 'date-time':
      return '2026-01-01T12:00:00Z';
    case 'date':
      return '2026-01-01';
    case 'time':
      return '12:00:00';
    case 'email':
      return 'offline-model@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/offline-model';
    case 'uuid': {
      const hex = createHash('sha1').update(`${ctx.seed}|${path}`).digest('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    }
    default:
      return undefined;
  }
}

function sampleString(schema: Schema, ctx: SampleContext, path: string, label: string): string {
  const formatted = formattedString(schema.format, ctx, path);
  if (formatted !== undefined) return formatted;
  let text = `[offline model] ${label}`;
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  if (text.length < minLength) text = text.padEnd(minLength, '.');
  if (text.length > maxLength) text = text.slice(0, maxLength);
  return text;
}

function arrayLength(schema: Schema, depth: number): number {
  const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
  const wanted = depth > MAX_DEPTH / 2 ? min : DEFAULT_ARRAY_LENGTH;
  return Math.min(max, Math.max(min, wanted));
}

/** `suffix` numbers string values inside array items ("name 1", "name 2"), so items differ. */
function sampleObject(
  schema: Schema,
  ctx: SampleContext,
  path: string,
  depth: number,
  suffix: string,
): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const ordering = Array.isArray(schema.propertyOrdering) ? schema.propertyOrdering.map(String) : [];
  const keys = [...new Set([...ordering, ...Object.keys(properties), ...required])];
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    // Deep recursive schemas stop at their required properties.
    if (depth > MAX_DEPTH && !required.includes(key)) continue;
    const child = isSchema(properties[key]) ? properties[key] : {};
    out[key] = sampleValue(child, ctx, `${path}.${key}`, `${key}${suffix}`, depth + 1, suffix);
  }
  return out;
}

function sampleValue(
  raw: Schema,
  ctx: SampleContext,
  path: string,
  label: string,
  depth: number,
  suffix = '',
): unknown {
  const schema = resolveRef(raw, ctx);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum[hashInt(ctx, path) % schema.enum.length];
  }
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches) && branches.length > 0) {
    return sampleValue(pickBranch(branches), ctx, path, label, depth, suffix);
  }
  if (Array.isArray(schema.allOf)) {
    const merged = schema.allOf
      .filter(isSchema)
      .reduce<Schema>((acc, part) => mergeSchemas(acc, resolveRef(part, ctx)), {});
    const { allOf: _ignored, ...rest } = schema;
    return sampleValue(mergeSchemas(merged, rest), ctx, path, label, depth, suffix);
  }
  switch (typeOf(schema)) {
    case 'object':
      return sampleObject(schema, ctx, path, depth, suffix);
    case 'array': {
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.filter(isSchema) : [];
      const items = isSchema(schema.items) ? schema.items : {};
      const length = Math.max(arrayLength(schema, depth), prefix.length);
      return Array.from({ length }, (_, i) =>
        sampleValue(prefix[i] ?? items, ctx, `${path}[${i}]`, `${label} ${i + 1}`, depth + 1, `${suffix} ${i + 1}`),
      );
    }
    case 'integer':
      return sampleInteger(schema, ctx, path);
    case 'number':
      return sampleNumber(schema, ctx, path);
    case 'boolean':
      return hashInt(ctx, path) % 2 === 0;
    case 'null':
      return null;
    default:
      return sampleString(schema, ctx, path, label);
  }
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  const merged: Schema = { ...a, ...b };
  if (isSchema(a.properties) || isSchema(b.properties)) {
    merged.properties = {
      ...(isSchema(a.properties) ? a.properties : {}),
      ...(isSchema(b.properties) ? b.properties : {}),
    };
  }
  if (Array.isArray(a.required) || Array.isArray(b.required)) {
    merged.required = [
      ...(Array.isArray(a.required) ? a.required : []),
      ...(Array.isArray(b.required) ? b.required : []),
    ];
  }
  return merged;
}

/** A JSON value conforming to `schema` (a JSON Schema or Gemini OpenAPI schema), stable per seed. */
export function sampleFromSchema(schema: unknown, seed: string): unknown {
  const root = isSchema(schema) ? schema : {};
  return sampleValue(root, { root, seed }, '$', 'value', 0);
}
