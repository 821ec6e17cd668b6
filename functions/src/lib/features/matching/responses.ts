// What a matching response shows and what the explanation step is given, built from ranked results.
// Pure (no I/O), so the privacy tests can replay it for thousands of probe positions. Everything here
// is copied from the scorer's output, never from a raw profile: the scorer only ever saw coarse
// positions (features/matching/scoring/coarse-location.ts), so nothing below can carry an exact location.
import type { RankedMatch } from './scoring/index.js';
import type { EventRecord, UserRecord } from './documents.js';
import type { Explanation, ExplainItem } from './explain/explainer.js';
import { explanationFacts } from './explain/facts.js';
import type { EventMatch, UserMatch } from './types.js';

export interface RankedUsers {
  ranked: RankedMatch[];
  byId: Map<string, UserRecord>;
}

export interface RankedEvents {
  ranked: RankedMatch[];
  byId: Map<string, EventRecord>;
}

export function userItems(viewerId: string, users: RankedUsers): ExplainItem[] {
  return users.ranked.map((match) => ({
    viewerId,
    targetId: match.id,
    facts: explanationFacts('person', match.matched),
    components: match.components,
  }));
}

export function eventItems(viewerId: string, events: RankedEvents): ExplainItem[] {
  return events.ranked.map((match) => ({
    viewerId,
    targetId: match.id,
    facts: explanationFacts('event', match.matched, events.byId.get(match.id)?.title),
    components: match.components,
  }));
}

export function userMatches(users: RankedUsers, explanations: readonly Explanation[]): UserMatch[] {
  return users.ranked.map((match, i) => ({
    userId: match.id,
    displayName: users.byId.get(match.id)?.displayName ?? null,
    score: match.score,
    components: match.components,
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
      score: match.score,
      components: match.components,
      matched: match.matched,
      explanation: explanations[i].text,
      explanationSource: explanations[i].source,
    };
  });
}
