// A user's data at scale: accounts of 10,000 and 50,000 messages (conversations of 1,000) with 200
// and 1,000 images (records and objects), on the official Firestore emulator and a local S3 server in
// a process of its own. Each measurement runs in a fresh process of its own (a clean heap and RSS
// high-water mark, bench/support/memory.ts), against the accounts this process seeded:
//   exportData   the streamed export over real loopback HTTP, through the request layer (the client
//                counts the bytes and drops them): peak RSS growth, bytes, time
//   erasure      eraseAccount for the same account: peak RSS growth, time, counts
// Two sizes show whether memory follows the account's size. V8 collects lazily, so peak RSS also
// holds garbage; the largest account is measured again with the old space capped at HEAP_CAP_MB
// (the modules alone take ~42 MB of heap): finishing there shows what stays alive is bounded.
// Figures are printed, not asserted. Run: npx tsx bench/account-data.ts (last line: JSON result).
import { execFile } from 'node:child_process';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { DecodedIdToken } from 'firebase-admin/auth';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { startFirestore } from '../dev/services/firestore.js';
import { mountFunctions, type MountableFunction } from '../test/support/mount.js';
import { formatMb, memoryBaseline, peakRssGrowth } from './support/memory.js';
import { startS3 } from './support/s3-child.js';
import { dropRequestLogs } from './support/quiet-logs.js';

const ACCOUNTS = [
  { uid: 'bench-user-10k', conversations: 10, images: 200 },
  { uid: 'bench-user-50k', conversations: 50, images: 1000 },
];
const HEAP_CAP_MB = 72;
const MESSAGES_PER_CONVERSATION = 1000;
const TEXT = 'Let us meet at the jazz jam on Friday; I will bring the sheet music and a thermos of coffee. '.repeat(2);

async function seedAccount(
  db: Firestore,
  put: (key: string) => Promise<void>,
  bucket: string,
  account: (typeof ACCOUNTS)[number],
): Promise<void> {
  const { uid } = account;
  await db.doc(`users/${uid}`).set({ displayName: 'Bench', interests: ['jazz'], purposes: ['friendship'] });
  const now = Date.now();
  for (let c = 0; c < account.conversations; c++) {
    const conversation = db.collection('conversations').doc(`${uid}-c${String(c).padStart(3, '0')}`);
    await conversation.set({
      ownerId: uid,
      createdAt: Timestamp.fromMillis(now),
      lastMessagePreview: TEXT.slice(0, 140),
    });
    for (let start = 0; start < MESSAGES_PER_CONVERSATION; start += 500) {
      const batch = db.batch();
      for (let m = start; m < start + 500; m++) {
        const assistant = m % 2 === 1;
        batch.set(conversation.collection('messages').doc(`m${String(m).padStart(5, '0')}${assistant ? 'a' : 'u'}`), {
          role: assistant ? 'assistant' : 'user',
          text: TEXT,
          status: 'complete',
          createdAt: Timestamp.fromMillis(now + m),
          ...(assistant ? { model: 'gemini-bench', usage: { totalTokens: 300 }, finishReason: 'STOP' } : {}),
        });
      }
      await batch.commit();
    }
  }
  for (let start = 0; start < account.images; start += 100) {
    const batch = db.batch();
    const puts: Promise<void>[] = [];
    for (let i = start; i < start + 100; i++) {
      const key = `generated-images/${uid}-${i}.png`;
      puts.push(put(key));
      batch.set(db.collection('images').doc(`${uid}-img-${i}`), {
        owner: uid,
        kind: 'generate',
        prompt: `a lighthouse number ${i}`,
        model: 'bench',
        bucket,
        key,
        url: `http://127.0.0.1/${bucket}/${key}`,
        width: 64,
        height: 64,
        format: 'png',
        contentType: 'image/png',
        contentLength: 512,
        createdAt: Timestamp.fromMillis(now),
      });
    }
    await Promise.all(puts);
    await batch.commit();
  }
}

function exportRow(label: string, exported: Measurement): string {
  const megabytes = (Number(exported.bytes) / 1024 / 1024).toFixed(1);
  return `| ${label} | exportData: HTTP ${String(exported.status)}, ${megabytes} MB of JSON, ${String(exported.messages)} messages, complete ${String(exported.complete)} | ${(exported.ms / 1000).toFixed(1)} s | ${formatMb(exported.peakRssGrowthBytes)} |`;
}

interface Measurement {
  ms: number;
  peakRssGrowthBytes: number;
  [key: string]: unknown;
}

