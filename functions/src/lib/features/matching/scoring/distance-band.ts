/**
 * Distances as users see them: coarse bands, never a number finer than the band.
 *
 *   under 1 km            [0, 1)
 *   whole km up to 10     [1, 2), [2, 3), ... [9, 10)
 *   then steps of 5 km    [10, 15), [15, 20), ...
 *
 * A band is computed from the distance between two cells' representative points
 * (coarse-location.ts), so it, and the location score derived from it, depend only on the two cells.
 *
 * The radius (`maxDistanceKm`) is kept in [MIN_RADIUS_KM, MAX_RADIUS_KM] and rounded up to a band
 * edge, so a band is either entirely inside the radius or entirely outside it: "the location
 * component reaches 0 at the radius" stays exact, and no radius, however small or odd, makes the
 * score react to anything finer than a band.
 */

export interface DistanceBand {
  /** Inclusive lower edge, km. */
  minKm: number;
  /** Exclusive upper edge, km. */
  maxKm: number;
}

export const MIN_RADIUS_KM = 1;
export const MAX_RADIUS_KM = 200;
export const DEFAULT_RADIUS_KM = 50;

const WHOLE_KM_UP_TO = 10;
const STEP_KM = 5;

/** Lower edge of the band holding `km` (hot path: a number, no object). */
export function bandStartKm(km: number): number {
  return km < WHOLE_KM_UP_TO ? Math.max(0, Math.floor(km)) : Math.floor(km / STEP_KM) * STEP_KM;
}

function bandEndKm(startKm: number): number {
  return startKm + (startKm < WHOLE_KM_UP_TO ? 1 : STEP_KM);
}

export function distanceBand(km: number): DistanceBand {
  const minKm = bandStartKm(km);
  return { minKm, maxKm: bandEndKm(minKm) };
}

/** The band edge at or above `km`. */
function bandEdgeAtOrAbove(km: number): number {
  return km <= WHOLE_KM_UP_TO ? Math.ceil(km) : Math.ceil(km / STEP_KM) * STEP_KM;
}

/**
 * A radius from untrusted input or configuration: a positive finite number is clamped to
 * [MIN_RADIUS_KM, MAX_RADIUS_KM] and rounded up to a band edge; anything else is the default.
 */
export function resolveRadiusKm(radiusKm: unknown): number {
  if (typeof radiusKm !== 'number' || !Number.isFinite(radiusKm) || radiusKm <= 0) return DEFAULT_RADIUS_KM;
  return bandEdgeAtOrAbove(Math.min(MAX_RADIUS_KM, Math.max(MIN_RADIUS_KM, radiusKm)));
}

/**
 * The location component for a band starting at `bandStartKm`: 1 - start / radius, two decimals,
 * 0 once the band starts at or beyond the radius. `radiusKm` must come from `resolveRadiusKm`.
 */
export function bandScore(bandStartKm: number, radiusKm: number): number {
  if (bandStartKm >= radiusKm) return 0;
  return Math.round((1 - bandStartKm / radiusKm) * 100) / 100;
}
