// The spend-control params: DAILY_*_BUDGET where 0 means off (not "the default" as for other
// whole-number params), and APP_CHECK failing closed on an unknown value.
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs } from '../../../support/logs.js';

const logged: Array<Record<string, unknown>> = captureLogs().entries;

import { getConfig, parseAppCheckMode } from '../../../../src/lib/platform/config/index.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('daily budget params', () => {
  it('default to 200000 tokens and 20 images when unset or unparsable', () => {
    delete process.env.DAILY_TOKEN_BUDGET;
    process.env.DAILY_IMAGE_BUDGET = 'lots';
    process.env.DAILY_COST_BUDGET_USD = 'much';
    expect(getConfig().budget).toEqual({ dailyTokens: 200_000, dailyImages: 20, dailyCostUsd: 0 });
  });

  it('read 0 (and a negative) as off, and whole numbers as given', () => {
    process.env.DAILY_TOKEN_BUDGET = '0';
    process.env.DAILY_IMAGE_BUDGET = '-3';
    process.env.DAILY_COST_BUDGET_USD = '-1';
    expect(getConfig().budget).toEqual({ dailyTokens: 0, dailyImages: 0, dailyCostUsd: 0 });
    process.env.DAILY_TOKEN_BUDGET = ' 5000 ';
    process.env.DAILY_IMAGE_BUDGET = '2.9';
    process.env.DAILY_COST_BUDGET_USD = '0.25';
    expect(getConfig().budget).toEqual({ dailyTokens: 5000, dailyImages: 2, dailyCostUsd: 0.25 });
  });

  it('clamp an absurd value to the maximum, with one warning', () => {
    process.env.DAILY_IMAGE_BUDGET = '1e12';
    expect(getConfig().budget.dailyImages).toBe(100_000);
    expect(getConfig().budget.dailyImages).toBe(100_000);
    expect(logged.filter((entry) => entry.setting === 'DAILY_IMAGE_BUDGET')).toHaveLength(1);
  });
});

describe('App Check params', () => {
  it('default to off, without replay protection', () => {
    delete process.env.APP_CHECK;
    delete process.env.APP_CHECK_REPLAY_PROTECTION;
    expect(getConfig().appCheck).toEqual({ mode: 'off', replayProtection: false });
  });

  it('take off, monitor and enforce in any case; anything else is enforce', () => {
    expect(parseAppCheckMode(' Monitor ')).toBe('monitor');
    expect(parseAppCheckMode('OFF')).toBe('off');
    expect(parseAppCheckMode('enforce')).toBe('enforce');
    expect(parseAppCheckMode('enfroce')).toBe('enforce');
    expect(parseAppCheckMode('false')).toBe('enforce');
    process.env.APP_CHECK = 'monitor';
    process.env.APP_CHECK_REPLAY_PROTECTION = 'true';
    expect(getConfig().appCheck).toEqual({ mode: 'monitor', replayProtection: true });
  });
});
