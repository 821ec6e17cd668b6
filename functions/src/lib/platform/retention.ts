// Retention by Firestore TTL: a document with `expireAt` in the past is deleted by the TTL policy on
// that field (docs/deploy.md, Retention; usually within a day of the time). 0 days = keep forever: no field.
import { Timestamp } from 'firebase-admin/firestore';

const DAY_MS = 86_400_000;

/** The `expireAt` fields of a document kept `days` from `nowMs`, or none when days is 0. */
export function expiryFields(days: number, nowMs: number): { expireAt?: Timestamp } {
  return days > 0 ? { expireAt: Timestamp.fromMillis(nowMs + days * DAY_MS) } : {};
}
