/**
 * Demo data for the local stack: people with varied interests, purposes and places (mostly around
 * the San Francisco Bay Area, a few elsewhere so distance matters), upcoming events, and a demo user
 * who can sign in (demo@example.com) with a matching profile.
 *
 * Data model:
 *   users/{uid}:  displayName, interests[], purposes[], location {city, region, country, lat, lng},
 *                 bio, discoverable
 *   events/{id}:  title, tags[], location {venue, city, region, country, lat, lng}, startsAt (Timestamp),
 *                 timeZone (IANA), attendeeCount (public fields only)
 *
 * Event times are wall-clock times in each event's zone, on days placed relative to the day the stack
 * starts: two on the coming weekend (so "Any events for me this weekend?" has an answer on any
 * weekday) and the rest on weekdays of the coming week.
 *   eventAttendees/{eventId}: attendeeIds[] (server-only: who attends is not public)
 *
 * Profiles also get what the matchProfileSync trigger would write (users/{uid}.match and the
 * prepared pool, features/matching/derived): the same function, run here, so matching works on a
 * freshly seeded stack whether or not the trigger is wired to the emulator.
 */
import type { Auth } from 'firebase-admin/auth';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import {
  addDays,
  daysUntilWeekday,
  instantOf,
  localMoment,
  weekdayOf,
  type CalendarDate,
} from '../src/lib/platform/time/index.js';
import { syncMatchFields } from '../src/lib/features/matching/derived/sync.js';
import { syncEventPoolEntry } from '../src/lib/features/matching/derived/event-sync.js';

export const DEMO_EMAIL = 'demo@example.com';
export const DEMO_PASSWORD = 'demo-password';

interface Place {
  city: string;
  region: string;
  country: string;
  lat: number;
  lng: number;
}

interface SeedUser {
  id: string;
  displayName: string;
  interests: string[];
  purposes: string[];
  location: Place;
  bio: string;
  discoverable: boolean;
}

/** When an event happens, relative to the day the stack starts, so the seed is always upcoming. */
type SeedDay =
  /** The Saturday or Sunday of "this weekend" in the event's zone (platform/time/phrases.ts). */
  | { weekend: 'saturday' | 'sunday' }
  /** The next such weekday strictly after today: 1 Monday ... 5 Friday. */
  | { weekday: 1 | 2 | 3 | 4 | 5 };

interface SeedEvent {
  id: string;
  title: string;
  tags: string[];
  location: Place & { venue: string };
  timeZone: string;
  day: SeedDay;
  /** Wall-clock start in the event's zone, HH:MM. */
  at: string;
  /** Written to eventAttendees/{id}; the event itself gets only attendeeCount. */
  attendeeIds: string[];
}

const SAN_FRANCISCO: Place = {
  city: 'San Francisco',
  region: 'California',
  country: 'US',
  lat: 37.7749,
  lng: -122.4194,
};
const OAKLAND: Place = { city: 'Oakland', region: 'California', country: 'US', lat: 37.8044, lng: -122.2712 };
const BERKELEY: Place = { city: 'Berkeley', region: 'California', country: 'US', lat: 37.8715, lng: -122.273 };
const SAN_JOSE: Place = { city: 'San Jose', region: 'California', country: 'US', lat: 37.3382, lng: -121.8863 };
const LOS_ANGELES: Place = { city: 'Los Angeles', region: 'California', country: 'US', lat: 34.0522, lng: -118.2437 };
const NEW_YORK: Place = { city: 'New York', region: 'New York', country: 'US', lat: 40.7128, lng: -74.006 };
const LONDON: Place = { city: 'London', region: 'England', country: 'GB', lat: 51.5074, lng: -0.1278 };

export const DEMO_PROFILE: Omit<SeedUser, 'id'> = {
  displayName: 'Demo User',
  interests: ['hiking', 'photography', 'coffee', 'board games', 'machine learning'],
  purposes: ['friendship', 'networking'],
  location: SAN_FRANCISCO,
  bio: 'Trying out the app locally. Likes long walks with a camera and a good espresso afterwards.',
  discoverable: true,
};

