// What the spend controls add to one request, measured on the request layer mounted on real
// loopback HTTP (test/support/mount.ts) with a handler that does no upstream work:
//
// 1. Daily budget: the same endpoint without a budget, with `budget: 'tokens'` (GET before, one
//    INCRBY+EXPIREAT pipeline for the handler's charge) and with `budget: 'images'` (reservation, charge
//    covered by it), counting in a real redis-server behind the local Upstash REST endpoint; the one
//    users/{uid}/usage/{day} write per request goes to the Firestore emulator (and, to separate the
//    two, to a recorder that writes nothing). Redis commands per request are counted by the endpoint.
// 2. App Check: firebase-admin's real verifier with its keys cached (fetched once from a local JWKS
//    server, test/support/app-check.ts): verifyToken alone, and the endpoint with APP_CHECK=enforce vs
//    off. Replay protection (consume) adds one HTTP call; here it goes to 127.0.0.1, in production to
//    firebaseappcheck.googleapis.com, so only its count is meaningful, not its loopback latency.
// Figures are printed, not asserted. Run: npx tsx bench/spend-controls.ts (last line: JSON result).
import type { DecodedIdToken } from 'firebase-admin/auth';
import { z } from 'zod';
import { redisServerAvailable, startRedis } from '../dev/services/redis.js';
import { startUpstashRest } from '../dev/services/upstash-rest.js';
import { startFirestore } from '../dev/services/firestore.js';
import { firebaseAppCheckVerifier } from '../src/lib/platform/app-check/verifier.js';
import type { UsageRecorder } from '../src/lib/platform/budget/usage-record.js';
import { defineEndpoint, type EndpointDeps, type EndpointSpec } from '../src/lib/platform/http/index.js';
import { startLocalAppCheck } from '../test/support/app-check.js';
import { mountFunctions } from '../test/support/mount.js';
import { dropRequestLogs } from './support/quiet-logs.js';

const REQUESTS = 400;
const WARMUP = 40;
const VERIFICATIONS = 2000;

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] * 1000) / 1000;
}

const verifyIdToken: EndpointDeps['verifyIdToken'] = async (token) => ({ uid: token }) as DecodedIdToken;

