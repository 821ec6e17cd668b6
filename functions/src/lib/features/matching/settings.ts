// Matching's settings: what a deploy sets (AppConfig.matching, params) and the tuning that is no
// deploy's choice, as named constants with their reason. Every request's MatchScope carries both.
import type { AppConfig } from '../../platform/config/index.js';
import { DEFAULT_RADIUS_KM } from './scoring/index.js';

export const MATCH_TUNING = {
  /** Upcoming events find_events reads per search (it filters on titles, which the pool does not hold). */
  eventCap: 100,
  /** matchEvents' and suggestions' look-ahead when a request gives no `until`: a month of plans. */
  eventWindowDays: 30,
  /** Where the location component reaches 0 when a request gives no maxDistanceKm: one metro area. */
  radiusKm: DEFAULT_RADIUS_KM,
};

export type MatchTuning = typeof MATCH_TUNING;
export type MatchingConfig = AppConfig['matching'] & MatchTuning;

/** What a caller of the production deps may change (tests): parts of the tuning, the instance cache. */
export interface MatchingOptions {
  tuning?: () => Partial<MatchTuning>;
  /** The per-instance 60 s cache of the pools (shared-cache.ts); default on, off = read each time. */
  sharedCache?: boolean;
}

export function matchingSettings(config: AppConfig, tuning: Partial<MatchTuning> = {}): MatchingConfig {
  return { ...config.matching, ...MATCH_TUNING, ...tuning };
}
