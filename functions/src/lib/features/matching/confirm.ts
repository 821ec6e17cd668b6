// Ranked candidates are hints (pools, caches): only what a fresh check confirms may be shown. The
// winners are confirmed in rank order, a batch at a time, until the limit is filled.

/** Winners confirmed per round beyond the ones still needed: a little slack for candidates dropped. */
export const CONFIRM_SLACK = 2;
/** Ranked winners considered at most, as a multiple of the limit, before giving up on filling it. */
export const CONFIRM_DEPTH = 4;

/**
 * Re-reads ranked winners in rank order, in batches of what is still missing plus a little slack,
 * until `limit` are confirmed or the ranking runs out: candidates ranked from a pool are hints, and
 * only what `confirm` returns (read fresh) may be shown.
 */
export async function confirmInRankOrder<T>(
  ranked: readonly { id: string }[],
  limit: number,
  confirm: (ids: string[]) => Promise<Map<string, T>>,
): Promise<Map<string, T>> {
  const confirmed = new Map<string, T>();
  for (let next = 0; next < ranked.length && confirmed.size < limit;) {
    const batch = ranked.slice(next, next + limit - confirmed.size + CONFIRM_SLACK).map((match) => match.id);
    next += batch.length;
    for (const [id, value] of await confirm(batch)) confirmed.set(id, value);
  }
  return confirmed;
}
