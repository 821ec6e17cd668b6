// S3 failing in the middle of an image upload, for real: generateImage in-process, the local Gemini
// server sending a 12 MB image (a multipart upload), and s3rver behind a TCP proxy (fault-proxy.ts)
// that stalls (connections open, no byte moving) or crashes (connections reset, new ones refused)
// once 2 MB of the first part went up. Each test asserts what the client receives, what is stored
// (no record, no object, and the pending multipart upload gone once S3 is back), and recovery.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import type { Scenario } from '../../dev/gemini-server/types.js';
import { getDb } from '../../src/lib/platform/firebase.js';
import { CLEANUP_RETRY_DELAYS_MS } from '../../src/lib/platform/image-pipeline/s3-cleanup.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { loadFunctions } from '../support/functions.js';
import { mountFunctions, type MountedFunctions } from '../support/mount.js';
import { applyServiceEnv, signUp, type SignedUpUser } from '../support/services.js';
import { readSse, startInspectableS3, type InspectableS3, type ReceivedSseEvent } from './images-support.js';

const BUCKET = 'faults-s3';
const IMAGE_TIMEOUT_SECONDS = 6;
let s3: InspectableS3;
let proxy: FaultProxy;
let functions: MountedFunctions;
let gemini: GeminiServerControl;
let user: SignedUpUser;

const bigImage: Scenario = {
  reply: { kind: 'content', parts: [{ type: 'image', imageBytes: 12_000_000 }] },
};
const smallImage: Scenario = {
  reply: { kind: 'content', parts: [{ type: 'image', imageBytes: 50_000 }] },
};

beforeAll(async () => {
  const services = applyServiceEnv();
  gemini = new GeminiServerControl(services.gemini.url);
  s3 = await startInspectableS3(BUCKET);
  const target = new URL(s3.endpoint);
  proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port) });
  Object.assign(process.env, {
    S3_ENDPOINT: proxy.url,
    S3_BUCKET: BUCKET,
    IMAGE_RATE_LIMIT_PER_MINUTE: '1000',
    DAILY_IMAGE_BUDGET: '0',
    IMAGE_TIMEOUT_SECONDS: String(IMAGE_TIMEOUT_SECONDS),
    IMAGE_MODEL_TIMEOUTS: 'not-this-model=60',
  });
  functions = await mountFunctions(await loadFunctions(['generateImage']));
});

afterAll(async () => {
  await functions?.close();
  await proxy?.close();
  await s3?.stop();
});

beforeEach(async () => {
  await gemini.reset();
  user = await signUp();
});

async function streamImage(): Promise<{ events: ReceivedSseEvent[]; ms: number; status: number }> {
  const started = Date.now();
  const response = await fetch(functions.url('generateImage'), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${user.idToken}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: JSON.stringify({ prompt: 'a lighthouse at dawn', aspectRatio: '1:1' }),
    signal: AbortSignal.timeout(60_000),
  });
  const events = await readSse(response);
  return { events, ms: Date.now() - started, status: response.status };
}

async function recordsOf(uid: string): Promise<number> {
  return (await getDb().collection('images').where('owner', '==', uid).get()).size;
}

/** Polls until nothing is pending in s3rver (bounded), and says so. */
async function noPendingUploads(withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (s3.pendingMultipartUploads().length === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return s3.pendingMultipartUploads().length === 0;
}

describe('S3 stalls in the middle of an upload', () => {
  it('ends the job with an error event within IMAGE_TIMEOUT_SECONDS while S3 is still stalled; the abort goes through once S3 is back', async () => {
    const objectsBefore = s3.objectKeys();
    await gemini.queue(bigImage);
    const stalled = proxy.stallAfterUpstreamBytes(2_000_000);
    const { events, ms } = await streamImage();
    await stalled;
    // What the client got, while S3 still held every connection open without moving a byte.
    expect(proxy.stalled).toBe(true);
    expect(events[0].event).toBe('start');
    expect(events.map((event) => event.event)).not.toContain('done');
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'upstream_timeout', status: 504 } });
    console.log(`S3 stalled mid-upload: error event after ${ms} ms (IMAGE_TIMEOUT_SECONDS ${IMAGE_TIMEOUT_SECONDS})`);
    // Stored: no record, no object; the multipart upload is still pending (S3 could not take the abort).
    expect(await recordsOf(user.uid)).toBe(0);
    expect(s3.objectKeys()).toEqual(objectsBefore);
    expect(s3.pendingMultipartUploads()).toHaveLength(1);

    // S3 comes back: the pending abort is retried (first background retry at 5 s), and the next request works.
    proxy.resume();
    expect(await noPendingUploads(CLEANUP_RETRY_DELAYS_MS[0] + 15_000)).toBe(true);
    await gemini.queue(smallImage);
    const again = await streamImage();
    expect(again.events.at(-1)?.event).toBe('done');
    expect(await recordsOf(user.uid)).toBe(1);
  }, 90_000);
});

describe('S3 crashes in the middle of an upload', () => {
  it('answers 503 storage_unavailable at once, and the next request after S3 returns aborts the orphaned upload', async () => {
    const objectsBefore = s3.objectKeys();
    await gemini.queue(bigImage);
    const crashed = proxy.crashAfterUpstreamBytes(2_000_000);
    const { events, ms } = await streamImage();
    await crashed;
    expect(events[0].event).toBe('start');
    expect(events.map((event) => event.event)).not.toContain('done');
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'storage_unavailable', status: 503 } });
    console.log(`S3 crashed mid-upload: error event after ${ms} ms`);
    expect(await recordsOf(user.uid)).toBe(0);
    expect(s3.objectKeys()).toEqual(objectsBefore);
    // AbortMultipartUpload could not reach S3: the upload is left pending, for now.
    expect(s3.pendingMultipartUploads()).toHaveLength(1);

    // S3 is back. The next image request retries the pending abort before its own upload.
    await proxy.restore();
    await gemini.queue(smallImage);
    const again = await streamImage();
    expect(again.events.at(-1)?.event).toBe('done');
    expect(await noPendingUploads(5_000)).toBe(true);
    expect(await recordsOf(user.uid)).toBe(1);
  }, 90_000);
});
