// The budget day: UTC calendar days, reset at midnight UTC. A fixed day (not a rolling 24 h) because
// the app can say "resets at midnight UTC", the usage document is keyed by the same day string, and a
// counter per day is one Redis key with no history to keep.

const DAY_MS = 86_400_000;

/** "2026-12-02" for any instant of that UTC day. */
export function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/** Epoch ms of the midnight UTC that ends the day containing `nowMs`. */
export function nextUtcMidnight(nowMs: number): number {
  return (Math.floor(nowMs / DAY_MS) + 1) * DAY_MS;
}

/** Whole seconds until `epochMs`, never negative. */
export function secondsUntil(epochMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((epochMs - nowMs) / 1000));
}
