// generateImage end to end, as deployed code runs it: the function mounted in-process (request
// layer, rate limit, Firestore record), the local Gemini-protocol server returning ONE SSE event
// with 40 MB of base64 (a 30 MiB image, 4K-class), uploaded into the local S3-compatible server.
// Beside it, the baseline most code would write: @google/genai generateContentStream + a
// whole-buffer PutObject of the same bytes. Each side runs in a fresh child process per
// concurrency level (1 and 8), measured by its peak RSS growth (maxRSS) over the measured requests;
// the Gemini server, S3 server and Firestore emulator run in processes of their own.
// Auth is the one stand-in: the bench uses a verifier that accepts its own token (no Auth emulator).
//
//   npx tsx bench/image-function.ts          (or run() from bench/run.ts)
import type { DecodedIdToken } from 'firebase-admin/auth';
import { runBenchChild } from './support/child.js';
import { formatMb, MB, memoryBaseline, peakRssGrowth } from './support/memory.js';

const RAW_IMAGE_BYTES = 30 * 1024 * 1024; // -> 41,943,040 base64 chars in one SSE event
const WARMUP_IMAGE_BYTES = 256 * 1024;
const BUCKET = 'bench-images';
const UID = 'bench-user';
const SINGLE_LIMIT_BYTES = 48 * MB;
const CONCURRENCY_LEVELS: readonly number[] = [1, 8];
type Side = 'function' | 'baseline';

export interface ImageFunctionRow {
  side: Side;
  concurrency: number;
  ok: boolean;
  seconds?: number;
  baselineRssBytes?: number;
  peakRssGrowthBytes?: number;
  imageBytes?: number;
  error?: string;
}

export interface ImageFunctionBench {
  bench: 'image-function';
  base64Chars: number;
  rows: ImageFunctionRow[];
  /** one request <= 48 MB; 8 concurrent <= 8 x 48 MB */
  withinLimits: boolean;
}

interface ChildResult {
  /** RSS of the warmed-up process before the measured requests (runtime + modules). */
  baselineRssBytes: number;
  seconds: number;
  peakRssGrowthBytes: number;
  imageBytes: number;
}

// ---------------------------------------------------------------- parent: orchestration

/** `sides`/`levels` narrow the run (e.g. while tuning); the default is the full comparison. */
export async function run(
  sides: readonly Side[] = ['function', 'baseline'],
  levels: readonly number[] = CONCURRENCY_LEVELS,
): Promise<ImageFunctionBench> {
  const { spawnGeminiServer } = await import('../dev/gemini-server/child.js');
  const { startS3 } = await import('./support/s3-child.js');
  const { startFirestore } = await import('../dev/services/firestore.js');
  const [gemini, s3, firestore] = await Promise.all([spawnGeminiServer(), startS3(BUCKET), startFirestore()]);
  const rows: ImageFunctionRow[] = [];
  try {
    for (const side of sides) {
      for (const concurrency of levels) {
        await gemini.control.reset();
        await gemini.control.queue(
          { name: 'warm-up', reply: { kind: 'content', parts: [{ type: 'image', imageBytes: WARMUP_IMAGE_BYTES }] } },
          {
            name: 'big',
            times: concurrency,
            reply: { kind: 'content', parts: [{ type: 'image', imageBytes: RAW_IMAGE_BYTES, delivery: 'whole' }] },
          },
        );
        const outcome = await runBenchChild<ChildResult>({
          script: 'image-function.ts',
          args: ['--side', side, '--concurrency', String(concurrency)],
          env: {
            BENCH_GEMINI_URL: gemini.url,
            BENCH_GEMINI_KEY: gemini.apiKey,
            BENCH_S3_ENDPOINT: s3.endpoint,
            BENCH_FIRESTORE_HOST: firestore.host,
          },
          timeoutMs: 600_000,
        });
        rows.push({
          side,
          concurrency,
          ok: outcome.ok,
          ...outcome.result,
          ...(outcome.ok
            ? {}
            : { error: `exit ${outcome.exitCode ?? outcome.signal}: ${outcome.stderrTail.slice(-600)}` }),
        });
      }
    }
  } finally {
    await Promise.allSettled([gemini.stop(), s3.stop(), firestore.stop()]);
  }
  const functionRow = (n: number) => rows.find((row) => row.side === 'function' && row.concurrency === n);
  const single = functionRow(1)?.peakRssGrowthBytes ?? Infinity;
  const concurrent = functionRow(8)?.peakRssGrowthBytes ?? Infinity;
  return {
    bench: 'image-function',
    base64Chars: Math.ceil(RAW_IMAGE_BYTES / 3) * 4,
    rows,
    withinLimits: single <= SINGLE_LIMIT_BYTES && concurrent <= 8 * SINGLE_LIMIT_BYTES,
  };
}

