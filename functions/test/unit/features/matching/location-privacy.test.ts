// Location privacy of matchUsers (and the people half of suggestions): whatever positions a caller
// gives their own profile, and however many requests they make, the responses must not locate another
// user more finely than the grid cell (about 1 km) they are in. Checked on everything a response shows
// or the explanation step is given: score, components, matched, ranking and the 0.1 threshold, the
// template text, the prompt sent to the model, and the explanation cache key. Threat model:
// docs/matching.md, "Location privacy".
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../dev/seeded-random.js';
import { matchUsersBody } from '../../../../src/lib/features/matching/schemas.js';
import type { Cache } from '../../../../src/lib/platform/cache/index.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';
import type { UserRecord } from '../../../../src/lib/features/matching/documents.js';
import { explainMatches, type ExplainerSettings } from '../../../../src/lib/features/matching/explain/explainer.js';
import type { ExplanationModel } from '../../../../src/lib/features/matching/explain/model.js';
import { userItems, userMatches, type RankedUsers } from '../../../../src/lib/features/matching/responses.js';
import type { UserMatch } from '../../../../src/lib/features/matching/types.js';
import { cellBounds, cellOf, CELL_KM } from '../../../../src/lib/features/matching/scoring/coarse-location.js';
import { distanceBand } from '../../../../src/lib/features/matching/scoring/distance-band.js';
import { rankUserMatches } from '../../../../src/lib/features/matching/scoring/index.js';
import {
  attack,
  distance,
  localPlane,
  recording,
  type LatLng,
  type Observation,
  type Oracle,
  type Point,
} from './trilateration.js';

const SETTINGS: ExplainerSettings = {
  model: 'm',
  timeoutMs: 5_000,
  temperature: 0.8,
  tokensPerMatch: 100,
  cacheTtlSeconds: 60,
};
const log = createLogger({ test: 'location-privacy' });
const signal = new AbortController().signal;

const TARGET_INTERESTS = ['chess', 'go', 'poker'];
const FILLER = Array.from({ length: 11 }, (_, i) => `filler tag ${i}`);

/**
 * The requests the attacker repeats at every position: one shared tag and the widest radius (the
 * location component and band), the smallest radius, and interests tuned so that the match appears
 * only when the location component clears the 0.1 threshold (a presence oracle).
 */
const VIEWS = [
  { interests: ['chess'], radiusKm: 200 },
  { interests: ['chess'], radiusKm: 1 },
  { interests: ['chess', ...FILLER], radiusKm: 10 },
] as const;

function targetAt(position: LatLng): UserRecord {
  return {
    id: 'target',
    displayName: 'Target',
    discoverable: true,
    suggestable: true,
    interests: TARGET_INTERESTS,
    purposes: ['friends'],
    location: { ...position, city: 'Lisbon', country: 'Portugal' },
  };
}

/** The matchUsers response for one request, plus what the explanation step received. */
async function respond(viewerAt: LatLng, target: UserRecord, view: (typeof VIEWS)[number]) {
  const viewer = { id: 'attacker', interests: view.interests, purposes: ['friends'], location: viewerAt };
  const users: RankedUsers = {
    ranked: rankUserMatches(viewer, [target], { radiusKm: view.radiusKm, limit: 5 }),
    byId: new Map([[target.id, target]]),
  };
  const cacheKeys: string[] = [];
  const prompts: string[] = [];
  const cache: Cache = {
    get: async (key) => {
      cacheKeys.push(key);
      return undefined;
    },
    set: async () => undefined,
    delete: async () => undefined,
  };
  // Records the prompt, answers nothing usable: every match also gets its template text.
  const model: ExplanationModel = async (request) => {
    prompts.push(request.prompt);
    return '{}';
  };
  const { explanations } = await explainMatches(
    userItems('attacker', users),
    { cache, model, settings: SETTINGS },
    { signal, log },
  );
  return { matches: userMatches(users, explanations), prompts, cacheKeys };
}

/** How the attacker reads a distance: the band's middle if shown, else the documented formula. */
function readDistance(match: UserMatch | undefined, radiusKm: number): number | undefined {
  if (match === undefined) return undefined;
  const shown = match.matched.location as Record<string, unknown> | null;
  if (shown !== null && typeof shown.minKm === 'number' && typeof shown.maxKm === 'number') {
    return (shown.minKm + shown.maxKm) / 2;
  }
  const component = match.components.location;
  return component > 0 ? radiusKm * (1 - component) : undefined;
}

async function observe(viewerAt: LatLng, target: UserRecord): Promise<Observation> {
  const responses = [];
  for (const view of VIEWS) responses.push(await respond(viewerAt, target, view));
  return {
    signature: JSON.stringify(responses),
    distanceKm: readDistance(responses[0].matches[0], VIEWS[0].radiusKm),
  };
}

const LISBON: LatLng = { lat: 38.7223, lng: -9.1393 };
const plane = localPlane(LISBON);

function realOracle(target: LatLng): Oracle {
  const record = targetAt(target);
  return (probe) => observe(plane.toLatLng(probe), record);
}

/** Two opposite corners of the cell holding `point`, each 3% of the cell inside it: about 1.3 km
 * apart, so no single estimate is within 0.5 km of both. */
