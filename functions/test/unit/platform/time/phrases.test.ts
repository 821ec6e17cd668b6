// Time phrases resolve on a given local date (a parameter, never today's), and the windows they give
// become the right instants in each zone, across DST changes and the date line.
import { describe, expect, it } from 'vitest';
import {
  localMoment,
  parseLocalTimeInput,
  resolveTimePhrase,
  type CalendarDate,
} from '../../../../src/lib/platform/time/index.js';

/** Monday 7 December 2026 to Sunday 13 December 2026. */
const week = (day: number): CalendarDate => ({ year: 2026, month: 12, day });
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function windowIn(text: string, nowIso: string, zone: string) {
  const moment = localMoment(Date.parse(nowIso), zone);
  const phrase = resolveTimePhrase(text, moment.date);
  if (!phrase) throw new Error(`no phrase in ${text}`);
  return {
    ...phrase,
    fromUtc: iso(parseLocalTimeInput(phrase.from, 'start', zone)),
    untilUtc: iso(parseLocalTimeInput(phrase.until, 'end', zone)),
  };
}

describe('resolveTimePhrase on each day of a week', () => {
  const weekend = [
    [7, '2026-12-12', '2026-12-13'], // Monday
    [8, '2026-12-12', '2026-12-13'],
    [9, '2026-12-12', '2026-12-13'],
    [10, '2026-12-12', '2026-12-13'],
    [11, '2026-12-12', '2026-12-13'], // Friday
    [12, '2026-12-12', '2026-12-13'], // Saturday: today and tomorrow
    [13, '2026-12-13', '2026-12-13'], // Sunday: what is left of it
  ] as const;

  it.each(weekend)('"this weekend" on 2026-12-%i is %s to %s', (day, from, until) => {
    expect(resolveTimePhrase('Any events for me this weekend?', week(day))).toEqual({
      phrase: 'this weekend',
      from,
      until,
    });
  });

  it('next weekend is the one after this weekend', () => {
    expect(resolveTimePhrase('next weekend', week(9))).toMatchObject({ from: '2026-12-19', until: '2026-12-20' });
    expect(resolveTimePhrase('next weekend', week(13))).toMatchObject({ from: '2026-12-19', until: '2026-12-20' });
  });

  it('tonight, today and tomorrow', () => {
    expect(resolveTimePhrase('anything tonight?', week(9))).toEqual({
      phrase: 'tonight',
      from: '2026-12-09T17:00',
      until: '2026-12-10T03:00',
    });
    expect(resolveTimePhrase('What is on TODAY', week(9))).toMatchObject({ from: '2026-12-09', until: '2026-12-09' });
    expect(resolveTimePhrase('tomorrow please', week(31))).toMatchObject({
      from: '2027-01-01',
      until: '2027-01-01',
    });
  });

  it('"next Friday" is strictly after today; "Friday" may be today', () => {
    expect(resolveTimePhrase('next Friday', week(7))).toMatchObject({ from: '2026-12-11', until: '2026-12-11' });
    expect(resolveTimePhrase('next Friday', week(11))).toMatchObject({ from: '2026-12-18' });
    expect(resolveTimePhrase('on Friday', week(11))).toMatchObject({ phrase: 'friday', from: '2026-12-11' });
    expect(resolveTimePhrase('this friday', week(12))).toMatchObject({ from: '2026-12-18' });
  });

  it('this week and next week', () => {
    expect(resolveTimePhrase('this week', week(9))).toMatchObject({ from: '2026-12-09', until: '2026-12-13' });
    expect(resolveTimePhrase('next week', week(9))).toMatchObject({ from: '2026-12-14', until: '2026-12-20' });
    expect(resolveTimePhrase('next week', week(14))).toMatchObject({ from: '2026-12-21', until: '2026-12-27' });
  });

  it('finds nothing in text without a time phrase (words merely containing one do not count)', () => {
    expect(resolveTimePhrase('Any jazz events?', week(9))).toBeUndefined();
    expect(resolveTimePhrase('weekender bags and todays', week(9))).toBeUndefined();
  });
});

