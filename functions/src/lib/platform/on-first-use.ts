// Packages that take an instance 130-200 ms each to load and that only some requests need: the AWS
// SDK's S3 client and sharp (libvips). They are loaded by the first call that needs them, not at cold
// start, and an endpoint that will need them starts that load while its request waits on its own reads
// (bench/cold-start.ts measures both).
import type * as S3Sdk from '@aws-sdk/client-s3';
import type Sharp from 'sharp';

let s3: typeof S3Sdk | undefined;
let sharpFactory: typeof Sharp | undefined;

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
