// editImage with phone photos as input, as deployed code runs it: the function mounted in-process
// (request layer, input loading and normalization with sharp, the Gemini request, the S3 upload of
// the answer, the Firestore record). Inputs are JPEGs of 12 MP (4000 x 3000) and 48 MP (8000 x 6000)
// with photo-like detail (3.5 MB and 14 MB), by URL from the local S3-compatible server and as a
// data URI; the local Gemini-protocol server answers with a 1K image, so the figure is the input's.
// Each case runs in a fresh child process, measured by its peak RSS growth (maxRSS) over the measured
// requests. Target: one 48 MP request <= 160 MB above the warmed-up baseline; six at once (the image
// functions' concurrency) within the 1 GiB instance.
//
//   npx tsx bench/image-inputs.ts          (or run() from bench/run.ts)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecodedIdToken } from 'firebase-admin/auth';
import { runBenchChild } from './support/child.js';
import { formatMb, MB, memoryBaseline, peakRssGrowth } from './support/memory.js';

const BUCKET = 'bench-inputs';
const UID = 'bench-user';
const LIMIT_BYTES = 160 * MB;

interface Photo {
  name: '12mp' | '48mp';
  width: number;
  height: number;
}
const PHOTOS: readonly Photo[] = [
  { name: '12mp', width: 4000, height: 3000 },
  { name: '48mp', width: 8000, height: 6000 },
];

interface Case {
  photo: Photo['name'];
  via: 'url' | 'data-uri';
  concurrency: number;
}
const CASES: readonly Case[] = [
  { photo: '12mp', via: 'url', concurrency: 1 },
  { photo: '48mp', via: 'url', concurrency: 1 },
  { photo: '12mp', via: 'data-uri', concurrency: 1 },
  { photo: '48mp', via: 'data-uri', concurrency: 1 },
  { photo: '48mp', via: 'url', concurrency: 6 },
  { photo: '48mp', via: 'data-uri', concurrency: 6 },
];

export interface ImageInputRow extends Case {
  ok: boolean;
  photoBytes?: number;
  sentWidth?: number;
  sentHeight?: number;
  baselineRssBytes?: number;
  peakRssGrowthBytes?: number;
  seconds?: number;
  error?: string;
}

export interface ImageInputsBench {
  bench: 'image-inputs';
  rows: ImageInputRow[];
  /** every single request <= 160 MB above its baseline */
  withinLimits: boolean;
}

interface ChildResult {
  photoBytes: number;
  sentWidth: number;
  sentHeight: number;
  baselineRssBytes: number;
  peakRssGrowthBytes: number;
  seconds: number;
}

// ---------------------------------------------------------------- parent: orchestration

/** A JPEG with photo-like detail (fine noise, quality 88): about 1.2 bits per pixel, as phone photos. */
async function makePhoto(photo: Photo): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  const { width, height } = photo;
  const noise = await sharp({
    create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 14 } },
    limitInputPixels: false,
  })
    .jpeg({ quality: 95 })
    .toBuffer();
  return sharp(noise, { limitInputPixels: false }).jpeg({ quality: 88 }).toBuffer();
}

export async function run(cases: readonly Case[] = CASES): Promise<ImageInputsBench> {
  const { spawnGeminiServer } = await import('../dev/gemini-server/child.js');
  const { startS3 } = await import('./support/s3-child.js');
  const { startFirestore } = await import('../dev/services/firestore.js');
  const { createS3Client } = await import('../src/lib/platform/image-pipeline/s3-target.js');
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const [gemini, s3, firestore] = await Promise.all([spawnGeminiServer(), startS3(BUCKET), startFirestore()]);
  const directory = mkdtempSync(join(tmpdir(), 'image-inputs-'));
  const rows: ImageInputRow[] = [];
  try {
    const client = createS3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    for (const photo of PHOTOS) {
      const bytes = await makePhoto(photo);
      writeFileSync(join(directory, `${photo.name}.jpg`), bytes);
      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `uploads/${photo.name}.jpg`,
          Body: bytes,
          ContentType: 'image/jpeg',
        }),
      );
    }
    client.destroy();
    for (const item of cases) {
      await gemini.control.reset();
      await gemini.control.queue({
        name: 'edited',
        times: item.concurrency + 1, // and the warm-up
        reply: { kind: 'content', parts: [{ type: 'image', width: 1024, height: 768 }] },
      });
      const outcome = await runBenchChild<ChildResult>({
        script: 'image-inputs.ts',
        args: ['--photo', item.photo, '--via', item.via, '--concurrency', String(item.concurrency)],
        env: {
          BENCH_GEMINI_URL: gemini.url,
          BENCH_GEMINI_KEY: gemini.apiKey,
          BENCH_S3_ENDPOINT: s3.endpoint,
          BENCH_FIRESTORE_HOST: firestore.host,
          BENCH_PHOTO_DIR: directory,
        },
        timeoutMs: 300_000,
      });
      rows.push({
        ...item,
        ok: outcome.ok,
        ...outcome.result,
        ...(outcome.ok
          ? {}
          : { error: `exit ${outcome.exitCode ?? outcome.signal}: ${outcome.stderrTail.slice(-600)}` }),
      });
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await Promise.allSettled([gemini.stop(), s3.stop(), firestore.stop()]);
  }
  const singles = rows.filter((row) => row.concurrency === 1);
  return {
    bench: 'image-inputs',
    rows,
    withinLimits: singles.every((row) => row.ok && (row.peakRssGrowthBytes ?? Infinity) <= LIMIT_BYTES),
  };
}

