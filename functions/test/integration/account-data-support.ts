// Shared set-up of the data-rights tests: the functions mounted in-process on real HTTP (chat, images,
// matching, and the data functions), seeding a user's activity through them, and scans of every
// store: every Firestore document (recursively, orphans under deleted parents included), every S3
// object of the bucket and every Redis key.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Redis } from '@upstash/redis';
import { Timestamp, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import { expect } from 'vitest';
import { backfillEventPool, backfillMatchFields } from '../../src/lib/features/matching/index.js';
import { getDb } from '../../src/lib/platform/firebase.js';
import { createS3Client } from '../../src/lib/platform/image-pipeline/s3-target.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, type ServiceCoordinates, type SignedUpUser } from '../support/services.js';

export const DATA_FUNCTIONS = [
  'chatMessage',
  'generateImage',
  'matchUsers',
  'deleteAccount',
  'deleteConversation',
  'deleteImage',
  'exportData',
] as const;
export type DataFunction = (typeof DATA_FUNCTIONS)[number];

export interface DataHarness {
  services: ServiceCoordinates;
  mounted: MountedFunctions;
  db: Firestore;
  close(): Promise<void>;
}

export async function startDataHarness(): Promise<DataHarness> {
  const saved = { ...process.env };
  const services = applyServiceEnv();
  Object.assign(process.env, {
    RATE_LIMIT_PER_MINUTE: '10000',
    IMAGE_RATE_LIMIT_PER_MINUTE: '1000',
  });
  const mounted = await mountFunctions(await loadFunctions(DATA_FUNCTIONS, { matching: { sharedCache: false } }));
  return {
    services,
    mounted,
    db: getDb(),
    close: async () => {
      await mounted.close();
      process.env = saved;
    },
  };
}

export interface CallResult {
  status: number;
  json: any; // quarantined: asserted field by field
}

export async function call(
  h: DataHarness,
  name: DataFunction,
  user: Pick<SignedUpUser, 'idToken'>,
  body: unknown = {},
): Promise<CallResult> {
  const res = await fetch(h.mounted.url(name), {
    method: 'POST',
    headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  // The framework's own answers (malformed JSON, a JSON body that is not an object) are HTML.
  const json: unknown = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  return { status: res.status, json };
}

export const PLACE = { city: 'Oakland', region: 'California', country: 'US', lat: 37.8044, lng: -122.2712 };

/** Profiles for everyone (alike, so matching shows them to each other), the pool, and shared events. */
export async function seedWorld(db: Firestore, uids: readonly string[], now = Date.now()): Promise<void> {
  const batch = db.batch();
  uids.forEach((uid, i) =>
    batch.set(db.doc(`users/${uid}`), {
      displayName: `Person ${i}`,
      interests: ['hiking', 'jazz', 'coffee'],
      purposes: ['friendship'],
      location: PLACE,
      bio: `bio of ${uid}`,
    }),
  );
  for (const [index, id] of ['ev-a', 'ev-b'].entries()) {
    batch.set(db.doc(`events/${id}`), {
      title: `Jazz night ${index}`,
      tags: ['jazz'],
      location: PLACE,
      startsAt: Timestamp.fromMillis(now + (index + 2) * 86_400_000),
      attendeeCount: uids.length,
    });
    batch.set(db.doc(`eventAttendees/${id}`), { attendeeIds: [...uids] });
  }
  await batch.commit();
  await backfillMatchFields(db);
  await backfillEventPool(db);
}

/**
 * What one user does in the app, through the real functions: two chat turns (conversation, messages,
 * cached reply, usage, budget and rate-limit keys), one image (record, S3 object), a match request
 * (explanations cached under their uid), and a block of `blocks` (their own block list).
 */
export async function actAsUser(
  h: DataHarness,
  user: SignedUpUser,
  blocks: string,
): Promise<{ conversationId: string }> {
  const first = await call(h, 'chatMessage', user, { message: `hello from ${user.uid}` });
  expect(first.status).toBe(200);
  const second = await call(h, 'chatMessage', user, {
    conversationId: first.json.conversationId,
    message: 'and again',
  });
  expect(second.status).toBe(200);
  const image = await call(h, 'generateImage', user, { prompt: `a lighthouse for ${user.uid}`, aspectRatio: '1:1' });
  expect(image.status).toBe(200);
  expect((await call(h, 'matchUsers', user, { limit: 5 })).status).toBe(200);
  await h.db.doc(`users/${user.uid}/blocks/${blocks}`).set({ createdAt: Timestamp.now() });
  return { conversationId: first.json.conversationId as string };
}

export interface Scan {
  documents: number;
  /** Every document: path -> its data as JSON. */
  contents: Map<string, string>;
  /** Paths of documents whose path or data holds the needle. */
  documentsNaming: string[];
  objects: number;
  objectKeys: Set<string>;
  redisKeys: number;
  redisKeysNaming: string[];
}

/** Every document under `refs`, recursively; missing parents (orphans' ancestors) are walked, not counted. */
async function walk(db: Firestore, refs: DocumentReference[], visit: (path: string, json: string) => void) {
  for (let start = 0; start < refs.length; start += 200) {
    const chunk = refs.slice(start, start + 200);
    const snapshots = await db.getAll(...chunk);
    for (const snapshot of snapshots) if (snapshot.exists) visit(snapshot.ref.path, JSON.stringify(snapshot.data()));
    for (const ref of chunk) {
      for (const collection of await ref.listCollections()) await walk(db, await collection.listDocuments(), visit);
    }
  }
}

export async function scanStores(h: DataHarness, needle: string): Promise<Scan> {
  const scan: Scan = {
    documents: 0,
    contents: new Map(),
    documentsNaming: [],
    objects: 0,
    objectKeys: new Set(),
    redisKeys: 0,
    redisKeysNaming: [],
  };
  for (const collection of await h.db.listCollections()) {
    await walk(h.db, await collection.listDocuments(), (path, json) => {
      scan.documents++;
      scan.contents.set(path, json);
      if (path.includes(needle) || json.includes(needle)) scan.documentsNaming.push(path);
    });
  }
  const { s3, upstash } = h.services;
  const client = createS3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) scan.objectKeys.add(object.Key!);
    token = page.NextContinuationToken;
  } while (token);
  scan.objects = scan.objectKeys.size;
  if (upstash) {
    const redis = new Redis({ url: upstash.url, token: upstash.token });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, { match: '*', count: 1000 });
      scan.redisKeys += keys.length;
      scan.redisKeysNaming.push(...keys.filter((key) => key.includes(needle)));
      cursor = String(next);
    } while (cursor !== '0');
  }
  return scan;
}

/** The S3 keys of a user's images, from their records. */
export async function imageKeysOf(db: Firestore, uid: string): Promise<string[]> {
  const records = await db.collection('images').where('owner', '==', uid).get();
  return records.docs.map((doc) => doc.get('key') as string);
}

/** One line for the report: the scan's counts. */
export function describeScan(label: string, scan: Scan): string {
  return (
    `${label}: ${scan.documents} documents (${scan.documentsNaming.length} naming the uid), ` +
    `${scan.objects} S3 objects, ${scan.redisKeys} Redis keys (${scan.redisKeysNaming.length} naming the uid)`
  );
}

/** The documents that name `uid` and not `other`: what must be untouched by erasing `other`. */
export function documentsOnlyOf(scan: Scan, uid: string, other: string): Map<string, string> {
  return new Map(
    [...scan.contents].filter(
      ([path, json]) => (path.includes(uid) || json.includes(uid)) && !path.includes(other) && !json.includes(other),
    ),
  );
}
