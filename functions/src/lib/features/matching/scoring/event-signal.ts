/**
 * An event's interest signal: its own tags plus what its crowd shares.
 *
 * Each distinct normalised key gets a weight:
 *
 *     weight(k) = [k is one of the event's tags] + 0.5 * (attendees listing k) / (attendees counted)
 *
 * where the crowd term counts only when at least CROWD_MIN_SHARERS attendees list k. An event tag
 * weighs 1. A shared crowd interest weighs half its frequency among attendees, so an interest every
 * attendee shares adds 0.5. Frequency weighting (rather than a plain union) keeps a large crowd from
 * turning the event into "everything": the crowd's total weight is at most 0.5 * (average interests
 * per attendee), whatever the crowd size, so the event-side coverage in the weighted overlap
 * (tags.ts) stays meaningful. With no shared crowd interest the signal is exactly the event's tags,
 * each weighing 1; with no tags it is the shared crowd interests alone.
 *
 * Why a crowd interest needs CROWD_MIN_SHARERS = 3 attendees (k-anonymity for who attends):
 * what an event shows about its crowd, and what its score rests on, must not single anyone out. An
 * interest held by one attendee would tell a caller who searches for someone's known tag, event by
 * event, where that person goes; with 2, a caller who knows one attendee (a friend, or their own
 * second account) learns the other's interest exactly. From 3 on, a shown or scored crowd interest
 * always stands for at least two people the caller cannot tell apart unless they already know or
 * control k - 1 attendees. Higher k costs signal: the crowd sample is at most 20 attendees, and at
 * k = 3 an interest held by 15% of a full sample still counts, while k = 5 would erase the crowd
 * of most meetups under ten people. Who may be in the crowd at all (not blocked either way,
 * discoverable, not suspended or deleted) is settled by the caller before scoring.
 *
 * Attendees are counted once per id; entries without a string id are skipped, and so is the viewer
 * (a user attending an event must not match it through their own interests).
 */
import { prepareProfile, readId } from './profile.js';
import { prepareTags, type WeightedTags } from './tags.js';
import type { MatchProfile } from './types.js';

export const ATTENDEE_INTEREST_WEIGHT = 0.5;
/** k: attendees who must share an interest before it is shown or scored (see above). */
export const CROWD_MIN_SHARERS = 3;

/** The weighted keys, and which of them are the event's own tags and which its crowd's shared interests. */
export interface EventSignal extends WeightedTags {
  readonly tagKeys: readonly string[];
  readonly crowdKeys: readonly string[];
}

export function eventInterestSignal(
  eventTags: unknown,
  attendees: readonly MatchProfile[] | undefined,
  viewerId: string | undefined,
  minSharers: number = CROWD_MIN_SHARERS,
): EventSignal {
  const tagKeys = prepareTags(eventTags).keys;
  const weights = new Map<string, number>();
  for (const key of tagKeys) weights.set(key, 1);

  const attendeeCounts = new Map<string, number>();
  let counted = 0;
  if (Array.isArray(attendees)) {
    const seen = new Set<string>();
    for (const attendee of attendees as readonly unknown[]) {
      if (typeof attendee !== 'object' || attendee === null) continue;
      const id = readId((attendee as MatchProfile).id);
      if (id === undefined || id === viewerId || seen.has(id)) continue;
      seen.add(id);
      counted++;
      for (const key of prepareProfile(attendee as MatchProfile).interests.keys) {
        attendeeCounts.set(key, (attendeeCounts.get(key) ?? 0) + 1);
      }
    }
  }
  const crowdKeys: string[] = [];
  for (const [key, count] of attendeeCounts) {
    if (count < minSharers) continue;
    crowdKeys.push(key);
    weights.set(key, (weights.get(key) ?? 0) + (ATTENDEE_INTEREST_WEIGHT * count) / counted);
  }

  const keys = [...weights.keys()];
  const values = [...weights.values()];
  let totalWeight = 0;
  for (const weight of values) totalWeight += weight;
  return { keys, weights: values, totalWeight, tagKeys, crowdKeys };
}
