// The one clock. Every day, expiry, TTL and date window is computed from a `Clock`: components take
// one as an option and default to `systemClock`, and tests pass their own (or move vitest's fake
// timers, which systemClock follows because it reads Date.now at each call, never a saved reference).

/** Milliseconds since the epoch. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
