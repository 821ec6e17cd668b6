// Match ranking speed: rankUserMatches over 10,000 and 100,000 synthetic candidates.
//
// Profiles are realistic in shape: 5-15 interests drawn (with skewed popularity, so common tags are
// common) from a vocabulary of a few hundred, spelled with random case / plural variants; 1-3
// purposes; a location with coordinates (60%), place names only (30%) or none (10%). A seeded PRNG
// makes every run see the same data. Each timed run ranks the pool for a different viewer, so the
// per-viewer tag-match cache starts empty every time.
//
// Cases: "prepared" pools were folded once with prepareProfile (the intended use for a warm pool);
// "raw" pools are plain objects, so each run also pays preparation (tag folding itself is memoised).
// Targets: 10k <= 20 ms p50, 100k <= 200 ms p50, one core.
//
// Run: npx tsx bench/ranking.ts   The last stdout line is the JSON result.
import { prepareProfile, rankUserMatches, type MatchProfile } from '../src/lib/features/matching/scoring/index.js';
import { seededRandom } from '../dev/seeded-random.js';

const WARMUPS = 5;
const RUNS = 21;
const SIZES = [10_000, 100_000] as const;

export interface RankingRow {
  case: string;
  candidates: number;
  runs: number;
  /** Wall-clock percentiles. */
  p50Ms: number;
  p95Ms: number;
  /** Process CPU time (user + system) per ranking, p50: steadier than wall time on a busy machine,
   * but it includes the GC's helper threads. */
  cpuP50Ms: number;
}

export interface RankingBenchResult {
  rows: RankingRow[];
  /** Results per ranking (the default limit, 5), as a sanity check that the work was real. */
  resultsPerRanking: number;
  /** Distinct interest tags the synthetic profiles draw from (before spelling variants). */
  vocabularySize: number;
}

const BASE_INTERESTS = [
  'hiking',
  'running',
  'cycling',
  'swimming',
  'yoga',
  'pilates',
  'climbing',
  'bouldering',
  'surfing',
  'skiing',
  'snowboarding',
  'tennis',
  'padel',
  'football',
  'basketball',
  'volleyball',
  'golf',
  'chess',
  'board games',
  'video games',
  'tabletop rpg',
  'poker',
  'music',
  'jazz',
  'techno',
  'hip hop',
  'classical music',
  'opera',
  'karaoke',
  'guitar',
  'piano',
  'singing',
  'dancing',
  'salsa',
  'tango',
  'photography',
  'film',
  'cinema',
  'documentaries',
  'anime',
  'theatre',
  'stand-up comedy',
  'painting',
  'drawing',
  'sculpture',
  'pottery',
  'knitting',
  'writing',
  'poetry',
  'reading',
  'book club',
  'history',
  'philosophy',
  'languages',
  'travel',
  'backpacking',
  'camping',
  'fishing',
  'gardening',
  'cooking',
  'baking',
  'coffee',
  'tea',
  'wine',
  'craft beer',
  'cocktails',
  'vegan food',
  'street food',
  'brunch',
  'startups',
  'entrepreneurship',
  'investing',
  'crypto',
  'marketing',
  'design',
  'ux',
  'programming',
  'ai',
  'machine learning',
  'data science',
  'robotics',
  'space',
  'science',
  'volunteering',
  'politics',
  'sustainability',
  'fashion',
  'vintage',
  'thrifting',
  'interior design',
  'architecture',
  'dogs',
  'cats',
  'meditation',
  'fitness',
  'crossfit',
  'martial arts',
  'boxing',
  'parenting',
  'podcasts',
];
const QUALIFIERS = ['indie', 'live', 'outdoor', 'urban', 'beginner', 'competitive', 'local', 'vintage'];
const PURPOSES = [
  'networking',
  'friends',
  'dating',
  'business',
  'mentorship',
  'events',
  'activity partners',
  'study buddies',
];
const CITIES = [
  ['Lisbon', 'Lisboa', 'Portugal', 38.72, -9.14],
  ['Porto', 'Norte', 'Portugal', 41.15, -8.61],
  ['Madrid', 'Madrid', 'Spain', 40.42, -3.7],
  ['Barcelona', 'Catalonia', 'Spain', 41.39, 2.17],
  ['Paris', 'Île-de-France', 'France', 48.86, 2.35],
  ['Lyon', 'Auvergne-Rhône-Alpes', 'France', 45.76, 4.84],
  ['Berlin', 'Berlin', 'Germany', 52.52, 13.4],
  ['München', 'Bayern', 'Germany', 48.14, 11.58],
  ['London', 'England', 'United Kingdom', 51.51, -0.13],
  ['Manchester', 'England', 'United Kingdom', 53.48, -2.24],
  ['Dublin', 'Leinster', 'Ireland', 53.35, -6.26],
  ['Amsterdam', 'North Holland', 'Netherlands', 52.37, 4.9],
  ['New York', 'NY', 'United States', 40.71, -74.01],
  ['Brooklyn', 'NY', 'United States', 40.68, -73.94],
  ['San Francisco', 'CA', 'United States', 37.77, -122.42],
  ['Oakland', 'CA', 'United States', 37.8, -122.27],
  ['São Paulo', 'SP', 'Brazil', -23.55, -46.63],
  ['Mexico City', 'CDMX', 'Mexico', 19.43, -99.13],
  ['Tokyo', 'Tokyo', 'Japan', 35.68, 139.69],
  ['Sydney', 'NSW', 'Australia', -33.87, 151.21],
] as const;

