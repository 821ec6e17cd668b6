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
 *
 * s3rver 3.7.1 lacks AbortMultipartUpload (it answers 405), so every aborted upload would leave its
 * parts behind. A small middleware answers it the way S3 does (drops the upload's parts), and the
 * on-disk state is exposed (pending multipart uploads, stored keys) so tests can check that nothing
 * was left behind.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
  /** Ids of multipart uploads neither completed nor aborted. */
  pendingMultipartUploads(): string[];
  /** Keys of the stored objects under `prefix`. */
  objectKeys(prefix?: string): string[];
  stop(): Promise<void>;
}

/** The slice of Koa's context the abort middleware needs. */
interface KoaContext {
  method: string;
  query: Record<string, string | undefined>;
  status: number;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/**
 * The part of s3rver's API we use (the package ships no types). Not run(): its listen() leaves
 * the server's 'error' event unhandled, so a taken port would crash the whole process. We create
 * the HTTP server ourselves around s3rver's Koa request handler instead.
 */
interface S3rverInstance {
  middleware: KoaMiddleware[];
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

  // s3rver keeps one directory per pending multipart upload, and each object as "<key>._S3rver_object".
  const bucketDir = path.join(dataDir, options.bucket);
  const uploadsDir = path.join(bucketDir, '._S3rver_uploads');
  /** AbortMultipartUpload (DELETE /bucket/key?uploadId=...) as S3 does it: drop the parts. */
  const abortMultipartUpload: KoaMiddleware = async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if (ctx.method !== 'DELETE' || !uploadId || !/^[0-9a-f]+$/.test(uploadId)) return next();
    rmSync(path.join(uploadsDir, uploadId), { recursive: true, force: true });
    ctx.status = 204;
  };
  s3rver.middleware.unshift(abortMultipartUpload); // Koa composes the middleware in callback()

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
    pendingMultipartUploads: () => listDir(uploadsDir),
    objectKeys: (prefix = '') => storedKeys(bucketDir).filter((key) => key.startsWith(prefix)),
    stop,
  };
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return []; // not created yet: nothing stored there
  }
}

const OBJECT_SUFFIX = '._S3rver_object';

function storedKeys(bucketDir: string, relative = ''): string[] {
  const keys: string[] = [];
  for (const entry of listDir(path.join(bucketDir, relative))) {
    const child = relative ? `${relative}/${entry}` : entry;
    if (entry.endsWith(OBJECT_SUFFIX)) keys.push(child.slice(0, -OBJECT_SUFFIX.length));
    else if (!entry.includes('._S3rver_')) keys.push(...storedKeys(bucketDir, child));
  }
  return keys;
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