async function main(): Promise<void> {
  if (!redisServerAvailable()) {
    console.log('redis-server is not installed (apt-get install -y redis-server): spend-controls bench skipped');
    console.log(JSON.stringify({ bench: 'spend-controls', skipped: 'no redis-server' }));
    return;
  }
  dropRequestLogs();
  const firestore = await startFirestore();
  const redis = await startRedis();
  let commands = 0;
  const rest = await startUpstashRest({ redisUrl: redis.url, token: 'bench', onCommand: () => void commands++ });
  const appCheck = await startLocalAppCheck({ projectId: 'demo-bench' });
  Object.assign(process.env, {
    FIRESTORE_EMULATOR_HOST: firestore.host,
    GCLOUD_PROJECT: 'demo-bench',
    METADATA_SERVER_DETECTION: 'none',
    UPSTASH_REDIS_REST_URL: rest.url,
    UPSTASH_REDIS_REST_TOKEN: rest.token,
    DAILY_TOKEN_BUDGET: '100000000',
    DAILY_IMAGE_BUDGET: '100000',
    APP_CHECK: 'off',
  });
  const admin = appCheck.adminApp();
  const verifier = firebaseAppCheckVerifier(() => admin);
  const noUsage: UsageRecorder = { record: async () => undefined };

  const body = z.object({ n: z.number() });
  type Spec = EndpointSpec<typeof body, undefined, undefined>;
  const base = { method: 'POST', body, rateLimit: false, appCheck: false } as const;
  const make = (spec: Partial<Spec>, deps: Partial<EndpointDeps> = {}) =>
    defineEndpoint({ ...base, name: 'bench', handle: () => ({ ok: true }), ...spec } as Spec, {
      verifyIdToken,
      appCheckVerifier: verifier,
      ...deps,
    });
  const chargeTokens: Spec['handle'] = async ({ scope: { budget } }) => {
    await budget.chargeTokens(1500);
    return { ok: true };
  };
  const chargeImage: Spec['handle'] = async ({ scope: { budget } }) => {
    await budget.chargeImages(1);
    return { ok: true };
  };
  const mounted = await mountFunctions({
    plain: make({}),
    tokens: make({ budget: 'tokens', handle: chargeTokens }),
    tokensNoUsage: make({ budget: 'tokens', handle: chargeTokens }, { usageRecorder: noUsage }),
    images: make({ budget: 'images', handle: chargeImage }),
    imagesNoUsage: make({ budget: 'images', handle: chargeImage }, { usageRecorder: noUsage }),
    appChecked: make({ appCheck: true }),
    appCheckedConsume: make({ appCheck: { replayProtected: true } }),
  });

  let user = 0;
  interface Figures {
    p50Ms: number;
    redisCommandsPerRequest: number;
  }
  /**
   * Round robin over the variants (one request of each in turn, each by a new uid: no warm per-user
   * state), so drift (JIT, emulator warm-up) affects all alike. p50 ms and Redis commands per request.
   */
  async function measure(
    variants: Array<{ name: string; headers?: () => Record<string, string> }>,
  ): Promise<Record<string, Figures>> {
    const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    const counted = new Map<string, number>(variants.map((v) => [v.name, 0]));
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      for (const { name, headers } of variants) {
        // Built before the clock starts: minting (signing) a token is the client's cost, not ours.
        const requestHeaders = {
          authorization: `Bearer bench-${++user}`,
          'content-type': 'application/json',
          ...headers?.(),
        };
        const before = commands;
        const started = performance.now();
        const res = await fetch(mounted.url(name), {
          method: 'POST',
          headers: requestHeaders,
          body: '{"n":1}',
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
        if (i < WARMUP) continue;
        times.get(name)!.push(performance.now() - started);
        counted.set(name, counted.get(name)! + commands - before);
      }
    }
    return Object.fromEntries(
      variants.map(({ name }) => [
        name,
        { p50Ms: p50(times.get(name)!), redisCommandsPerRequest: counted.get(name)! / REQUESTS },
      ]),
    );
  }

  const { plain, tokens, tokensNoUsage, images, imagesNoUsage } = await measure(
    ['plain', 'tokens', 'tokensNoUsage', 'images', 'imagesNoUsage'].map((name) => ({ name })),
  );

  // App Check: verifyToken alone with cached keys (tokens minted beforehand: signing is the client's cost).
  const tokensToVerify = Array.from({ length: VERIFICATIONS + 100 }, () => appCheck.mint());
  const verifyTimes: number[] = [];
  for (const [i, token] of tokensToVerify.entries()) {
    const started = performance.now();
    await verifier.verify(token, { consume: false });
    if (i >= 100) verifyTimes.push(performance.now() - started);
  }
  // APP_CHECK is read per request: 'plain' (appCheck: false) is the baseline in the same round robin.
  process.env.APP_CHECK = 'enforce';
  process.env.APP_CHECK_REPLAY_PROTECTION = 'true';
  const consumeBefore = appCheck.requests.consume;
  const token = () => ({ 'x-firebase-appcheck': appCheck.mint() });
  const checked = await measure([
    { name: 'plain' },
    { name: 'appChecked', headers: token },
    { name: 'appCheckedConsume', headers: token },
  ]);
  const consumeCallsPerRequest = (appCheck.requests.consume - consumeBefore) / (WARMUP + REQUESTS);
  const { appChecked, appCheckedConsume } = checked;
  const appCheckOff = checked.plain;

  const added = (x: { p50Ms: number }, y: { p50Ms: number }) => Math.round((x.p50Ms - y.p50Ms) * 1000) / 1000;
  const rows: Array<[string, number, string, string]> = [
    ['no budget (baseline)', plain.p50Ms, '', String(plain.redisCommandsPerRequest)],
    [
      'tokens: check + 1 charge + usage doc',
      tokens.p50Ms,
      `+${added(tokens, plain)}`,
      String(tokens.redisCommandsPerRequest),
    ],
    [
      'tokens, no usage doc write',
      tokensNoUsage.p50Ms,
      `+${added(tokensNoUsage, plain)}`,
      String(tokensNoUsage.redisCommandsPerRequest),
    ],
    ['images: reserve + usage doc', images.p50Ms, `+${added(images, plain)}`, String(images.redisCommandsPerRequest)],
    [
      'images, no usage doc write',
      imagesNoUsage.p50Ms,
      `+${added(imagesNoUsage, plain)}`,
      String(imagesNoUsage.redisCommandsPerRequest),
    ],
    ['App Check not checked (baseline)', appCheckOff.p50Ms, '', ''],
    ['App Check enforce (cached keys)', appChecked.p50Ms, `+${added(appChecked, appCheckOff)}`, ''],
    [
      'App Check enforce + consume (loopback)',
      appCheckedConsume.p50Ms,
      `+${added(appCheckedConsume, appCheckOff)}`,
      '',
    ],
  ];
  console.log(`${REQUESTS} sequential requests per row (after ${WARMUP} warm-up), each by a new uid; p50 in ms`);
  console.log('| request | p50 ms | added p50 ms | Redis commands / request |');
  console.log('|---|---|---|---|');
  for (const [name, p, add, cmds] of rows) console.log(`| ${name} | ${p} | ${add} | ${cmds} |`);
  console.log(
    `verifyToken alone, keys cached: p50 ${p50(verifyTimes)} ms over ${VERIFICATIONS} tokens; ` +
      `JWKS fetched ${appCheck.requests.jwks} time(s); consume: ${consumeCallsPerRequest} App Check API call(s) per request`,
  );

  await mounted.close();
  await appCheck.stop();
  await rest.stop();
  await redis.stop();
  await firestore.stop();
  console.log(
    JSON.stringify({
      bench: 'spend-controls',
      requests: REQUESTS,
      budget: { plain, tokens, tokensNoUsage, images, imagesNoUsage },
      budgetAddedP50Ms: {
        tokens: added(tokens, plain),
        images: added(images, plain),
        tokensNoUsage: added(tokensNoUsage, plain),
      },
      appCheck: {
        verifyTokenP50Ms: p50(verifyTimes),
        jwksFetches: appCheck.requests.jwks,
        endpointAddedP50Ms: added(appChecked, appCheckOff),
        consumeAddedP50MsLoopback: added(appCheckedConsume, appCheckOff),
        consumeCallsPerRequest,
      },
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
