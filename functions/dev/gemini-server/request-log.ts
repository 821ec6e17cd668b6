// Every Gemini request the server saw, with timing, outcome and a body summary, plus waiting for a
// request to arrive or settle (how tests check that a client disconnect reached the upstream request).
import type { RequestFilter, RequestOutcome, RequestRecord, RequestStage } from './types.js';

export type RequestMatcher = RequestFilter | ((record: RequestRecord) => boolean);

interface Waiter {
  matches(record: RequestRecord): boolean;
  resolve(record: RequestRecord): void;
}

export const DEFAULT_WAIT_MS = 5_000;

/** Epoch milliseconds with sub-millisecond precision. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

function snapshot(record: RequestRecord): RequestRecord {
  return structuredClone(record);
}

export function matchesFilter(record: RequestRecord, filter: RequestFilter): boolean {
  return (
    (filter.id === undefined || record.id === filter.id) &&
    (filter.model === undefined || record.model === filter.model) &&
    (filter.action === undefined || record.action === filter.action) &&
    (filter.afterId === undefined || record.id > filter.afterId) &&
    (filter.scenario === undefined || record.scenario === filter.scenario)
  );
}

function reached(record: RequestRecord, stage: RequestStage): boolean {
  const settled = record.outcome !== 'pending';
  return stage === 'settled' ? settled : settled || record.bodyReadAt !== undefined;
}

export class RequestLog {
  private records: RequestRecord[] = [];
  private nextId = 1;
  private readonly waiters = new Set<Waiter>();

  /** A live record the server keeps updating; call `changed` after each update. */
  start(init: Pick<RequestRecord, 'method' | 'path' | 'query'>): RequestRecord {
    const record: RequestRecord = {
      id: this.nextId++,
      ...init,
      apiKeyPresent: false,
      apiKeyValid: false,
      bodyBytes: 0,
      outcome: 'pending',
      eventsSent: 0,
      bytesSent: 0,
      receivedAt: now(),
      aborted: false,
    };
    this.records.push(record);
    this.changed(record);
    return record;
  }

  changed(record: RequestRecord): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.matches(record)) {
        this.waiters.delete(waiter);
        waiter.resolve(snapshot(record));
      }
    }
  }

  /** Records the final outcome once; later calls (e.g. a close after finish) are ignored. */
  settle(record: RequestRecord, outcome: Exclude<RequestOutcome, 'pending'>): void {
    if (record.outcome !== 'pending') return;
    record.outcome = outcome;
    record.endedAt = now();
    if (outcome === 'aborted') {
      record.aborted = true;
      record.abortedAt = record.endedAt;
    }
    this.changed(record);
  }

  list(match?: RequestMatcher): RequestRecord[] {
    const predicate = toPredicate(match);
    return this.records.filter(predicate).map(snapshot);
  }

  last(): RequestRecord | undefined {
    const record = this.records[this.records.length - 1];
    return record && snapshot(record);
  }

  clear(): void {
    this.records = [];
  }

  /** Resolves with the first request matching `match` that reached `stage` (already or later). */
  waitFor(match: RequestMatcher, stage: RequestStage = 'settled', timeoutMs = DEFAULT_WAIT_MS): Promise<RequestRecord> {
    const predicate = toPredicate(match);
    const matches = (record: RequestRecord): boolean => predicate(record) && reached(record, stage);
    const existing = this.records.find(matches);
    if (existing) return Promise.resolve(snapshot(existing));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no request reached "${stage}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        matches,
        resolve: (record) => {
          clearTimeout(timer);
          resolve(record);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves when request `id` was aborted by its client; rejects if it ended any other way. */
  async waitForAbort(id: number, timeoutMs = DEFAULT_WAIT_MS): Promise<RequestRecord> {
    const record = await this.waitFor({ id }, 'settled', timeoutMs);
    if (!record.aborted) throw new Error(`request ${id} ended as "${record.outcome}", not aborted`);
    return record;
  }
}

function toPredicate(match: RequestMatcher | undefined): (record: RequestRecord) => boolean {
  if (match === undefined) return () => true;
  if (typeof match === 'function') return match;
  return (record) => matchesFilter(record, match);
}
