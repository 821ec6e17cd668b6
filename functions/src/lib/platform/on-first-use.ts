// Packages an instance need not load before its first request: the AWS SDK's S3 client and sharp
// (libvips), 130-200 ms each and needed by some requests only, and Upstash's Redis and rate-limit
// clients (about 13 ms), needed only where Redis is configured and only after a request's sign-in
// check. Each is loaded by the first call that needs it, and a request that will need one starts
// that load while it waits on its own I/O. And one that every request needs but firebase-admin loads
// only on the first Firestore call: its transport, google-gax (150-200 ms), which instance-warm-up.ts
// loads right after an instance's module load (bench/cold-start.ts measures all of it).
import { createRequire } from 'node:module';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as UpstashRatelimit from '@upstash/ratelimit';
import type * as UpstashRedis from '@upstash/redis';
import type Sharp from 'sharp';

let s3: typeof S3Sdk | undefined;
let sharpFactory: typeof Sharp | undefined;
let redisSdk: typeof UpstashRedis | undefined;
let ratelimitSdk: typeof UpstashRatelimit | undefined;

/** `@aws-sdk/client-s3`, loaded on the first call. */
export function s3Sdk(): typeof S3Sdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, and only when first needed
  return (s3 ??= require('@aws-sdk/client-s3') as typeof S3Sdk);
}

/**
 * sharp, loaded on the first call. libvips' operation cache stays off: nothing is reused across
 * requests here, and it would hold decoded pixels after a request is done.
 */
export function sharpLib(): typeof Sharp {
  if (!sharpFactory) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, and only when first needed
    sharpFactory = require('sharp') as typeof Sharp;
    sharpFactory.cache(false);
  }
  return sharpFactory;
}

/** `@upstash/redis`, loaded on the first call. */
export function upstashRedisSdk(): typeof UpstashRedis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, and only when first needed
  return (redisSdk ??= require('@upstash/redis') as typeof UpstashRedis);
}

/** `@upstash/ratelimit`, loaded on the first call. */
export function upstashRatelimitSdk(): typeof UpstashRatelimit {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, and only when first needed
  return (ratelimitSdk ??= require('@upstash/ratelimit') as typeof UpstashRatelimit);
}

/**
 * Loads google-gax as the Firestore client resolves it (firebase-admin -> @google-cloud/firestore ->
 * google-gax), so that its first call finds it in the module cache.
 */
export function firestoreTransport(): unknown {
  const admin = createRequire(require.resolve('firebase-admin/firestore'));
  return createRequire(admin.resolve('@google-cloud/firestore'))('google-gax');
}

/** Runs `load` once the event loop is free, so it overlaps the I/O a request is waiting on. */
export function loadSoon(load: () => unknown): void {
  setImmediate(() => {
    try {
      load();
    } catch {
      // The call that needs the package loads it again and reports the failure there.
    }
  });
}
