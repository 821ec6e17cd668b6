// Match scores between a viewer and a user or an event. Each viewer gets a scorer object holding
// their prepared tags; `scoreUserMatch` and the rankers share it, so a ranked result carries exactly
// the numbers `scoreUserMatch` would return for the same pair.
//
//   user match:  score = 0.5 * interests + 0.3 * purpose + 0.2 * location
//   event match: score = 0.7 * interests + 0.3 * location        (no purpose component)
//
// Location privacy: profiles and events are read through location.ts, which snaps coordinates to a
// ~1 km grid cell on the way in, and the location component is a function of the distance band
// between cells. So the score, and everything derived from it (ranking order, the threshold,
// explanations), depends on the two cells only: knowing the tag components, a caller can solve the
// score for the location component, and learns the band, never more.
import { eventInterestSignal } from './event-signal.js';
import { explainLocation, locationScore, prepareLocation, resolveRadiusKm, withinRadius } from './location.js';
import { prepareProfile, type PreparedProfile } from './profile.js';
import { TagMatcher } from './tags.js';
import type {
  EventMatchScore,
  MatchComponents,
  MatchEvent,
  MatchProfile,
  MatchScore,
  ScoreOptions,
  UserRequirements,
} from './types.js';

export const USER_MATCH_WEIGHTS = Object.freeze({ interests: 0.5, purpose: 0.3, location: 0.2 });
export const EVENT_MATCH_WEIGHTS = Object.freeze({ interests: 0.7, location: 0.3 });

/** Rounding can push a weighted sum of ones a hair past 1; the contract says [0, 1]. */
function clampUnit(value: number): number {
  return value > 1 ? 1 : value;
}

export class UserMatchScorer {
  readonly viewer: PreparedProfile;
  private readonly interests: TagMatcher;
  private readonly purposes: TagMatcher;
  private readonly radiusKm: number;

  constructor(viewer: MatchProfile | PreparedProfile, options?: ScoreOptions) {
    this.viewer = prepareProfile(viewer);
    this.interests = new TagMatcher(this.viewer.interests);
    this.purposes = new TagMatcher(this.viewer.purposes);
    this.radiusKm = resolveRadiusKm(options?.radiusKm);
  }

  private components(other: PreparedProfile): MatchComponents {
    return {
      interests: this.interests.overlap(other.interests),
      purpose: this.purposes.overlap(other.purposes),
      location: locationScore(this.viewer.location, other.location, this.radiusKm),
    };
  }

  private static combine(c: MatchComponents): number {
    const w = USER_MATCH_WEIGHTS;
    return clampUnit(w.interests * c.interests + w.purpose * c.purpose + w.location * c.location);
  }

  /** The total score only (the ranking hot path: same arithmetic as `combine`, no allocation). */
  score(other: PreparedProfile): number {
    const w = USER_MATCH_WEIGHTS;
    return clampUnit(
      w.interests * this.interests.overlap(other.interests) +
        w.purpose * this.purposes.overlap(other.purposes) +
        w.location * locationScore(this.viewer.location, other.location, this.radiusKm),
    );
  }

  /** Whether `other` has what the viewer requires (no requirement: always). */
  meets(other: PreparedProfile, required: UserRequirements | undefined): boolean {
    if (required === undefined) return true;
    if (required.interests && this.interests.overlap(other.interests) === 0) return false;
    if (required.purposes && this.purposes.overlap(other.purposes) === 0) return false;
    if (required.withinRadius && !withinRadius(this.viewer.location, other.location, this.radiusKm)) return false;
    return true;
  }

  /** Score, components and the viewer-side explanation. */
  explain(other: PreparedProfile): MatchScore {
    const components = this.components(other);
    return {
      score: UserMatchScorer.combine(components),
      components,
      matched: {
        interests: components.interests > 0 ? this.interests.matchedTags(other.interests) : [],
        purposes: components.purpose > 0 ? this.purposes.matchedTags(other.purposes) : [],
        location: explainLocation(this.viewer.location, other.location, this.radiusKm),
      },
    };
  }
}

export class EventMatchScorer {
  readonly viewer: PreparedProfile;
  private readonly interests: TagMatcher;
  private readonly radiusKm: number;

  constructor(viewer: MatchProfile | PreparedProfile, options?: ScoreOptions) {
    this.viewer = prepareProfile(viewer);
    this.interests = new TagMatcher(this.viewer.interests);
    this.radiusKm = resolveRadiusKm(options?.radiusKm);
  }

  /**
   * Score, components and explanation for one event and, optionally, the attendees whose interests
   * may count (the caller has left out whoever must not: blocks, hidden accounts).
   */
  explain(event: MatchEvent | null | undefined, attendees?: readonly MatchProfile[]): EventMatchScore {
    const raw: MatchEvent = typeof event === 'object' && event !== null ? event : {};
    const signal = eventInterestSignal(raw.tags, attendees, this.viewer.id);
    const interests = this.interests.weightedOverlap(signal);
    const eventLocation = prepareLocation(raw.location);
    const location = locationScore(this.viewer.location, eventLocation, this.radiusKm);
    const w = EVENT_MATCH_WEIGHTS;
    return {
      score: clampUnit(w.interests * interests + w.location * location),
      components: { interests, location },
      matched: {
        tags: interests > 0 ? this.interests.matchedTags({ keys: signal.tagKeys }) : [],
        crowdInterests: interests > 0 ? this.interests.matchedTags({ keys: signal.crowdKeys }) : [],
        location: explainLocation(this.viewer.location, eventLocation, this.radiusKm),
      },
    };
  }
}

/** How well two people match. Symmetric: swapping `a` and `b` gives the same score and components. */
export function scoreUserMatch(
  a: MatchProfile | PreparedProfile,
  b: MatchProfile | PreparedProfile,
  options?: ScoreOptions,
): MatchScore {
  return new UserMatchScorer(a, options).explain(prepareProfile(b));
}

/** How well an event matches a user; `attendees` are the attendees' profiles, if known. */
export function scoreEventMatch(
  user: MatchProfile | PreparedProfile,
  event: MatchEvent,
  attendees?: readonly MatchProfile[],
  options?: ScoreOptions,
): EventMatchScore {
  return new EventMatchScorer(user, options).explain(event, attendees);
}