export const SEED_USERS: readonly SeedUser[] = [
  {
    id: 'seed-maya',
    displayName: 'Maya Chen',
    interests: ['hiking', 'photography', 'climbing', 'coffee'],
    purposes: ['friendship', 'activity partners'],
    location: OAKLAND,
    discoverable: true,
    bio: 'Weekend trail runner and film photographer. Always up for a sunrise hike.',
  },
  {
    id: 'seed-leo',
    displayName: 'Leo Martins',
    interests: ['machine learning', 'startups', 'coffee', 'chess'],
    purposes: ['networking', 'cofounder search'],
    location: SAN_FRANCISCO,
    discoverable: true,
    bio: 'ML engineer exploring a healthcare startup idea. Happy to talk shop over coffee.',
  },
  {
    id: 'seed-amara',
    displayName: 'Amara Okafor',
    interests: ['board games', 'cooking', 'jazz', 'photography'],
    purposes: ['friendship'],
    location: BERKELEY,
    discoverable: true,
    bio: 'Hosts a monthly board game night. Will trade recipes for game recommendations.',
  },
  {
    id: 'seed-sam',
    displayName: 'Sam Rivera',
    interests: ['cycling', 'hiking', 'climbing'],
    purposes: ['activity partners'],
    location: SAN_JOSE,
    discoverable: true,
    bio: 'Looking for weekday evening climbing partners and long weekend rides.',
  },
  {
    id: 'seed-ines',
    displayName: 'Inês Duarte',
    interests: ['design', 'startups', 'yoga', 'coffee'],
    purposes: ['networking', 'mentorship'],
    location: SAN_FRANCISCO,
    discoverable: true,
    bio: 'Product designer, mentors early-career designers. Morning yoga, afternoon espresso.',
  },
  {
    id: 'seed-kenji',
    displayName: 'Kenji Watanabe',
    interests: ['jazz', 'vinyl', 'cooking', 'chess'],
    purposes: ['friendship'],
    location: LOS_ANGELES,
    discoverable: true,
    bio: 'Record collector who cooks for friends every Sunday.',
  },
  {
    id: 'seed-priya',
    displayName: 'Priya Nair',
    interests: ['machine learning', 'running', 'photography'],
    purposes: ['networking', 'friendship'],
    location: NEW_YORK,
    discoverable: true,
    bio: 'Data scientist in New York, in the Bay Area often for conferences.',
  },
  {
    id: 'seed-tom',
    displayName: 'Tom Becker',
    interests: ['hiking', 'board games', 'coffee'],
    purposes: ['friendship'],
    location: LONDON,
    discoverable: false,
    bio: 'Private profile: not discoverable, so matching must never suggest him.',
  },
];