describe('the windows as instants, per zone', () => {
  it('one instant, four zones, three different weekends', () => {
    // 2026-12-13 10:00 UTC is Sunday 02:00 in Los Angeles but already Monday in Kiritimati (UTC+14).
    const now = '2026-12-13T10:00:00Z';
    expect(windowIn('this weekend', now, 'America/Los_Angeles')).toMatchObject({
      from: '2026-12-13',
      until: '2026-12-13',
      fromUtc: '2026-12-13T08:00:00.000Z',
      untilUtc: '2026-12-14T07:59:59.999Z',
    });
    expect(windowIn('this weekend', now, 'Europe/London')).toMatchObject({
      fromUtc: '2026-12-13T00:00:00.000Z',
      untilUtc: '2026-12-13T23:59:59.999Z',
    });
    expect(windowIn('this weekend', now, 'Pacific/Kiritimati')).toMatchObject({
      from: '2026-12-19',
      until: '2026-12-20',
      fromUtc: '2026-12-18T10:00:00.000Z',
      untilUtc: '2026-12-20T09:59:59.999Z',
    });
    // Pago Pago (UTC-11) is still on Saturday night: the whole weekend is ahead.
    expect(windowIn('this weekend', now, 'Pacific/Pago_Pago')).toMatchObject({
      from: '2026-12-12',
      until: '2026-12-13',
      untilUtc: '2026-12-14T10:59:59.999Z',
    });
  });

  it('a weekend across the fall-back change lasts 49 hours', () => {
    const la = windowIn('this weekend', '2026-10-28T20:00:00Z', 'America/Los_Angeles');
    expect(la).toMatchObject({ fromUtc: '2026-10-31T07:00:00.000Z', untilUtc: '2026-11-02T07:59:59.999Z' });
    const london = windowIn('this weekend', '2026-10-21T12:00:00Z', 'Europe/London');
    expect(london).toMatchObject({ fromUtc: '2026-10-23T23:00:00.000Z', untilUtc: '2026-10-25T23:59:59.999Z' });
    for (const w of [la, london]) expect(Date.parse(w.untilUtc!) + 1 - Date.parse(w.fromUtc!)).toBe(49 * 3_600_000);
  });

  it('tonight across the spring-forward change is an hour shorter', () => {
    // Saturday 7 March 2026 in Los Angeles: clocks go from 02:00 to 03:00 that night.
    const tonight = windowIn('tonight', '2026-03-07T20:00:00Z', 'America/Los_Angeles');
    expect(tonight).toMatchObject({ fromUtc: '2026-03-08T01:00:00.000Z', untilUtc: '2026-03-08T10:00:00.000Z' });
    // The same phrase a week later: ten hours again.
    const later = windowIn('tonight', '2026-03-14T20:00:00Z', 'America/Los_Angeles');
    expect(Date.parse(later.untilUtc!) - Date.parse(later.fromUtc!)).toBe(10 * 3_600_000);
  });

  it('tomorrow is 23 hours long in Sydney when summer time starts', () => {
    const tomorrow = windowIn('tomorrow', '2026-10-03T01:00:00Z', 'Australia/Sydney');
    expect(tomorrow).toMatchObject({ from: '2026-10-04', fromUtc: '2026-10-03T14:00:00.000Z' });
    expect(Date.parse(tomorrow.untilUtc!) + 1 - Date.parse(tomorrow.fromUtc!)).toBe(23 * 3_600_000);
  });
});

describe('parseLocalTimeInput', () => {
  it('reads dates, local times and exact times', () => {
    const zone = 'America/New_York';
    expect(iso(parseLocalTimeInput('2026-12-12', 'start', zone))).toBe('2026-12-12T05:00:00.000Z');
    expect(iso(parseLocalTimeInput('2026-12-12', 'end', zone))).toBe('2026-12-13T04:59:59.999Z');
    expect(iso(parseLocalTimeInput('2026-12-12T18:30', 'start', zone))).toBe('2026-12-12T23:30:00.000Z');
    expect(iso(parseLocalTimeInput('2026-12-12T18:30:15', 'end', zone))).toBe('2026-12-12T23:30:15.000Z');
    expect(iso(parseLocalTimeInput('2026-12-12T18:30:00Z', 'start', zone))).toBe('2026-12-12T18:30:00.000Z');
    expect(iso(parseLocalTimeInput('2026-12-12T18:30:00+01:00', 'start', zone))).toBe('2026-12-12T17:30:00.000Z');
  });

  it('refuses what is not a real date or time', () => {
    for (const text of [
      '2026-02-30',
      '2026-12-12T24:00',
      '2026-12-12T10:60',
      'tomorrow',
      '12/12/2026',
      '',
      '2026-12-12 10:00',
    ])
      expect(parseLocalTimeInput(text, 'start', 'UTC')).toBeUndefined();
  });
});
