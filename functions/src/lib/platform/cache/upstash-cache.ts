// Cache in Upstash Redis. Values are wrapped as {"v": value}: @upstash/redis JSON-decodes what it reads,
// so a bare string like "123" would come back as the number 123; the wrapper keeps types exact.
// Errors propagate: ResilientCache decides what a failure means.
import type { Redis } from '@upstash/redis';
import { ttlToWholeSeconds, type Cache } from './types.js';

interface Envelope {
  v: unknown;
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && 'v' in value;
}

export class UpstashCache implements Cache {
  constructor(
    private readonly redis: Pick<Redis, 'get' | 'set' | 'del'>,
    private readonly prefix: string,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const stored: unknown = await this.redis.get(this.prefix + key);
    return isEnvelope(stored) ? (stored.v as T) : undefined;
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    const envelope = JSON.stringify({ v: value });
    await this.redis.set(this.prefix + key, envelope, { ex: ttlToWholeSeconds(ttlSeconds) });
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