function buildVocabulary(random: () => number): string[] {
  const vocabulary = new Set(BASE_INTERESTS);
  while (vocabulary.size < 350) {
    const base = BASE_INTERESTS[Math.floor(random() * BASE_INTERESTS.length)];
    vocabulary.add(`${QUALIFIERS[Math.floor(random() * QUALIFIERS.length)]} ${base}`);
  }
  return [...vocabulary];
}

/** How people actually type tags: mostly as listed, sometimes capitalised, shouted or pluralised. */
function spell(tag: string, random: () => number): string {
  const roll = random();
  if (roll < 0.7) return tag;
  if (roll < 0.85) return tag.charAt(0).toUpperCase() + tag.slice(1);
  if (roll < 0.93) return `${tag}s`;
  return tag.toUpperCase();
}

export function generateProfiles(count: number, seed: number): MatchProfile[] {
  const random = seededRandom(seed);
  const vocabulary = buildVocabulary(seededRandom(1));
  const profiles: MatchProfile[] = [];
  for (let i = 0; i < count; i++) {
    const interests: string[] = [];
    const interestCount = 5 + Math.floor(random() * 11);
    // random()^2 skews toward the front of the vocabulary: popular tags are common.
    for (let k = 0; k < interestCount; k++) {
      interests.push(spell(vocabulary[Math.floor(random() ** 2 * vocabulary.length)], random));
    }
    const purposes = Array.from(
      { length: 1 + Math.floor(random() * 3) },
      () => PURPOSES[Math.floor(random() * PURPOSES.length)],
    );
    const [city, region, country, lat, lng] = CITIES[Math.floor(random() * CITIES.length)];
    const kind = random();
    const location =
      kind < 0.6
        ? { city, country, lat: lat + (random() - 0.5) * 0.5, lng: lng + (random() - 0.5) * 0.5 }
        : kind < 0.9
          ? { city, region, country }
          : undefined;
    profiles.push({ id: `user-${seed}-${i}`, interests, purposes, location });
  }
  return profiles;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function timeRankings(
  name: string,
  viewers: readonly MatchProfile[],
  pool: readonly MatchProfile[],
): { row: RankingRow; results: number } {
  let results = 0;
  for (let i = 0; i < WARMUPS; i++) results = rankUserMatches(viewers[i], pool).length;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const viewer = viewers[WARMUPS + i];
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    results = rankUserMatches(viewer, pool).length;
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    const cpuUsed = process.cpuUsage(cpuStart);
    cpu.push((cpuUsed.user + cpuUsed.system) / 1e3);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    row: {
      case: name,
      candidates: pool.length,
      runs: RUNS,
      p50Ms: round(percentile(wall, 50)),
      p95Ms: round(percentile(wall, 95)),
      cpuP50Ms: round(percentile(cpu, 50)),
    },
    results,
  };
}

/** Collects leftovers of the previous case when run with --expose-gc, so cases do not pay each other's GC debt. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function run(): Promise<RankingBenchResult> {
  const viewers = generateProfiles(WARMUPS + RUNS, 7);
  const rows: RankingRow[] = [];
  let resultsPerRanking = 0;
  for (const size of SIZES) {
    const raw = generateProfiles(size, size);
    collectGarbage();
    const rawRun = timeRankings('raw pool (prepares per call)', viewers, raw);
    const prepared = raw.map((profile) => prepareProfile(profile));
    collectGarbage();
    const preparedRun = timeRankings('prepared pool', viewers, prepared);
    rows.push(preparedRun.row, rawRun.row);
    resultsPerRanking = preparedRun.results;
  }
  return { rows, resultsPerRanking, vocabularySize: buildVocabulary(seededRandom(1)).length };
}

function printTable(result: RankingBenchResult): void {
  const header = ['candidates', 'runs', 'p50 ms', 'p95 ms', 'cpu p50'];
  console.log('case'.padEnd(32), ...header.map((title, i) => title.padStart(i === 0 ? 10 : 9)));
  for (const row of result.rows) {
    console.log(
      row.case.padEnd(32),
      String(row.candidates).padStart(10),
      String(row.runs).padStart(9),
      row.p50Ms.toFixed(2).padStart(9),
      row.p95Ms.toFixed(2).padStart(9),
      row.cpuP50Ms.toFixed(2).padStart(9),
    );
  }
}

if (require.main === module) {
  run()
    .then((result) => {
      printTable(result);
      console.log(JSON.stringify(result));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
