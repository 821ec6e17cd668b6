/**
 * The backfill of matching's pools (derived/backfill.ts): every users/{uid} gets its `match` fields
 * and its prepared-pool entry (matchPool), exactly as the matchProfileSync trigger writes them, and
 * every event starting from today on gets its event-pool entry (matchEventPool), as matchEventSync
 * and matchAttendanceSync write them. `npm run deploy` runs it with --if-needed: once per pool layout
 * (MATCH_FIELDS_VERSION, the shard count), skipped after that. Idempotent (an up-to-date profile
 * costs one read and one pool write, an event two reads and one write).
 *
 *   cd functions
 *   GCLOUD_PROJECT=<project> npm run backfill:match                 # production (Application Default Credentials)
 *   FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 GCLOUD_PROJECT=demo-social-ai npm run backfill:match   # an emulator
 *
 * Options: --page-size=N (profiles or events per page, default 200); --if-needed (skip when the pools
 * were built for this layout). Prints progress and the counts.
 */
import { getDb } from '../src/lib/platform/firebase.js';
import { backfillPools } from '../src/lib/features/matching/derived/backfill.js';

function pageSize(argv: readonly string[]): number {
  const arg = argv.find((a) => a.startsWith('--page-size='));
  const value = arg === undefined ? 200 : Number(arg.slice('--page-size='.length));
  if (!Number.isInteger(value) || value < 1 || value > 1_000) throw new Error('--page-size must be 1-1000');
  return value;
}

async function main(): Promise<void> {
  const project = process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT;
  if (!project) throw new Error('Set GCLOUD_PROJECT (and FIRESTORE_EMULATOR_HOST for an emulator)');
  const target = process.env.FIRESTORE_EMULATOR_HOST ? `emulator ${process.env.FIRESTORE_EMULATOR_HOST}` : 'production';
  console.log(`backfilling users/*.match, matchPool and matchEventPool in ${project} (${target})`);
  const args = process.argv.slice(2);
  const result = await backfillPools(getDb(), {
    pageSize: pageSize(args),
    ifNeeded: args.includes('--if-needed'),
    onProgress: (what, done) => console.log(`  ${done} ${what}`),
  });
  if (result.skipped) console.log(`skipped: the pools are built for ${result.layout}`);
  else
    console.log(
      `done (${result.layout}): profiles ${JSON.stringify(result.profiles)}, events ${JSON.stringify(result.events)}`,
    );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
