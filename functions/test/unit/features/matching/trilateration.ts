// A location attacker for the privacy tests. It knows roughly where the target is (a city), may put
// its own profile anywhere, and sees everything a response shows. Two strategies:
//   numeric   - read a distance from every probe (components, bands) and trilaterate by least squares;
//   boundary  - find the region where the response is "closest", then binary-search, along many
//               directions, the exact point where the response changes, and fit a circle through those
//               points (band edges are circles around the target when bands use raw distances).
// Positions are km east (x) / north (y) of an origin, on a local tangent plane.
import { EARTH_RADIUS_KM } from '../../../../src/lib/features/matching/scoring/coarse-location.js';

export interface Point {
  x: number;
  y: number;
}

export interface LatLng {
  lat: number;
  lng: number;
}

const DEG = Math.PI / 180;
const KM_PER_DEG = EARTH_RADIUS_KM * DEG;

export function localPlane(origin: LatLng) {
  const kmPerDegLng = KM_PER_DEG * Math.cos(origin.lat * DEG);
  return {
    toLatLng: (p: Point): LatLng => ({ lat: origin.lat + p.y / KM_PER_DEG, lng: origin.lng + p.x / kmPerDegLng }),
    toPoint: (ll: LatLng): Point => ({ x: (ll.lng - origin.lng) * kmPerDegLng, y: (ll.lat - origin.lat) * KM_PER_DEG }),
  };
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** What one probe shows: the whole response as a string, and the distance the attacker reads from it. */
export interface Observation {
  signature: string;
  /** km, or undefined when the response shows no distance. */
  distanceKm: number | undefined;
}

export type Oracle = (probe: Point) => Promise<Observation>;

/** Counts and records every probe, so a transcript can be replayed against another target. */
export function recording(oracle: Oracle): { oracle: Oracle; probes: Point[] } {
  const probes: Point[] = [];
  return {
    probes,
    oracle: (probe) => {
      probes.push(probe);
      return oracle(probe);
    },
  };
}

/** Gauss-Newton least squares for the point whose distances to the probes best fit the readings. */
export function trilaterate(readings: readonly { at: Point; km: number }[], start: Point): Point {
  let x = start.x;
  let y = start.y;
  for (let iteration = 0; iteration < 100; iteration++) {
    let a11 = 0,
      a12 = 0,
      a22 = 0,
      b1 = 0,
      b2 = 0;
    for (const { at, km } of readings) {
      const dx = x - at.x;
      const dy = y - at.y;
      const d = Math.hypot(dx, dy) || 1e-9;
      const jx = dx / d;
      const jy = dy / d;
      const residual = d - km;
      a11 += jx * jx;
      a12 += jx * jy;
      a22 += jy * jy;
      b1 += jx * residual;
      b2 += jy * residual;
    }
    const det = a11 * a22 - a12 * a12;
    if (Math.abs(det) < 1e-12) break;
    const stepX = (a22 * b1 - a12 * b2) / det;
    const stepY = (a11 * b2 - a12 * b1) / det;
    x -= stepX;
    y -= stepY;
    if (Math.hypot(stepX, stepY) < 1e-7) break;
  }
  return { x, y };
}

/** Algebraic (Kasa) circle fit; undefined when the points are (nearly) coincident or collinear. */
export function circleCentre(points: readonly Point[]): Point | undefined {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let suu = 0,
    suv = 0,
    svv = 0,
    suuu = 0,
    svvv = 0,
    suvv = 0,
    svuu = 0;
  for (const p of points) {
    const u = p.x - mx;
    const v = p.y - my;
    suu += u * u;
    suv += u * v;
    svv += v * v;
    suuu += u * u * u;
    svvv += v * v * v;
    suvv += u * v * v;
    svuu += v * u * u;
  }
  const det = suu * svv - suv * suv;
  if (!(Math.abs(det) > 1e-12)) return undefined;
  const r1 = (suuu + suvv) / 2;
  const r2 = (svvv + svuu) / 2;
  return { x: mx + (r1 * svv - r2 * suv) / det, y: my + (r2 * suu - r1 * suv) / det };
}

function around(centre: Point, radiusKm: number, index: number, count: number): Point {
  const angle = (2 * Math.PI * index) / count;
  return { x: centre.x + radiusKm * Math.cos(angle), y: centre.y + radiusKm * Math.sin(angle) };
}

/** Rings of probes around the rough guess, then least squares on the distances read. */
export async function numericAttack(oracle: Oracle, guess: Point): Promise<Point> {
  const readings: { at: Point; km: number }[] = [];
  for (const ringKm of [2, 5, 9, 14]) {
    for (let i = 0; i < 16; i++) {
      const at = around(guess, ringKm, i + ringKm / 7, 16);
      const { distanceKm } = await oracle(at);
      if (distanceKm !== undefined) readings.push({ at, km: distanceKm });
    }
  }
  return readings.length >= 3 ? trilaterate(readings, guess) : guess;
}

/** The first point along `direction` from `from` where the response differs from the one at `from`. */
async function firstChange(oracle: Oracle, from: Point, angle: number, baseline: string): Promise<Point | undefined> {
  const at = (km: number): Point => ({ x: from.x + km * Math.cos(angle), y: from.y + km * Math.sin(angle) });
  let inside = 0;
  let outside: number | undefined;
  for (let km = 0.2; km <= 6; km += 0.2) {
    if ((await oracle(at(km))).signature !== baseline) {
      outside = km;
      break;
    }
    inside = km;
  }
  if (outside === undefined) return undefined;
  let beyond = outside;
  for (let i = 0; i < 24; i++) {
    const mid = (inside + beyond) / 2;
    if ((await oracle(at(mid))).signature === baseline) inside = mid;
    else beyond = mid;
  }
  return at((inside + beyond) / 2);
}

/**
 * The closest-looking point of a grid around `start` (centroid of the ties), then the response's
 * change points along 16 directions, and the centre of the circle through them.
 */
export async function boundaryAttack(oracle: Oracle, start: Point): Promise<Point> {
  let best = Infinity;
  let ties: Point[] = [];
  for (let i = -6; i <= 6; i++) {
    for (let j = -6; j <= 6; j++) {
      const at = { x: start.x + i * 0.25, y: start.y + j * 0.25 };
      const km = (await oracle(at)).distanceKm ?? Infinity;
      if (km < best) {
        best = km;
        ties = [at];
      } else if (km === best) {
        ties.push(at);
      }
    }
  }
  const inner = {
    x: ties.reduce((s, p) => s + p.x, 0) / ties.length,
    y: ties.reduce((s, p) => s + p.y, 0) / ties.length,
  };
  const baseline = (await oracle(inner)).signature;
  const edges: Point[] = [];
  for (let k = 0; k < 16; k++) {
    const edge = await firstChange(oracle, inner, (2 * Math.PI * k) / 16 + 0.1, baseline);
    if (edge !== undefined) edges.push(edge);
  }
  return (edges.length >= 3 ? circleCentre(edges) : undefined) ?? inner;
}

export interface AttackResult {
  numeric: Point;
  boundary: Point;
}

export async function attack(oracle: Oracle, guess: Point): Promise<AttackResult> {
  const numeric = await numericAttack(oracle, guess);
  const boundary = await boundaryAttack(oracle, numeric);
  return { numeric, boundary };
}
