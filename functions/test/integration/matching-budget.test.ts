// Match explanations and the daily token budget, in-process with the Firestore emulator and the
// Gemini-protocol server: the explanation call is charged with the tokens Gemini reported (usage
// document and AI-Budget-* headers), and once the budget is used up matching still answers, with
// templates and no model call.
import { beforeEach, describe, expect, it } from 'vitest';
import { utcDay } from '../../src/lib/platform/budget/day.js';
import { call, OAKLAND, SAN_FRANCISCO, signUp, useMatchingHarness, writeProfiles } from './matching-support.js';

const h = useMatchingHarness();
beforeEach(() => {
  process.env.DAILY_TOKEN_BUDGET = '100';
});

describe('matchUsers and the daily token budget', () => {
  it('charges the explanation call, then answers with templates once the budget is used up', async () => {
    const me = await signUp();
    await writeProfiles(h.db, {
      [me.uid]: { displayName: 'Me', interests: ['hiking', 'coffee'], purposes: ['friendship'], location: OAKLAND },
      a: { displayName: 'A', interests: ['hiking'], purposes: ['friendship'], location: SAN_FRANCISCO },
    });
    const first = await call(h, 'matchUsers', me, { body: {} });
    expect(first.status).toBe(200);
    expect(first.json.matches[0].explanationSource).toBe('model');
    expect(h.gemini.requests({ action: 'generateContent' })).toHaveLength(1);
    const usage = (await h.db.doc(`users/${me.uid}/usage/${utcDay(Date.now())}`).get()).data();
    const tokens = usage?.tokens as number;
    expect(tokens).toBeGreaterThan(0);
    expect(first.headers.get('ai-budget-unit')).toBe('tokens');
    expect(first.headers.get('ai-budget-remaining')).toBe(String(Math.max(0, 100 - tokens)));

    // Spend what is left (a budget smaller than one call), then a new candidate (a new cache key).
    process.env.DAILY_TOKEN_BUDGET = String(tokens);
    await writeProfiles(h.db, {
      b: { displayName: 'B', interests: ['coffee'], purposes: ['friendship'], location: SAN_FRANCISCO },
    });
    const second = await call(h, 'matchUsers', me, { body: {} });
    expect(second.status).toBe(200);
    expect(second.headers.get('ai-budget-remaining')).toBe('0');
    const b = (second.json.matches as Array<{ userId: string; explanationSource: string }>).find(
      (m) => m.userId === 'b',
    );
    expect(b?.explanationSource).toBe('template');
    expect(h.gemini.requests({ action: 'generateContent' })).toHaveLength(1); // no second model call
  });
});
