// Gemini safety settings and safety ratings: the four harm categories a feature configures a threshold
// for (sent as the request's `safetySettings`), and which category a blocked prompt or reply was
// blocked for. A caller is told the category by a stable, app-level name ("harassment"), never the
// model's probabilities, scores or anything else of its internals.

export const HARM_CATEGORIES = [
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
] as const;
export type HarmCategory = (typeof HARM_CATEGORIES)[number];

/** Strictest last; OFF also switches off the safety filter's metadata, BLOCK_NONE only the blocking. */
export const SAFETY_THRESHOLDS = [
  'OFF',
  'BLOCK_NONE',
  'BLOCK_ONLY_HIGH',
  'BLOCK_MEDIUM_AND_ABOVE',
  'BLOCK_LOW_AND_ABOVE',
] as const;
export type SafetyThreshold = (typeof SAFETY_THRESHOLDS)[number];

export interface GeminiSafetySetting {
  category: HarmCategory;
  threshold: SafetyThreshold;
}

/** One feature's thresholds, one per category. */
export type SafetyThresholds = Record<HarmCategory, SafetyThreshold>;

export function isSafetyThreshold(value: string): value is SafetyThreshold {
  return (SAFETY_THRESHOLDS as readonly string[]).includes(value);
}

/** The request field: every category, in a fixed order (so equal settings give equal cache keys). */
export function toSafetySettings(thresholds: SafetyThresholds): GeminiSafetySetting[] {
  return HARM_CATEGORIES.map((category) => ({ category, threshold: thresholds[category] }));
}

/** A rating as Gemini sends it (Vertex adds scores and severities, which are read by nobody). */
export interface GeminiSafetyRating {
  category: string;
  probability?: string;
  blocked?: boolean;
}

/** The name a caller sees for a category. Unknown categories (Vertex has more) get none. */
const CATEGORY_NAMES: Record<string, string> = {
  HARM_CATEGORY_HARASSMENT: 'harassment',
  HARM_CATEGORY_HATE_SPEECH: 'hate_speech',
  HARM_CATEGORY_SEXUALLY_EXPLICIT: 'sexually_explicit',
  HARM_CATEGORY_DANGEROUS_CONTENT: 'dangerous_content',
  HARM_CATEGORY_CIVIC_INTEGRITY: 'civic_integrity',
  HARM_CATEGORY_IMAGE_HARASSMENT: 'harassment',
  HARM_CATEGORY_IMAGE_HATE: 'hate_speech',
  HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT: 'sexually_explicit',
  HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT: 'dangerous_content',
};

const PROBABILITY_RANK: Record<string, number> = { NEGLIGIBLE: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

/**
 * The category a block was for: the rating Gemini marked `blocked: true`, else the most probable one
 * (above NEGLIGIBLE). Undefined when the ratings name no known category.
 */
export function blockedCategory(ratings: readonly GeminiSafetyRating[] | undefined): string | undefined {
  if (!ratings || ratings.length === 0) return undefined;
  const known = ratings.filter((rating) => CATEGORY_NAMES[rating.category] !== undefined);
  const flagged = known.find((rating) => rating.blocked === true);
  if (flagged) return CATEGORY_NAMES[flagged.category];
  let best: GeminiSafetyRating | undefined;
  for (const rating of known) {
    const rank = PROBABILITY_RANK[rating.probability ?? ''] ?? 0;
    if (rank > 0 && (!best || rank > (PROBABILITY_RANK[best.probability ?? ''] ?? 0))) best = rating;
  }
  return best ? CATEGORY_NAMES[best.category] : undefined;
}

/** Only the fields above, from whatever JSON arrived (bounded: a response is not trusted input). */
export function readSafetyRatings(value: unknown): GeminiSafetyRating[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const ratings: GeminiSafetyRating[] = [];
  for (const item of value.slice(0, 32)) {
    if (typeof item !== 'object' || item === null) continue;
    const { category, probability, blocked } = item as Record<string, unknown>;
    if (typeof category !== 'string') continue;
    const rating: GeminiSafetyRating = { category };
    if (typeof probability === 'string') rating.probability = probability;
    if (blocked === true) rating.blocked = true;
    ratings.push(rating);
  }
  return ratings;
}
