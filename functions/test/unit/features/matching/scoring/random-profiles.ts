// Seeded random profiles and events for property-style tests. A small vocabulary (with case,
// plural and diacritic variants) makes overlaps common; a small area makes distances fall inside
// the default radius; a share of the data is missing or malformed on purpose.

export { seededRandom } from '../../../../../dev/seeded-random.js';

export type Random = () => number;

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const INTERESTS = [
  'hiking',
  'Hikes',
  'hike',
  'music',
  'Indie Music',
  'live music',
  'jazz',
  'cafés',
  'cafe',
  'coffee',
  'board games',
  'Board-Game',
  'games',
  'painting',
  'art',
  'AI',
  'machine learning',
  'startups',
  'Startup',
  'yoga',
  'running',
  'trail running',
  'photography',
  'Photos',
  'cooking',
  'parties',
  'party',
  'travel',
  'Travelling',
  'tech',
  'biotech',
  'chess',
  'tennis',
  'films',
  'movies',
  'Movie',
  'climbing',
  'rock climbing',
  'rock',
  'dancing',
  'salsa',
  'wine',
  'Wines',
];
const PURPOSES = ['networking', 'friends', 'Friends', 'dating', 'business', 'mentorship', 'events'];
const PLACES = [
  { city: 'Lisbon', region: 'Lisboa', country: 'Portugal', lat: 38.72, lng: -9.14 },
  { city: 'lisbon', region: 'lisboa', country: 'portugal', lat: 38.75, lng: -9.2 },
  { city: 'Sintra', region: 'Lisboa', country: 'Portugal', lat: 38.8, lng: -9.38 },
  { city: 'Porto', region: 'Norte', country: 'Portugal', lat: 41.15, lng: -8.61 },
  { city: 'São Paulo', region: 'SP', country: 'Brazil', lat: -23.55, lng: -46.63 },
  { city: 'Sao Paulo', region: 'sp', country: 'BRAZIL', lat: -23.6, lng: -46.7 },
];
const GARBAGE: readonly unknown[] = [null, 42, 'hiking', { x: 1 }, [null, 7, '', '  '], NaN];

function sample(random: Random, vocabulary: readonly string[], max: number): string[] {
  const count = Math.floor(random() * (max + 1));
  return Array.from({ length: count }, () => pick(random, vocabulary));
}

function randomLocation(random: Random): unknown {
  const roll = random();
  if (roll < 0.1) return undefined;
  if (roll < 0.15) return pick(random, GARBAGE);
  const place = pick(random, PLACES);
  const withCoordinates = random() < 0.5;
  return {
    city: random() < 0.85 ? place.city : undefined,
    region: random() < 0.6 ? place.region : undefined,
    country: random() < 0.7 ? place.country : undefined,
    lat: withCoordinates ? place.lat + (random() - 0.5) * 0.4 : undefined,
    lng: withCoordinates ? place.lng + (random() - 0.5) * 0.4 : undefined,
  };
}

export interface RandomProfile {
  id: string;
  interests?: unknown;
  purposes?: unknown;
  location?: unknown;
}

export function randomProfile(random: Random, id: string): RandomProfile {
  return {
    id,
    interests: random() < 0.07 ? pick(random, GARBAGE) : sample(random, INTERESTS, 10),
    purposes: random() < 0.07 ? pick(random, GARBAGE) : sample(random, PURPOSES, 3),
    location: randomLocation(random),
  };
}

export function randomEvent(random: Random, id: string): { id: string; tags?: unknown; location?: unknown } {
  return {
    id,
    tags: random() < 0.07 ? pick(random, GARBAGE) : sample(random, INTERESTS, 6),
    location: randomLocation(random),
  };
}
