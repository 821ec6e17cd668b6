// Firestore values as plain JSON for a data export: timestamps as ISO 8601 text, geo points as
// {latitude, longitude}, references as their path, bytes as base64; maps and arrays recursively.
import { DocumentReference, GeoPoint, Timestamp } from 'firebase-admin/firestore';

export type ExportJson = null | boolean | number | string | ExportJson[] | { [key: string]: ExportJson };

export function exportJson(value: unknown): ExportJson {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Timestamp) return value.toDate().toISOString();
  if (value instanceof GeoPoint) return { latitude: value.latitude, longitude: value.longitude };
  if (value instanceof DocumentReference) return value.path;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(exportJson);
  if (typeof value === 'object') {
    const out: { [key: string]: ExportJson } = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = exportJson(item);
    return out;
  }
  return null;
}
