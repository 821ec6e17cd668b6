// A small JSON cache. Values are stored as JSON, so what comes back is a copy, never a shared object.

export interface Cache {
  /** The stored value, or undefined on a miss (including "the store failed"). */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores a JSON-able value for `ttlSeconds` (rounded up to whole seconds, at least 1). */
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export function ttlToWholeSeconds(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be > 0');
  return Math.max(1, Math.ceil(ttlSeconds));
}
