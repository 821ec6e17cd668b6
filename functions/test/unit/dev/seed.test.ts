// The demo seed is placed relative to the day the stack starts: on any weekday, "this weekend" in the
// events' zone holds exactly the two weekend events, and every event lies ahead.
import { describe, expect, it } from 'vitest';
import { SEED_EVENTS, seedStart } from '../../../dev/seed.js';
import { localMoment, parseLocalTimeInput, resolveTimePhrase } from '../../../src/lib/platform/time/index.js';

const ZONE = 'America/Los_Angeles';
/** Monday 7 December 2026 08:00 in Los Angeles, then each following day (the clock is a parameter). */
const days = Array.from({ length: 7 }, (_, i) => new Date(Date.parse('2026-12-07T16:00:00Z') + i * 86_400_000));

function weekendIds(now: Date): string[] {
  const window = resolveTimePhrase('this weekend', localMoment(now.getTime(), ZONE).date)!;
  const from = Math.max(now.getTime(), parseLocalTimeInput(window.from, 'start', ZONE)!);
  const until = parseLocalTimeInput(window.until, 'end', ZONE)!;
  return SEED_EVENTS.filter((event) => {
    const start = seedStart(event, now).getTime();
    return start >= from && start <= until;
  }).map((event) => event.id);
}

describe('seed event times', () => {
  it.each(days.slice(0, 5).map((now) => [now.toISOString(), now]))(
    'on a weekday (%s) this weekend has the hike and the photo walk, and nothing else',
    (_label, now) => {
      expect(weekendIds(now).sort()).toEqual(['seed-photo-walk', 'seed-sunrise-hike']);
    },
  );

  it('every event lies ahead, at its local wall-clock time', () => {
    for (const now of days) {
      for (const event of SEED_EVENTS) {
        const start = seedStart(event, now);
        const local = localMoment(start.getTime(), event.timeZone);
        expect(`${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`).toBe(event.at);
        // A weekend event on a Sunday may be yesterday's Saturday; everything else is ahead.
        if (!('weekend' in event.day)) expect(start.getTime()).toBeGreaterThan(now.getTime());
      }
    }
  });

  it('is stable across a DST change: 07:00 local is 15:00 UTC in winter and 14:00 UTC in summer', () => {
    const hike = SEED_EVENTS.find((event) => event.id === 'seed-sunrise-hike')!;
    expect(seedStart(hike, new Date('2026-12-07T16:00:00Z')).toISOString()).toBe('2026-12-13T15:00:00.000Z');
    expect(seedStart(hike, new Date('2026-07-06T16:00:00Z')).toISOString()).toBe('2026-07-12T14:00:00.000Z');
    // The weekend the clocks go back: Sunday 1 November 2026.
    expect(seedStart(hike, new Date('2026-10-28T16:00:00Z')).toISOString()).toBe('2026-11-01T15:00:00.000Z');
  });
});
