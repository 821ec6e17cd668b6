// The per-user rate limit is a sliding window over two fixed minute windows (as @upstash/ratelimit's),
// and the previous minute's count is weighted down, rounded down, as the minute ages: a sequence that
// counts calls across a minute boundary can see an earlier call vanish. Tests on the wall clock (the
// deployed functions' own limiter) start such a sequence with enough of the minute left.
export async function awayFromMinuteEdge(needMs = 15_000, now: () => number = Date.now): Promise<void> {
  const left = 60_000 - (now() % 60_000);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
