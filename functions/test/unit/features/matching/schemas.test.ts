// matchEvents' date window, on top of the date bounds (platform/http/request-schemas.test.ts): each
// failure names its field.
import { describe, expect, it } from 'vitest';
import { matchEventsBody } from '../../../../src/lib/features/matching/schemas.js';
import { at, failures, fixNowForEachTest } from '../../../support/schema-failures.js';

fixNowForEachTest();

describe('matchEvents window', () => {
  it('refuses far-future and ancient dates in from or until (no Timestamp overflow later)', () => {
    expect(failures(matchEventsBody, { from: '9999-12-31T00:00:00Z' })).toEqual(['from']);
    expect(failures(matchEventsBody, { until: '9999-12-31T00:00:00Z' })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: '0001-01-01T00:00:00Z' })).toEqual(['from']);
  });

  it('checks until alone against its effective from (now): after it, at most 366 days on', () => {
    expect(failures(matchEventsBody, { until: at(30) })).toEqual([]);
    expect(failures(matchEventsBody, { until: at(366) })).toEqual([]);
    expect(failures(matchEventsBody, { until: at(367) })).toEqual(['until']);
    expect(failures(matchEventsBody, { until: at(-1) })).toEqual(['until']);
  });

  it('measures the window from the effective start: a past from counts as now', () => {
    expect(failures(matchEventsBody, { from: at(-400), until: at(300) })).toEqual([]);
    expect(failures(matchEventsBody, { from: at(-400), until: at(-300) })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: at(-10), until: at(367) })).toEqual(['until']);
  });

  it('keeps the documented from/until rules', () => {
    expect(failures(matchEventsBody, { from: at(10), until: at(40) })).toEqual([]);
    expect(failures(matchEventsBody, { from: at(10), until: at(10) })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: at(10), until: at(5) })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: at(10), until: at(377) })).toEqual(['until']);
    expect(failures(matchEventsBody, { from: at(1000) })).toEqual([]); // until = from + 30 days
  });
});
