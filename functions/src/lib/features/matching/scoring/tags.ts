/**
 * Tag overlap (interests, purposes, event tags).
 *
 * Matching two tags. Tags are compared by their normalised key (see normalize.ts: case, diacritics,
 * punctuation/whitespace and plurals folded). Two keys match when they are equal, or when the shorter
 * is at least 4 characters long and is contained in the longer ("music" ~ "indie music",
 * "game" ~ "board games"). The length floor keeps short keys from matching everything: "ai" does not
 * match "painting", "art" does not match "martial arts". Containment is plain substring, so an
 * occasional odd pair ("king" ~ "hiking") is the accepted price of the seed's simple rule.
 * No stemming: "hiking" does not match "hikes".
 *
 * Overlap of two tag lists A and B (each deduplicated by key, at most 64 tags kept):
 *
 *     overlap = sqrt( (m / |A|) * (m / |B|) ) = m / sqrt(|A| * |B|)
 *
 * where m is the size of a maximum one-to-one matching between A's and B's tags: a tag counts once,
 * against one tag of the other side. Containment alone would let one stuffed tag ("hiking
 * photography coffee board games machine learning") contain five of the viewer's and score 1.0 as
 * if it were five tags; matched one-to-one it is one tag matching one (and "music" against "indie
 * music" and "music festival" covers one of the two). It is the geometric mean of the two sides'
 * coverage (the Ochiai / cosine coefficient of binary sets, generalised to fuzzy matching). Why this one:
 *   - symmetric by construction, and in [0, 1]; 1 only when every tag on both sides found a match;
 *   - one tag against forty, with that one matching: sqrt(1 * 1/40) ≈ 0.16. The overlap coefficient
 *     (m / min(|A|, |B|)) would give 1.0 here, so a one-tag profile, or a forty-tag "match everyone"
 *     profile, would look perfect to everybody; Jaccard/Dice would give ≈ 0.05, burying a genuinely
 *     focused match. The geometric mean sits between them;
 *   - typical profiles (8 and 10 interests, 3 shared) score ≈ 0.34, close to Dice, so the seed's
 *     0.1 threshold keeps its meaning.
 *
 * Weighted variant (events, see event-signal.ts): a side's coverage is the matched share of its total
 * weight instead of a count, over a one-to-one matching of the greatest weight (taken greedily by
 * weight, which is exact for weights on one side: the matchable sets form a transversal matroid);
 * with all weights 1 it is the formula above.
 *
 * Reported tags are always the viewer's side (the first argument), in the viewer's own spelling
 * (trimmed, whitespace collapsed) and input order, one per distinct key. Explanations say "you both
 * like X" in the words the viewer chose.
 */
import { displayText, normalizeTag } from './normalize.js';

/** Tags kept per list (first ones win): beyond this a list is tag-stuffing, not a profile. */
export const MAX_TAGS = 64;
/** Entries examined per list, so a huge garbage array costs bounded time. */
const MAX_TAGS_SCANNED = 256;
/** The shorter key must be at least this long to match by containment. */
export const MIN_CONTAINMENT_LENGTH = 4;

export interface PreparedTags {
  /** Normalised keys, distinct, in first-seen order. */
  readonly keys: readonly string[];
  /** The caller's original tag for each key (its first occurrence), parallel to `keys`. Shown back
   * through `displayText` only when explaining, so preparation allocates no display strings. */
  readonly originals: readonly string[];
}

export const NO_TAGS: PreparedTags = Object.freeze({ keys: [], originals: [] });

/** Appends the distinct keys (and their original tags) of an untrusted tag list. */
function collectTags(value: unknown, keys: string[], originals: string[]): void {
  if (!Array.isArray(value)) return;
  const scanned = Math.min(value.length, MAX_TAGS_SCANNED);
  for (let i = 0; i < scanned && keys.length < MAX_TAGS; i++) {
    const raw: unknown = value[i];
    if (typeof raw !== 'string') continue;
    const key = normalizeTag(raw);
    if (key === '' || keys.includes(key)) continue;
    keys.push(key);
    originals.push(raw);
  }
}

/** Reads a tag list from untrusted data: non-arrays, non-strings and blank tags are ignored. */
export function prepareTags(value: unknown): PreparedTags {
  const keys: string[] = [];
  const originals: string[] = [];
  collectTags(value, keys, originals);
  return keys.length === 0 ? NO_TAGS : { keys, originals };
}

/** `prepareTags` into reused arrays (cleared first), for scoring a raw candidate without allocating. */
export function fillTags(value: unknown, into: { keys: string[]; originals: string[] }): PreparedTags {
  into.keys.length = 0;
  into.originals.length = 0;
  collectTags(value, into.keys, into.originals);
  return into;
}

/** The match rule between two normalised keys. Symmetric. */
export function keysMatch(x: string, y: string): boolean {
  if (x === y) return true;
  const [shorter, longer] = x.length <= y.length ? [x, y] : [y, x];
  return shorter.length >= MIN_CONTAINMENT_LENGTH && longer.includes(shorter);
}

/** A tag list whose entries carry weights (all > 0), e.g. an event's tags plus its attendees' interests. */
export interface WeightedTags {
  readonly keys: readonly string[];
  readonly weights: readonly number[];
  readonly totalWeight: number;
}

const NONE: readonly number[] = Object.freeze([]);

