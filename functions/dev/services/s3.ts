/**
 * A local S3-compatible server (s3rver 3.7.1) on 127.0.0.1 for tests and the local stack, with its
 * data in a temporary directory that is removed on stop.
 *
 *   const s3 = await startS3({ bucket: 'media' });
 *   new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
 *     credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
 *     requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
 *
 * Clients must use `WHEN_REQUIRED` checksums: otherwise a streamed PutObject is sent aws-chunked and
 * s3rver stores the chunk framing as if it were the object's bytes.
 * s3rver runs in this process (it is light: a Koa app writing files); objects answer anonymous GETs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** s3rver accepts only these fixed credentials. */
export const S3RVER_ACCESS_KEY_ID = 'S3RVER';
export const S3RVER_SECRET_ACCESS_KEY = 'S3RVER';
const DEFAULT_REGION = 'us-east-1';

export interface StartS3Options {
  bucket: string;
  /** Fixed port on 127.0.0.1; by default the OS picks a free one. */
  port?: number;
  region?: string;
}

export interface S3Server {
  /** e.g. http://127.0.0.1:40123 (path-style: objects live at `${endpoint}/${bucket}/${key}`) */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/**
 * The part of s3rver's API we use (the package ships no types). Not run(): its listen() leaves
 * the server's 'error' event unhandled, so a taken port would crash the whole process. We create
 * the HTTP server ourselves around s3rver's Koa request handler instead.
 */
interface S3rverInstance {
  configureBuckets(): Promise<void>;
  callback(): RequestListener;
}
type S3rverConstructor = new (options: {
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
  vhostBuckets: boolean;
}) => S3rverInstance;

// Quarantined untyped import: s3rver has no type declarations; the cast names what we rely on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as S3rverConstructor;

/** Data dirs of servers not stopped yet, removed if the process exits first. */
const liveDataDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of liveDataDirs) rmSync(dir, { recursive: true, force: true });
});

export async function startS3(options: StartS3Options): Promise<S3Server> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 's3rver-dev-'));
  liveDataDirs.add(dataDir);
  const removeDataDir = (): void => {
    liveDataDirs.delete(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  };

  const s3rver = new S3rver({
    silent: true,
    directory: dataDir,
    configureBuckets: [{ name: options.bucket }],
    // Path-style only: virtual-host buckets would need DNS names for 127.0.0.1.
    vhostBuckets: false,
  });

  let httpServer: Server;
  let port: number;
  try {
    await s3rver.configureBuckets();
    httpServer = createServer(s3rver.callback());
    port = await listenOnLoopback(httpServer, options.port ?? 0);
  } catch (error) {
    removeDataDir();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const closing = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // SDK clients keep idle keep-alive sockets open; close() alone would wait for them.
      httpServer.closeAllConnections();
      await closing;
      removeDataDir();
    })();
    return stopped;
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: options.bucket,
    region: options.region ?? DEFAULT_REGION,
    accessKeyId: S3RVER_ACCESS_KEY_ID,
    secretAccessKey: S3RVER_SECRET_ACCESS_KEY,
    stop,
  };
}

function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