function oppositeCornersOfCellAt(point: LatLng): LatLng[] {
  const { south, north, west, east } = cellBounds(cellOf(point.lat, point.lng));
  const insetLat = (north - south) * 0.03;
  const insetLng = (east - west) * 0.03;
  return [
    { lat: south + insetLat, lng: west + insetLng },
    { lat: north - insetLat, lng: east - insetLng },
  ];
}

/** Thousands of scored and explained requests per test: generous for a busy 2-core machine. */
const SLOW_TEST_MS = 120_000;

describe('trilateration against matchUsers responses', () => {
  it('is a real attack: with bands over raw distances it locates the target within 50 m', async () => {
    const target: Point = { x: 3.3, y: -2.1 };
    const banded: Oracle = async (probe) => {
      const band = distanceBand(distance(probe, target));
      return { signature: JSON.stringify(band), distanceKm: (band.minKm + band.maxKm) / 2 };
    };
    const { oracle, probes } = recording(banded);
    const { boundary } = await attack(oracle, { x: 0, y: 0 });
    expect(probes.length).toBeGreaterThan(300);
    expect(distance(boundary, target)).toBeLessThan(0.05);
  });

  it(
    'learns at most the cell: targets at opposite corners of one cell get the same transcript and estimate',
    async () => {
      const corners = oppositeCornersOfCellAt(plane.toLatLng({ x: 3.3, y: -2.1 }));
      const runs = [];
      for (const corner of corners) {
        const probed = recording(realOracle(corner));
        const signatures: string[] = [];
        const oracle: Oracle = async (probe) => {
          const observation = await probed.oracle(probe);
          signatures.push(observation.signature);
          return observation;
        };
        const estimate = await attack(oracle, { x: 0, y: 0 });
        runs.push({ target: plane.toPoint(corner), estimate, probes: probed.probes, signatures });
      }
      // The estimate error, averaged over the two targets, for each strategy.
      for (const strategy of ['numeric', 'boundary'] as const) {
        const meanError =
          runs.reduce((sum, run) => sum + distance(run.estimate[strategy], run.target), 0) / runs.length;
        expect(meanError, strategy).toBeGreaterThan(0.5 * CELL_KM);
      }
      expect(runs[0].probes.length).toBeGreaterThan(300);
      // The adaptive attacker saw exactly the same thing for every target in the cell.
      for (const run of runs.slice(1)) {
        expect(run.probes).toEqual(runs[0].probes);
        expect(run.signatures).toEqual(runs[0].signatures);
      }
    },
    SLOW_TEST_MS,
  );
});

describe('indistinguishability within a cell, anywhere on Earth', () => {
  const random = seededRandom(20260611);
  const latitudes = [0, 0.002, -0.002, 38.7, -33.9, 60.2, 69.6, 78.2, 89.2, 89.985, 89.999, -89.999, 90, -90];

  /** A random cell: listed latitudes and random ones, random longitudes with some at the antimeridian. */
  function randomCellPoint(i: number): LatLng {
    const lat = i < latitudes.length ? latitudes[i] : (random() - 0.5) * 178;
    const lng = i % 5 === 0 ? (random() < 0.5 ? 179.9995 : -180) : (random() - 0.5) * 360;
    return { lat, lng };
  }

  function randomInCell(point: LatLng): LatLng {
    const { south, north, west, east } = cellBounds(cellOf(point.lat, point.lng));
    return { lat: south + random() * (north - south) * 0.999, lng: west + random() * (east - west) * 0.999 };
  }

  function probeNear(point: LatLng, maxKm: number): LatLng {
    const km = random() * maxKm;
    const angle = random() * 2 * Math.PI;
    const lat = Math.max(-90, Math.min(90, point.lat + (km * Math.sin(angle)) / 111.195));
    const cos = Math.max(0.01, Math.cos((lat * Math.PI) / 180));
    let lng = point.lng + (km * Math.cos(angle)) / (111.195 * cos);
    if (lng >= 180) lng -= 360;
    if (lng < -180) lng += 360;
    return { lat, lng };
  }

  it(
    'gives identical responses for two positions in the same cell, from every probe position',
    async () => {
      let compared = 0;
      let withDistance = 0;
      for (let i = 0; i < 40; i++) {
        const cellPoint = randomCellPoint(i);
        const a = targetAt(randomInCell(cellPoint));
        const b = targetAt(randomInCell(cellPoint));
        for (let p = 0; p < 30; p++) {
          const probe = probeNear(cellPoint, p < 20 ? 4 : 150);
          const [seenA, seenB] = [await observe(probe, a), await observe(probe, b)];
          expect(seenB.signature).toBe(seenA.signature);
          compared++;
          if (seenA.distanceKm !== undefined) withDistance++;
        }
      }
      expect(compared).toBe(1200);
      // Most probes did see the target with a distance: the comparison was not of empty answers.
      expect(withDistance).toBeGreaterThan(compared * 0.8);
    },
    SLOW_TEST_MS,
  );
});

describe('maxDistanceKm', () => {
  it('is refused outside 1-200 km, before any work', () => {
    const radius = (maxDistanceKm: number) => matchUsersBody.safeParse({ preferences: { maxDistanceKm } }).success;
    expect([1, 1.5, 20, 200].map(radius)).toEqual([true, true, true, true]);
    expect([0, 0.9, 200.5, 20_000, -1].map(radius)).toEqual([false, false, false, false, false]);
  });
});
