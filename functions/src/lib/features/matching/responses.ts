// What a matching response shows and what the explanation step is given, built from ranked results.
// Pure (no I/O), so the privacy tests can replay it for thousands of probe positions. Everything here
// is copied from the scorer's output, never from a raw profile: the scorer only ever saw coarse
// positions (features/matching/scoring/coarse-location.ts), so nothing below can carry an exact location.
import type { MatchComponents, EventMatchComponents, RankedMatch } from './scoring/index.js';
import type { UserRecord } from './documents.js';
import type { RankedEvents } from './event-ranking.js';
import type { Explanation, ExplainItem } from './explain/explainer.js';
import { eventFacts, personFacts } from './explain/facts.js';
import type { EventMatch, UserMatch } from './types.js';

/**
 * Scores and components as every surface shows them (matchUsers, matchEvents, suggestions and the
 * assistant's cards): two decimals. Ranking uses the exact numbers; this is presentation only.
 */
export function presentedScore(value: number): number {
  return Math.round(value * 100) / 100;
}

function presentedComponents<T extends MatchComponents | EventMatchComponents>(components: T): T {
  return Object.fromEntries(
    Object.entries(components).map(([name, value]) => [name, presentedScore(value)]),
  ) as unknown as T;
}

export type { RankedEvents } from './event-ranking.js';

export interface RankedUsers {
  ranked: RankedMatch[];
  byId: Map<string, UserRecord>;
}

export function userItems(viewerId: string, users: RankedUsers): ExplainItem[] {
  return users.ranked.map((match) => ({
    viewerId,
    targetId: match.id,
    facts: personFacts(match.matched),
    components: match.components,
  }));
}

export function eventItems(viewerId: string, events: RankedEvents): ExplainItem[] {
  return events.ranked.map((match) => ({
    viewerId,
    targetId: match.id,
    facts: eventFacts(match.matched, events.byId.get(match.id)?.title),
    components: match.components,
  }));
}

export function userMatches(users: RankedUsers, explanations: readonly Explanation[]): UserMatch[] {
  return users.ranked.map((match, i) => ({
    userId: match.id,
    displayName: users.byId.get(match.id)?.displayName ?? null,
    score: presentedScore(match.score),
    components: presentedComponents(match.components),
    matched: match.matched,
    explanation: explanations[i].text,
    explanationSource: explanations[i].source,
  }));
}

export function eventMatches(events: RankedEvents, explanations: readonly Explanation[]): EventMatch[] {
  return events.ranked.map((match, i) => {
    const event = events.byId.get(match.id);
    return {
      eventId: match.id,
      title: event?.title ?? null,
      startsAt: event?.startsAt.toISOString() ?? '',
      ...(event?.timeZone ? { timeZone: event.timeZone } : {}),
      score: presentedScore(match.score),
      components: presentedComponents(match.components),
      matched: match.matched,
      explanation: explanations[i].text,
      explanationSource: explanations[i].source,
    };
  });
}
