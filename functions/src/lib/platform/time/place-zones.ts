// The time zone of a place, where its name alone settles it: a country with one zone, or a US state
// with one zone. Anything else (Spain with the Canaries, Indiana, an unknown name) is undefined, and
// the caller falls back to another zone. Names are compared folded (case, spaces); no geocoding.

/** Countries with a single zone, by ISO 3166 code and English name. */
const COUNTRY_ZONES: Readonly<Record<string, string>> = {
  gb: 'Europe/London',
  uk: 'Europe/London',
  'united kingdom': 'Europe/London',
  ie: 'Europe/Dublin',
  ireland: 'Europe/Dublin',
  fr: 'Europe/Paris',
  france: 'Europe/Paris',
  de: 'Europe/Berlin',
  germany: 'Europe/Berlin',
  it: 'Europe/Rome',
  italy: 'Europe/Rome',
  nl: 'Europe/Amsterdam',
  netherlands: 'Europe/Amsterdam',
  be: 'Europe/Brussels',
  belgium: 'Europe/Brussels',
  ch: 'Europe/Zurich',
  switzerland: 'Europe/Zurich',
  at: 'Europe/Vienna',
  austria: 'Europe/Vienna',
  se: 'Europe/Stockholm',
  sweden: 'Europe/Stockholm',
  no: 'Europe/Oslo',
  norway: 'Europe/Oslo',
  fi: 'Europe/Helsinki',
  finland: 'Europe/Helsinki',
  pl: 'Europe/Warsaw',
  poland: 'Europe/Warsaw',
  cz: 'Europe/Prague',
  czechia: 'Europe/Prague',
  gr: 'Europe/Athens',
  greece: 'Europe/Athens',
  jp: 'Asia/Tokyo',
  japan: 'Asia/Tokyo',
  kr: 'Asia/Seoul',
  'south korea': 'Asia/Seoul',
  in: 'Asia/Kolkata',
  india: 'Asia/Kolkata',
  sg: 'Asia/Singapore',
  singapore: 'Asia/Singapore',
  il: 'Asia/Jerusalem',
  israel: 'Asia/Jerusalem',
  ae: 'Asia/Dubai',
  'united arab emirates': 'Asia/Dubai',
  za: 'Africa/Johannesburg',
  'south africa': 'Africa/Johannesburg',
  ke: 'Africa/Nairobi',
  kenya: 'Africa/Nairobi',
  ng: 'Africa/Lagos',
  nigeria: 'Africa/Lagos',
  co: 'America/Bogota',
  colombia: 'America/Bogota',
  pe: 'America/Lima',
  peru: 'America/Lima',
};

const US_NAMES = new Set(['us', 'usa', 'united states', 'united states of america']);

/** US states (name and postal code) that lie in one zone. */
const US_STATE_ZONES: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      ['America/Los_Angeles', ['california', 'ca', 'washington', 'wa']],
      ['America/Denver', ['colorado', 'co', 'utah', 'ut', 'wyoming', 'wy', 'montana', 'mt', 'new mexico', 'nm']],
      [
        'America/Chicago',
        [
          'illinois',
          'il',
          'wisconsin',
          'wi',
          'minnesota',
          'mn',
          'iowa',
          'ia',
          'missouri',
          'mo',
          'arkansas',
          'ar',
          'louisiana',
          'la',
          'mississippi',
          'ms',
          'alabama',
          'al',
          'oklahoma',
          'ok',
        ],
      ],
      [
        'America/New_York',
        [
          'new york',
          'ny',
          'new jersey',
          'nj',
          'pennsylvania',
          'pa',
          'massachusetts',
          'ma',
          'connecticut',
          'ct',
          'rhode island',
          'ri',
          'vermont',
          'vt',
          'new hampshire',
          'nh',
          'maine',
          'me',
          'delaware',
          'de',
          'maryland',
          'md',
          'virginia',
          'va',
          'west virginia',
          'wv',
          'north carolina',
          'nc',
          'south carolina',
          'sc',
          'georgia',
          'ga',
          'ohio',
          'oh',
          'district of columbia',
          'dc',
        ],
      ],
      ['Pacific/Honolulu', ['hawaii', 'hi']],
    ] as const
  ).flatMap(([zone, names]) => names.map((name) => [name, zone])),
);

function fold(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase().replace(/\s+/g, ' ') : '';
}

/** The zone of a place known by its names, or undefined when the names do not settle it. */
export function zoneOfPlace(place: { region?: unknown; country?: unknown } | undefined): string | undefined {
  const country = fold(place?.country);
  if (country === '') return undefined;
  if (US_NAMES.has(country)) return US_STATE_ZONES[fold(place?.region)];
  return Object.hasOwn(COUNTRY_ZONES, country) ? COUNTRY_ZONES[country] : undefined;
}
