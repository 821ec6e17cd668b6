// A shared store with a per-instance fallback and cool-down, written once for the cache, the rate limits
// and the budgets: use Redis while it works; when a call fails, log a warning and skip it for a
// cool-down (a hung Redis costs one timeout per cool-down, not one per request), answering from this
// instance's memory meanwhile; an outage never becomes a 5xx. The registry keeps one such store per
// name for the life of the instance, so memory persists across requests.
import type { Redis } from '@upstash/redis';
import { systemClock, type Clock } from './clock.js';
import { describeError, rootLogger, type LogFields, type Logger } from './logging.js';
import { getRedis } from './redis.js';

/** Thrown by a shared store whose answer is not one (a fail-open timeout answer, a value of the wrong kind). */
export class SharedStoreUnavailable extends Error {
  constructor(reason: string) {
    super(`Shared store unavailable: ${reason}`);
    this.name = 'SharedStoreUnavailable';
  }
}

export interface FallbackOptions<Shared, Memory> {
  /** The shared store, or null when none is configured. */
  primary: Shared | null;
  /** This instance's memory: it answers while the shared store is absent, failing or cooling down. */
  fallback: Memory;
  log: Logger;
  /** How long to stay off the shared store after a failure. */
  coolDownMs?: number;
  clock?: Clock;
}

/** The shared side under the cool-down policy, and this instance's memory; subclasses say how they combine. */
export abstract class StoreWithFallback<Shared, Memory> {
  private skipUntil = 0;
  private readonly coolDownMs: number;
  readonly clock: Clock;
  readonly fallback: Memory;

  constructor(
    private readonly options: FallbackOptions<Shared, Memory>,
    /** The warning logged when a call fails (what the store does instead). */
    private readonly failureMessage: string,
  ) {
    this.coolDownMs = options.coolDownMs ?? 15_000;
    this.clock = options.clock ?? systemClock;
    this.fallback = options.fallback;
  }

  /** Runs `call` on the shared store: its result, or undefined when there is none, it cools down or it failed. */
  protected async attempt<T>(
    operation: string,
    call: (store: Shared) => Promise<T>,
  ): Promise<{ value: T } | undefined> {
    const { primary, log } = this.options;
    if (!primary || this.clock() < this.skipUntil) return undefined;
    try {
      return { value: await call(primary) };
    } catch (err) {
      this.skipUntil = this.clock() + this.coolDownMs;
      log.warn(this.failureMessage, { operation, error: describeError(err), coolDownMs: this.coolDownMs });
      return undefined;
    }
  }
}

/** How to build one store of a family ('cache', 'rate-limit', 'budget') on this instance. */
export interface InstanceStoreSpec<Shared, Memory, Store extends StoreWithFallback<Shared, Memory>> {
  component: string;
  /** The store's name within its family: with the component, its key in the registry. */
  name: string;
  /** Fields naming the store in its warnings, e.g. { bucket: 'chat' }. */
  logFields: LogFields;
  memory(): Memory;
  shared(redis: Redis, memory: Memory): Shared;
  create(options: FallbackOptions<Shared, Memory>): Store;
  /** Drops what `memory` holds about `uid` (its data is being erased; Redis: redis-key-owner.ts). */
  forgetUser(memory: Memory, uid: string): void;
}

interface Registered {
  redis: Redis | null;
  store: StoreWithFallback<unknown, unknown>;
  forgetUser(uid: string): void;
}

const registry = new Map<string, Registered>();

/**
 * The store `spec` names, created on first use (limits come from params, read at request time) and
 * rebuilt on the Redis side only when the client changes (new credentials): memory is kept.
 */
export function instanceStore<Shared, Memory, Store extends StoreWithFallback<Shared, Memory>>(
  spec: InstanceStoreSpec<Shared, Memory, Store>,
): Store {
  const redis = getRedis();
  const key = `${spec.component}:${spec.name}`;
  const existing = registry.get(key);
  if (existing && existing.redis === redis) return existing.store as Store;
  const memory = existing ? (existing.store.fallback as Memory) : spec.memory();
  const store = spec.create({
    primary: redis ? spec.shared(redis, memory) : null,
    fallback: memory,
    log: rootLogger.child({ component: spec.component, ...spec.logFields }),
  });
  registry.set(key, { redis, store, forgetUser: (uid) => spec.forgetUser(memory, uid) });
  return store;
}

/** Drops what every store of this instance holds in memory about `uid`. */
export function forgetUserInInstanceStores(uid: string): void {
  for (const { forgetUser } of registry.values()) forgetUser(uid);
}
