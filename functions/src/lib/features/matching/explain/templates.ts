// Deterministic explanations, used whenever the model's text is unavailable for a match. One or two
// sentences built only from the matched signals, like the model's.
import type { ExplanationFacts } from './facts.js';

/** "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function personText(facts: ExplanationFacts): string {
  const { sharedInterests: interests, sharedPurposes: purposes, place } = facts;
  const first: string[] = [];
  if (interests.length > 0) first.push(`You both like ${joinList(interests)}`);
  if (purposes.length > 0) {
    first.push(`${first.length > 0 ? 'you are' : 'You are'} both here for ${joinList(purposes)}`);
  }
  const sentences: string[] = [];
  if (first.length > 0) sentences.push(`${first.join(', and ')}.`);
  if (place !== undefined) sentences.push(`You are ${place}.`);
  return sentences.length > 0 ? sentences.join(' ') : 'You have a few things in common.';
}

function eventText(facts: ExplanationFacts): string {
  const { sharedInterests: interests, crowdInterests: crowd = [], place } = facts;
  const sentences: string[] = [];
  if (interests.length > 0) sentences.push(`It matches your interest in ${joinList(interests)}.`);
  if (crowd.length > 0) sentences.push(`Several people going are into ${joinList(crowd)} too.`);
  if (place !== undefined) sentences.push(`It is ${place}.`);
  return sentences.length > 0 ? sentences.join(' ') : 'It fits what you are into.';
}

export function templateExplanation(facts: ExplanationFacts): string {
  return facts.kind === 'person' ? personText(facts) : eventText(facts);
}