/** In a child process: one measured piece of work on one seeded account. */
async function measure(work: 'export' | 'erase', uid: string): Promise<Measurement> {
  dropRequestLogs();
  const { getConfig } = await import('../src/lib/platform/config/index.js');
  const { accountDataDeps, accountExportDeps, eraseAccount } = await import('../src/lib/account-data/index.js');
  const { createExportDataHandler } = await import('../src/handlers/exportData.js');
  const { createLogger } = await import('../src/lib/platform/logging.js');
  const { getDb } = await import('../src/lib/platform/firebase.js');
  await getDb().doc(`users/${uid}`).get(); // the Firestore client is connected before the baseline
  if (work === 'erase') {
    const baseline = memoryBaseline();
    const started = performance.now();
    const counts = await eraseAccount(accountDataDeps(getConfig()), uid, {
      source: 'operator',
      log: createLogger({ bench: 'account-data' }),
    });
    return {
      ms: performance.now() - started,
      peakRssGrowthBytes: peakRssGrowth(baseline),
      baselineHeapBytes: baseline.heapUsedBytes,
      counts,
    };
  }
  const verifyIdToken = async (): Promise<DecodedIdToken> => ({ uid, sub: uid, auth_time: 0 }) as DecodedIdToken;
  // No Auth backend here: the account section is empty; everything else is the production path.
  const handler = createExportDataHandler({ verifyIdToken }, () => ({
    ...accountExportDeps(),
    authUser: async () => undefined,
  }));
  const mounted = await mountFunctions({ exportData: handler as unknown as MountableFunction });
  const baseline = memoryBaseline();
  const started = performance.now();
  const res = await fetch(mounted.url('exportData'), { headers: { authorization: 'Bearer bench' } });
  let bytes = 0;
  let messages = 0;
  let tail = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    const text = tail + decoder.decode(chunk, { stream: true });
    messages += text.split('"role":').length - tail.split('"role":').length;
    tail = text.slice(-16);
  }
  const result = {
    ms: performance.now() - started,
    peakRssGrowthBytes: peakRssGrowth(baseline),
    baselineHeapBytes: baseline.heapUsedBytes,
    status: res.status,
    bytes,
    messages,
    complete: tail.endsWith('"complete":true}'),
  };
  await mounted.close();
  return result;
}

function runChild(
  work: 'export' | 'erase',
  uid: string,
  env: NodeJS.ProcessEnv,
  heapCapMb?: number,
): Promise<Measurement> {
  const cap = heapCapMb === undefined ? [] : [`--max-old-space-size=${heapCapMb}`];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...cap, '--expose-gc', '--import', 'tsx', __filename, '--measure', work, uid],
      { env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        const line = stdout.split('\n').find((l) => l.startsWith('{"measured"'));
        if (error || !line) reject(error ?? new Error(`no result from the ${work} child: ${stdout.slice(-500)}`));
        else resolve((JSON.parse(line) as { measured: Measurement }).measured);
      },
    );
  });
}

async function main(): Promise<void> {
  dropRequestLogs();
  const firestore = await startFirestore();
  const s3 = await startS3('bench-account-data');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FIRESTORE_EMULATOR_HOST: firestore.host,
    GCLOUD_PROJECT: 'demo-bench',
    METADATA_SERVER_DETECTION: 'none',
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    UPSTASH_REDIS_REST_URL: '',
    UPSTASH_REDIS_REST_TOKEN: '',
    AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
  };
  Object.assign(process.env, env);
  try {
    const { getDb } = await import('../src/lib/platform/firebase.js');
    const { createS3Client } = await import('../src/lib/platform/image-pipeline/s3-target.js');
    const db = getDb();
    const client = createS3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const png = Buffer.alloc(512, 7);
    const put = async (key: string) =>
      void (await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: png })));
    const rows: string[] = [];
    const results: Record<string, unknown> = {};
    for (const [index, account] of ACCOUNTS.entries()) {
      const started = Date.now();
      await seedAccount(db, put, s3.bucket, account);
      const messages = account.conversations * MESSAGES_PER_CONVERSATION;
      console.log(
        `seeded ${messages} messages and ${account.images} images in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      const last = index === ACCOUNTS.length - 1;
      const label = `${messages} messages, ${account.images} images`;
      const exported = await runChild('export', account.uid, env);
      rows.push(exportRow(label, exported));
      const capped = last ? await runChild('export', account.uid, env, HEAP_CAP_MB) : undefined;
      if (capped) rows.push(exportRow(`${label}, heap capped at ${HEAP_CAP_MB} MB`, capped));
      const erased = await runChild('erase', account.uid, env, last ? HEAP_CAP_MB : undefined);
      const left = (await db.collection('images').where('owner', '==', account.uid).count().get()).data().count;
      rows.push(
        `| ${label}${last ? `, heap capped at ${HEAP_CAP_MB} MB` : ''} | erasure: ${JSON.stringify(erased.counts)}; ${left} image records left | ${(erased.ms / 1000).toFixed(1)} s | ${formatMb(erased.peakRssGrowthBytes)} |`,
      );
      results[`${messages}`] = { export: exported, ...(capped ? { exportHeapCapped: capped } : {}), erasure: erased };
    }
    console.log('| account | work | time | peak RSS growth |');
    console.log('|---|---|---|---|');
    for (const row of rows) console.log(row);
    console.log(JSON.stringify({ bench: 'account-data', results }));
  } finally {
    await s3.stop();
    await firestore.stop();
  }
}

const measureAt = process.argv.indexOf('--measure');
const run =
  measureAt === -1
    ? main()
    : measure(process.argv[measureAt + 1] as 'export' | 'erase', process.argv[measureAt + 2]).then((measured) =>
        console.log(JSON.stringify({ measured })),
      );
void run.then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
