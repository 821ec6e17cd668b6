// The matching requests' own rules, before any retrieval: the Firestore handle is a trap that
// records every use, so "refused before upstream work" is checked, not assumed.
import type { Firestore } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { answerSuggestions, type MatchServiceDeps } from '../../../../src/lib/features/matching/index.js';
import { MemoryLruCache } from '../../../../src/lib/platform/cache/index.js';
import { testScope } from '../../../support/request-scope.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';

class FirestoreTouched extends Error {}

function trappedDeps(): { deps: MatchServiceDeps; touched: string[] } {
  const touched: string[] = [];
  const db = new Proxy({} as Firestore, {
    get(_target, property) {
      touched.push(String(property));
      throw new FirestoreTouched(`Firestore used: ${String(property)}`);
    },
  });
  const settings = { model: 'none', timeoutMs: 1000, temperature: 0, tokensPerMatch: 10, cacheTtlSeconds: 1 };
  return {
    deps: { db, clock: () => 0, explainer: { cache: new MemoryLruCache(), model: undefined, settings } },
    touched,
  };
}

const request = (uid: string, path: [] | [string]) => ({
  scope: testScope({ uid, log: createLogger({ test: 'matching-requests' }) }),
  path,
  query: {},
});

describe('answerSuggestions', () => {
  it("refuses another user's suggestions with 403 forbidden, before reading anything", async () => {
    const { deps, touched } = trappedDeps();
    const failure = await answerSuggestions(deps, request('alice', ['bob'])).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 403, code: 'forbidden' });
    expect(touched).toEqual([]);
  });

  it('goes on to read for the caller’s own uid, or no uid', async () => {
    for (const path of [['alice'], []] as Array<[] | [string]>) {
      const { deps, touched } = trappedDeps();
      const failure = await answerSuggestions(deps, request('alice', path)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(FirestoreTouched);
      expect(touched.length).toBeGreaterThan(0);
    }
  });
});