/**
 * One side's tags ("own"), ready to be compared against many other lists. For each key it has seen
 * it remembers which own tags match it, so ranking 100k candidates drawn from a few hundred distinct
 * tags does a few hundred substring scans, then only map lookups. Holds scratch state: use one
 * matcher per ranking call, never concurrently (JavaScript is single-threaded, so within one
 * synchronous call this is always true).
 */
export class TagMatcher {
  private readonly matchesByKey = new Map<string, readonly number[]>();
  /** marks[i] === tallyId when own tag i is matched during the current tally (no clearing per tally). */
  private readonly marks: Uint32Array;
  /** For a marked own tag: the slot (in `lists`) of the other side's tag it is matched to. */
  private readonly partner: Uint32Array;
  /** seen[i] === visitId when own tag i was visited by the current augmenting search. */
  private readonly seen: Uint32Array;
  private tallyId = 0;
  private visitId = 0;
  /** Scratch per tally: the other side's tags that match any own tag, their own matches and weights. */
  private readonly lists: (readonly number[])[] = [];
  private readonly slotWeights: number[] = [];
  private readonly order: number[] = [];
  /** Own tags matched during the current tally (the matching's size). */
  private ownMatched = 0;

  constructor(readonly tags: PreparedTags) {
    this.marks = new Uint32Array(tags.keys.length);
    this.partner = new Uint32Array(tags.keys.length);
    this.seen = new Uint32Array(tags.keys.length);
  }

  /** Indices of own tags matching `key`. */
  private matchesOf(key: string): readonly number[] {
    let matches = this.matchesByKey.get(key);
    if (matches === undefined) {
      const found: number[] = [];
      const own = this.tags.keys;
      for (let i = 0; i < own.length; i++) {
        if (keysMatch(own[i], key)) found.push(i);
      }
      matches = found.length === 0 ? NONE : found;
      this.matchesByKey.set(key, matches);
    }
    return matches;
  }

  /** Kuhn's augmenting path from the other side's tag in `slot`: true when it could be matched. */
  private augment(slot: number): boolean {
    const matches = this.lists[slot];
    for (let m = 0; m < matches.length; m++) {
      const own = matches[m];
      if (this.seen[own] === this.visitId) continue;
      this.seen[own] = this.visitId;
      if (this.marks[own] !== this.tallyId || this.augment(this.partner[own])) {
        this.marks[own] = this.tallyId;
        this.partner[own] = slot;
        return true;
      }
    }
    return false;
  }

  /**
   * Matches the other side's tags to own tags one-to-one (a maximum matching; of greatest weight when
   * `weights` is given), marks the matched own tags (counting them in `ownMatched`) and returns the
   * other side's matched weight (its matched count when `weights` is absent).
   */
  private tally(keys: readonly string[], weights: readonly number[] | undefined): number {
    if (this.tallyId === 0xffffffff) {
      this.marks.fill(0);
      this.tallyId = 0;
    }
    ++this.tallyId;
    const { lists, slotWeights, order } = this;
    lists.length = 0;
    slotWeights.length = 0;
    order.length = 0;
    for (let k = 0; k < keys.length; k++) {
      const matches = this.matchesOf(keys[k]);
      if (matches.length === 0) continue;
      order.push(lists.length);
      lists.push(matches);
      slotWeights.push(weights === undefined ? 1 : weights[k]);
    }
    // Heaviest first (stable): greedy by weight with augmenting paths gives the heaviest matching.
    if (weights !== undefined && order.length > 1) order.sort((a, b) => slotWeights[b] - slotWeights[a] || a - b);
    let ownMatched = 0;
    let otherMatched = 0;
    for (let o = 0; o < order.length; o++) {
      if (this.visitId === 0xffffffff) {
        this.seen.fill(0);
        this.visitId = 0;
      }
      ++this.visitId;
      if (this.augment(order[o])) {
        ownMatched++;
        otherMatched += slotWeights[order[o]];
      }
    }
    this.ownMatched = ownMatched;
    return otherMatched;
  }

  /**
   * Unweighted overlap with another list (formula at the top of this file). Both counts are
   * integers, so swapping the sides gives a bit-identical score.
   */
  overlap(other: PreparedTags): number {
    const ownCount = this.tags.keys.length;
    const otherCount = other.keys.length;
    if (ownCount === 0 || otherCount === 0) return 0;
    const otherMatched = this.tally(other.keys, undefined);
    if (otherMatched === 0) return 0;
    return Math.sqrt((this.ownMatched / ownCount) * (otherMatched / otherCount));
  }

  /** Weighted overlap: the other side's coverage is its matched weight over its total weight. */
  weightedOverlap(other: WeightedTags): number {
    const ownCount = this.tags.keys.length;
    if (ownCount === 0 || other.keys.length === 0 || !(other.totalWeight > 0)) return 0;
    const matchedWeight = this.tally(other.keys, other.weights);
    if (matchedWeight === 0) return 0;
    const otherCoverage = Math.min(1, matchedWeight / other.totalWeight);
    return Math.sqrt((this.ownMatched / ownCount) * otherCoverage);
  }

  /** Own tags (display spelling, own order) in the one-to-one matching with `other` (weighted when it has weights). */
  matchedTags(other: { readonly keys: readonly string[]; readonly weights?: readonly number[] }): string[] {
    if (this.tags.keys.length === 0) return [];
    this.tally(other.keys, other.weights);
    const matched: string[] = [];
    for (let i = 0; i < this.marks.length; i++) {
      if (this.marks[i] === this.tallyId) matched.push(displayText(this.tags.originals[i]));
    }
    return matched;
  }
}