export const SEED_EVENTS: readonly SeedEvent[] = [
  {
    id: 'seed-sunrise-hike',
    title: 'Sunrise hike on Mount Tam',
    tags: ['hiking', 'photography', 'outdoors'],
    location: { ...SAN_FRANCISCO, venue: 'Pantoll Ranger Station', city: 'Mill Valley', lat: 37.9036, lng: -122.6045 },
    timeZone: 'America/Los_Angeles',
    day: { weekend: 'sunday' },
    at: '07:00',
    attendeeIds: ['seed-maya', 'seed-sam'],
  },
  {
    id: 'seed-photo-walk',
    title: 'Film photography walk',
    tags: ['photography', 'walking'],
    location: { ...OAKLAND, venue: 'Lake Merritt pergola' },
    timeZone: 'America/Los_Angeles',
    day: { weekend: 'saturday' },
    at: '10:00',
    attendeeIds: ['seed-maya', 'seed-amara'],
  },
  {
    id: 'seed-coffee-founders',
    title: 'Founders coffee morning',
    tags: ['startups', 'coffee', 'networking'],
    location: { ...SAN_FRANCISCO, venue: 'Mission coffee bar' },
    timeZone: 'America/Los_Angeles',
    day: { weekday: 2 },
    at: '08:30',
    attendeeIds: ['seed-leo', 'seed-ines'],
  },
  {
    id: 'seed-board-games',
    title: 'Board game night',
    tags: ['board games', 'social'],
    location: { ...BERKELEY, venue: "Amara's place" },
    timeZone: 'America/Los_Angeles',
    day: { weekday: 3 },
    at: '19:00',
    attendeeIds: ['seed-amara'],
  },
  {
    id: 'seed-ml-meetup',
    title: 'Applied ML meetup: evaluating LLM features',
    tags: ['machine learning', 'startups', 'networking'],
    location: { ...SAN_FRANCISCO, venue: 'SoMa co-working loft' },
    timeZone: 'America/Los_Angeles',
    day: { weekday: 4 },
    at: '18:30',
    attendeeIds: ['seed-leo', 'seed-ines'],
  },
  {
    id: 'seed-jazz-dinner',
    title: 'Jazz and dinner club',
    tags: ['jazz', 'cooking', 'music'],
    location: { ...LOS_ANGELES, venue: 'Little Tokyo supper club' },
    timeZone: 'America/Los_Angeles',
    day: { weekday: 5 },
    at: '20:00',
    attendeeIds: ['seed-kenji'],
  },
];

/** The local date a seed day falls on, seen from `today` (a local date in the event's zone). */
export function seedDate(day: SeedDay, today: CalendarDate): CalendarDate {
  if ('weekday' in day) return addDays(today, daysUntilWeekday(today, day.weekday, true));
  // The Sunday of "this weekend" (platform/time/phrases.ts): today on a Sunday, else the coming one.
  // On a Sunday its Saturday was yesterday: past, so never shown.
  const sunday = weekdayOf(today) === 0 ? today : addDays(today, daysUntilWeekday(today, 6, false) + 1);
  return day.weekend === 'sunday' ? sunday : addDays(sunday, -1);
}

/** The instant a seed event starts, for a stack started at `now`. */
export function seedStart(event: Pick<SeedEvent, 'day' | 'at' | 'timeZone'>, now: Date): Date {
  const today = localMoment(now.getTime(), event.timeZone).date;
  const [hour, minute] = event.at.split(':').map(Number);
  return new Date(instantOf({ ...seedDate(event.day, today), hour, minute }, event.timeZone));
}

/** Writes the demo people and events (ids are stable, so seeding twice overwrites, never duplicates). */
export async function seedDemoData(db: Firestore, now = new Date()): Promise<{ users: number; events: number }> {
  const batch = db.batch();
  for (const { id, ...profile } of SEED_USERS) batch.set(db.collection('users').doc(id), profile);
  for (const { id, day, at, attendeeIds, ...event } of SEED_EVENTS) {
    const startsAt = Timestamp.fromDate(seedStart({ day, at, timeZone: event.timeZone }, now));
    batch.set(db.collection('events').doc(id), { ...event, startsAt, attendeeCount: attendeeIds.length });
    batch.set(db.collection('eventAttendees').doc(id), { attendeeIds });
  }
  await batch.commit();
  for (const { id } of SEED_USERS) await syncMatchFields(db, id, { force: true });
  for (const { id } of SEED_EVENTS) await syncEventPoolEntry(db, id);
  return { users: SEED_USERS.length, events: SEED_EVENTS.length };
}

/** Creates (or reuses) the demo Auth user and writes its profile; returns its uid. */
export async function seedDemoUser(auth: Auth, db: Firestore): Promise<string> {
  const existing = await auth.getUserByEmail(DEMO_EMAIL).catch(() => undefined);
  const user =
    existing ??
    (await auth.createUser({ email: DEMO_EMAIL, password: DEMO_PASSWORD, displayName: DEMO_PROFILE.displayName }));
  await db.collection('users').doc(user.uid).set(DEMO_PROFILE);
  await syncMatchFields(db, user.uid, { force: true });
  return user.uid;
}