export function printImageInputsBench(result: ImageInputsBench): void {
  console.log('editImage with a phone photo as input (sent at IMAGE_INPUT_MAX_SIDE, 1536 by default)');
  console.log(
    'photo'.padEnd(6),
    'via'.padEnd(9),
    'requests'.padStart(8),
    'JPEG'.padStart(9),
    'sent as'.padStart(11),
    'RSS before'.padStart(11),
    'peak RSS growth'.padStart(16),
    'per request'.padStart(12),
    'seconds'.padStart(8),
  );
  for (const row of result.rows) {
    const growth = row.peakRssGrowthBytes;
    console.log(
      row.photo.padEnd(6),
      row.via.padEnd(9),
      String(row.concurrency).padStart(8),
      (row.photoBytes === undefined ? '' : formatMb(row.photoBytes)).padStart(9),
      (row.sentWidth === undefined ? '' : `${row.sentWidth}x${row.sentHeight}`).padStart(11),
      (row.baselineRssBytes === undefined ? '' : formatMb(row.baselineRssBytes)).padStart(11),
      (growth === undefined ? 'failed' : formatMb(growth)).padStart(16),
      (growth === undefined ? '' : formatMb(growth / row.concurrency)).padStart(12),
      (row.seconds?.toFixed(2) ?? '').padStart(8),
    );
    if (row.error) console.log(`  error: ${row.error}`);
  }
  console.log(`limit (one request <= 160 MB above baseline): ${result.withinLimits ? 'met' : 'NOT met'}`);
}

// ---------------------------------------------------------------- child: one case

async function runCase(item: Case): Promise<ChildResult> {
  Object.assign(process.env, {
    GEMINI_BASE_URL: process.env.BENCH_GEMINI_URL,
    GEMINI_API_KEY: process.env.BENCH_GEMINI_KEY,
    S3_ENDPOINT: process.env.BENCH_S3_ENDPOINT,
    S3_BUCKET: BUCKET,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    FIRESTORE_EMULATOR_HOST: process.env.BENCH_FIRESTORE_HOST,
    GCLOUD_PROJECT: 'demo-bench',
    METADATA_SERVER_DETECTION: 'none',
    IMAGE_RATE_LIMIT_PER_MINUTE: '1000',
    DAILY_IMAGE_BUDGET: '0',
    IMAGE_SOURCE_ALLOW_LOOPBACK: 'true',
  });
  for (const name of ['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN']) delete process.env[name];
  const { createEditImageHandler } = await import('../src/handlers/editImage.js');
  const { mountFunctions } = await import('../test/support/mount.js');
  const verifyIdToken = async (): Promise<DecodedIdToken> => ({ uid: UID, sub: UID }) as DecodedIdToken;
  const mounted = await mountFunctions({ editImage: createEditImageHandler({ verifyIdToken }) as never });
  const photoPath = join(process.env.BENCH_PHOTO_DIR ?? '', `${item.photo}.jpg`);
  const photoBytes = readFileSync(photoPath).length;
  // The request body is built once, before the baseline: the client's copies (file, base64, JSON) are
  // not the function's memory, and the measured growth is the function's alone.
  const bodyOf = (image: string): Buffer =>
    Buffer.from(JSON.stringify({ image, editPrompt: 'make it look like dusk' }));
  const measuredBody = bodyOf(
    item.via === 'url'
      ? `${process.env.BENCH_S3_ENDPOINT}/${BUCKET}/uploads/${item.photo}.jpg`
      : `data:image/jpeg;base64,${readFileSync(photoPath).toString('base64')}`,
  );
  const call = async (body: Buffer): Promise<void> => {
    const response = await fetch(mounted.url('editImage'), {
      method: 'POST',
      headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
      body,
    });
    const answer = (await response.json()) as { image?: unknown; error?: unknown };
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(answer.error)}`);
  };
  try {
    // Warm-up with a small photo (module loading, libvips start-up, connection pools), so the measured
    // request is a fresh instance's first big one: nothing of a big photo is pooled before it.
    const sharp = (await import('sharp')).default;
    const small = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#468' } })
      .jpeg()
      .toBuffer();
    await call(bodyOf(`data:image/jpeg;base64,${small.toString('base64')}`));
    const baseline = memoryBaseline();
    const started = performance.now();
    await Promise.all(Array.from({ length: item.concurrency }, () => call(measuredBody)));
    const seconds = (performance.now() - started) / 1000;
    const peakRssGrowthBytes = peakRssGrowth(baseline);
    const sent = await sentSize(item.photo);
    return { photoBytes, ...sent, baselineRssBytes: baseline.rssBytes, peakRssGrowthBytes, seconds };
  } finally {
    await mounted.close();
  }
}

/** The size Gemini was sent, as the local Gemini server logged it. */
async function sentSize(photo: string): Promise<{ sentWidth: number; sentHeight: number }> {
  const { GeminiServerControl } = await import('../dev/gemini-server/control-client.js');
  const control = new GeminiServerControl(process.env.BENCH_GEMINI_URL ?? '');
  const [last] = (await control.requests({ action: 'streamGenerateContent' })).slice(-1);
  const sent = last?.body?.contents[0]?.inlineData[0];
  if (!sent?.width || !sent.height) throw new Error(`no image size logged for ${photo}`);
  return { sentWidth: sent.width, sentHeight: sent.height };
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (require.main === module) {
  const photo = argument('--photo') as Case['photo'] | undefined;
  const main = photo
    ? runCase({
        photo,
        via: (argument('--via') ?? 'url') as Case['via'],
        concurrency: Number(argument('--concurrency') ?? 1),
      }).then((result) => console.log(JSON.stringify(result)))
    : run().then((result) => {
        printImageInputsBench(result);
        console.log(JSON.stringify(result)); // the last line: the raw figures, for bench/run.ts
      });
  main.then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