export function printImageFunctionBench(result: ImageFunctionBench): void {
  console.log(`generateImage end to end: ${(result.base64Chars / MB).toFixed(0)} MB of base64 in one SSE event -> S3`);
  console.log(
    'side'.padEnd(44),
    'requests'.padStart(8),
    'RSS before'.padStart(11),
    'peak RSS growth'.padStart(16),
    'per request'.padStart(12),
    'seconds'.padStart(8),
  );
  for (const row of result.rows) {
    const label =
      row.side === 'function' ? 'generateImage (streaming pipeline)' : 'baseline: genai stream + whole PutObject';
    const growth = row.peakRssGrowthBytes;
    console.log(
      label.padEnd(44),
      String(row.concurrency).padStart(8),
      (row.baselineRssBytes === undefined ? '' : formatMb(row.baselineRssBytes)).padStart(11),
      (growth === undefined ? 'failed' : formatMb(growth)).padStart(16),
      (growth === undefined ? '' : formatMb(growth / row.concurrency)).padStart(12),
      (row.seconds?.toFixed(1) ?? '').padStart(8),
    );
    if (row.error) console.log(`  error: ${row.error}`);
  }
  console.log(`limits (1 request <= 48 MB, 8 concurrent <= 384 MB): ${result.withinLimits ? 'met' : 'NOT met'}`);
}

// ---------------------------------------------------------------- children: one side each

async function runFunctionSide(concurrency: number): Promise<ChildResult> {
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
  });
  for (const name of ['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN']) delete process.env[name];
  const { createGenerateImageHandler } = await import('../src/handlers/generateImage.js');
  const { mountFunctions } = await import('../test/support/mount.js');
  const verifyIdToken = async (): Promise<DecodedIdToken> => ({ uid: UID, sub: UID }) as DecodedIdToken;
  const handler = createGenerateImageHandler({ verifyIdToken });
  const mounted = await mountFunctions({ generateImage: handler as never });
  const call = async (): Promise<number> => {
    const response = await fetch(mounted.url('generateImage'), {
      method: 'POST',
      headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a lighthouse at dawn', aspectRatio: '1:1', imageSize: '4K' }),
    });
    const body = (await response.json()) as { image?: { contentLength: number }; error?: unknown };
    if (response.status !== 200 || !body.image)
      throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.error)}`);
    return body.image.contentLength;
  };
  try {
    await call(); // warm-up: first-call compilation, connection pools, Firestore channel
    return await measure(concurrency, call);
  } finally {
    await mounted.close();
  }
}

async function runBaselineSide(concurrency: number): Promise<ChildResult> {
  const { GoogleGenAI } = await import('@google/genai');
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { createS3Client } = await import('../src/lib/platform/image-pipeline/s3-target.js');
  const ai = new GoogleGenAI({
    apiKey: process.env.BENCH_GEMINI_KEY,
    httpOptions: { baseUrl: process.env.BENCH_GEMINI_URL },
  });
  const s3 = createS3Client({
    region: 'us-east-1',
    endpoint: process.env.BENCH_S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  let counter = 0;
  const call = async (): Promise<number> => {
    const stream = await ai.models.generateContentStream({
      model: 'gemini-3.1-flash-image',
      contents: 'a lighthouse at dawn',
      config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '1:1', imageSize: '4K' } },
    });
    let image: Buffer | undefined;
    for await (const chunk of stream) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        if (part.inlineData?.data) image = Buffer.from(part.inlineData.data, 'base64');
      }
    }
    if (!image) throw new Error('no image');
    const key = `${UID}/baseline/${process.pid}-${++counter}.png`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: image, ContentType: 'image/png' }));
    return image.length;
  };
  await call(); // warm-up, as on the function side
  return measure(concurrency, call);
}

async function measure(concurrency: number, call: () => Promise<number>): Promise<ChildResult> {
  const baseline = memoryBaseline();
  const started = performance.now();
  const sizes = await Promise.all(Array.from({ length: concurrency }, call));
  const seconds = (performance.now() - started) / 1000;
  const peakRssGrowthBytes = peakRssGrowth(baseline);
  if (sizes.some((size) => size !== RAW_IMAGE_BYTES)) throw new Error(`unexpected image sizes ${sizes.join(',')}`);
  return { baselineRssBytes: baseline.rssBytes, seconds, peakRssGrowthBytes, imageBytes: sizes[0] };
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (require.main === module) {
  const side = argument('--side') as Side | undefined;
  const main = side
    ? (side === 'function' ? runFunctionSide : runBaselineSide)(Number(argument('--concurrency') ?? 1)).then((result) =>
        console.log(JSON.stringify(result)),
      )
    : run(
        (argument('--sides')?.split(',') as Side[] | undefined) ?? undefined,
        argument('--levels')?.split(',').map(Number),
      ).then((result) => {
        printImageFunctionBench(result);
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
