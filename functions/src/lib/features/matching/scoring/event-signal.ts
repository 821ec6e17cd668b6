/**
 * An event's interest signal: its own tags plus what its attendees are into.
 *
 * Each distinct normalised key gets a weight:
 *
 *     weight(k) = [k is one of the event's tags] + 0.5 * (attendees listing k) / (attendees counted)
 *
 * An event tag weighs 1. An attendee interest weighs half its frequency among attendees, so an
 * interest every attendee shares adds 0.5 and one attendee's idiosyncrasy in a crowd of fifty adds
 * 0.01. Frequency weighting (rather than a plain union) keeps a large crowd from turning the event
 * into "everything": the total weight is |tags| + 0.5 * (average interests per attendee), whatever
 * the crowd size, so the event-side coverage in the weighted overlap (tags.ts) stays meaningful.
 * With no attendees the signal is exactly the event's tags, each weighing 1; with no tags it is the
 * attendees' interests alone (the 0.5 factor then cancels out of the coverage ratio).
 *
 * Attendees are counted once per id; entries without a string id are skipped, and so is the viewer
 * (a user attending an event must not match it through their own interests).
 */
import { prepareProfile, readId } from './profile.js';
import { prepareTags, type WeightedTags } from './tags.js';
import type { MatchProfile } from './types.js';

export const ATTENDEE_INTEREST_WEIGHT = 0.5;

export function eventInterestSignal(
  eventTags: unknown,
  attendees: readonly MatchProfile[] | undefined,
  viewerId: string | undefined,
): WeightedTags {
  const weights = new Map<string, number>();
  for (const key of prepareTags(eventTags).keys) weights.set(key, 1);

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
  for (const [key, count] of attendeeCounts) {
    weights.set(key, (weights.get(key) ?? 0) + (ATTENDEE_INTEREST_WEIGHT * count) / counted);
  }

  const keys = [...weights.keys()];
  const values = [...weights.values()];
  let totalWeight = 0;
  for (const weight of values) totalWeight += weight;
  return { keys, weights: values, totalWeight };
}
