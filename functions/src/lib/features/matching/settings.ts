// Matching's settings: what a deploy sets (AppConfig.matching, params) and the tuning that is no
// deploy's choice, as named constants with their reason. Every request's MatchScope carries both.
import type { AppConfig } from '../../platform/config/index.js';
import { DEFAULT_RADIUS_KM } from './scoring/index.js';

export const MATCH_TUNING = {
  /** Upcoming events read while the event pool is not built (before the backfill): one bounded page. */
  eventCap: 100,
  /** Attendee profiles read for the events' interest signal: enough to tell a crowd, bounded reads. */
  attendeeCap: 200,
  /** matchEvents' and suggestions' look-ahead when a request gives no `until`: a month of plans. */
  eventWindowDays: 30,
  /** Where the location component reaches 0 when a request gives no maxDistanceKm: one metro area. */
  radiusKm: DEFAULT_RADIUS_KM,
};

export type MatchingConfig = AppConfig['matching'] & typeof MATCH_TUNING;

export function matchingSettings(config: AppConfig): MatchingConfig {
  return { ...config.matching, ...MATCH_TUNING };
}
