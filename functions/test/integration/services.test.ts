// The shared integration services work as the code under test will use them: s3rver through the AWS
// SDK, the Firestore emulator through firebase-admin, Auth-emulator tokens through verifyIdToken,
// the Upstash REST endpoint through @upstash/redis, and the local Gemini server's key check.
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Redis } from '@upstash/redis';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore, Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyServiceEnv, clearFirestore, getServices, signUp } from '../support/services.js';
import { createS3Client } from '../../src/lib/platform/image-pipeline/s3-target.js';

let app: App;
const savedEnv = { ...process.env };

beforeAll(() => {
  const services = applyServiceEnv();
  app = initializeApp({ projectId: services.projectId }, 'services-test');
});
afterAll(async () => {
  await deleteApp(app);
  process.env = { ...savedEnv };
});

describe('s3rver', () => {
  const client = () => {
    const { s3 } = getServices();
    // The production client factory: its checksum settings keep s3rver from storing aws-chunked framing.
    return createS3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
  };

  it('round-trips bytes and content type, and serves the object to anonymous GETs', async () => {
    const { s3 } = getServices();
    const s3Client = client();
    const key = `services-test/${Date.now()}.bin`;
    const bytes = randomBytes(64 * 1024);
    await s3Client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: bytes, ContentType: 'image/png' }));

    const got = await s3Client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect(got.ContentType).toBe('image/png');
    expect(
      Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
    ).toEqual(bytes);

    const anonymous = await fetch(`${s3.endpoint}/${s3.bucket}/${key}`);
    expect(anonymous.status).toBe(200);
    expect(Buffer.from(await anonymous.arrayBuffer())).toEqual(bytes);
    s3Client.destroy();
  });

  it('answers 404 for a missing key', async () => {
    const { s3 } = getServices();
    const s3Client = client();
    await expect(s3Client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'no/such/key' }))).rejects.toMatchObject(
      { $metadata: { httpStatusCode: 404 } },
    );
    s3Client.destroy();
  });
});

describe('Firestore emulator', () => {
  it('stores and reads documents through firebase-admin, and clearFirestore() empties it', async () => {
    const db = getFirestore(app);
    const startsAt = Timestamp.fromMillis(Date.UTC(2030, 0, 2, 18, 30));
    const ref = db.collection('services-test').doc();
    await ref.set({ title: 'Board games', tags: ['games', 'social'], startsAt });

    const snapshot = await ref.get();
    expect(snapshot.data()).toEqual({ title: 'Board games', tags: ['games', 'social'], startsAt });
    const byTag = await db.collection('services-test').where('tags', 'array-contains', 'games').get();
    expect(byTag.docs.map((doc) => doc.id)).toContain(ref.id);

    await clearFirestore();
    expect((await ref.get()).exists).toBe(false);
  });
});

describe('Auth emulator', () => {
  it('issues ID tokens that verifyIdToken accepts, and rejects garbage', async () => {
    const user = await signUp();
    const decoded = await getAuth(app).verifyIdToken(user.idToken);
    expect(decoded.uid).toBe(user.uid);
    expect(decoded.email).toBe(user.email);

    await expect(getAuth(app).verifyIdToken('not.a.token')).rejects.toMatchObject({ code: 'auth/argument-error' });
  });

  it('gives every sign-up its own user', async () => {
    const [first, second] = await Promise.all([signUp(), signUp()]);
    expect(first.uid).not.toBe(second.uid);
    expect(first.email).not.toBe(second.email);
  });
});

describe('Upstash REST endpoint', () => {
  it.skipIf(!getServices().upstash)('runs commands for @upstash/redis with the provided token', async () => {
    const { upstash } = getServices();
    const redis = new Redis({ url: upstash?.url as string, token: upstash?.token as string });
    const key = `services-test:${Date.now()}`;
    await redis.set(key, { n: 1 }, { ex: 30 });
    expect(await redis.get(key)).toEqual({ n: 1 });

    const wrongToken = new Redis({ url: upstash?.url as string, token: 'wrong-token' });
    await expect(wrongToken.get(key)).rejects.toThrow();
  });
});

describe('local Gemini-protocol server', () => {
  const generate = (apiKey?: string) =>
    fetch(`${getServices().gemini.url}/v1beta/models/gemini-flash-latest:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-goog-api-key': apiKey } : {}) },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }),
    });

  it('answers with the provided key and refuses a wrong one', async () => {
    const ok = await generate(getServices().gemini.apiKey);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { candidates?: unknown[] };
    expect(body.candidates?.length).toBeGreaterThan(0);

    const refused = await generate('wrong-key');
    expect(refused.status).toBeGreaterThanOrEqual(400);
    await refused.body?.cancel();
  });
});
