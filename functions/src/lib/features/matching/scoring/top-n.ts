// Bounded top-N selection: keeps the best `limit` entries seen so far in a sorted array, so ranking
// n candidates costs O(n) comparisons against the current floor plus O(limit) work for the few that
// beat it, instead of sorting all n.
//
// Order: higher score first; equal scores by id in code-unit order (locale-independent), so the
// result does not depend on input order. An id offered twice keeps its best score (the first one
// offered when scores tie).

export interface Ranked<T> {
  readonly id: string;
  readonly score: number;
  readonly item: T;
}

function ranksAbove(score: number, id: string, other: Ranked<unknown>): boolean {
  return score > other.score || (score === other.score && id < other.id);
}

export class TopN<T> {
  private readonly entries: Ranked<T>[] = [];

  constructor(private readonly limit: number) {}

  offer(id: string, score: number, item: T): void {
    const entries = this.entries;
    const full = entries.length >= this.limit;
    if (this.limit <= 0 || (full && !ranksAbove(score, id, entries[entries.length - 1]))) return;

    const duplicate = entries.findIndex((entry) => entry.id === id);
    if (duplicate >= 0) {
      if (!(score > entries[duplicate].score)) return;
      entries.splice(duplicate, 1);
    } else if (full) {
      entries.pop();
    }

    // Binary search for the first entry this one ranks above.
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (ranksAbove(score, id, entries[mid])) high = mid;
      else low = mid + 1;
    }
    entries.splice(low, 0, { id, score, item });
  }

  /** Best first. */
  results(): readonly Ranked<T>[] {
    return this.entries;
  }
}
