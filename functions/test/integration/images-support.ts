// Support for the image integration tests: an s3rver of their own (so its on-disk state can be
// inspected) with S3's AbortMultipartUpload, which s3rver 3.7.1 lacks (it answers 405). Pending
// multipart uploads are then visible on disk (s3rver keeps one directory per upload).
// Plus: an SSE reader for the functions' progress streams.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

interface KoaContext {
  method: string;
  query: Record<string, string | undefined>;
  status: number;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInstance {
  middleware: KoaMiddleware[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
// Quarantined untyped import (s3rver ships no type declarations).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as S3rverConstructor;

export interface InspectableS3 {
  endpoint: string;
  bucket: string;
  /** Ids of multipart uploads neither completed nor aborted. */
  pendingMultipartUploads(): string[];
  /** Keys of stored objects under `prefix`. */
  objectKeys(prefix?: string): string[];
  stop(): Promise<void>;
}

export async function startInspectableS3(bucket: string): Promise<InspectableS3> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'images-s3-'));
  const uploadsDir = path.join(dataDir, bucket, '._S3rver_uploads');
  const abortMultipart: KoaMiddleware = async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if (ctx.method !== 'DELETE' || !uploadId || !/^[0-9a-f]+$/.test(uploadId)) return next();
    rmSync(path.join(uploadsDir, uploadId), { recursive: true, force: true });
    ctx.status = 204;
  };
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dataDir,
    configureBuckets: [{ name: bucket }],
    vhostBuckets: false,
  });
  server.middleware.unshift(abortMultipart);
  const { port } = await server.run();

  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    pendingMultipartUploads: () => list(uploadsDir),
    objectKeys(prefix = '') {
      // s3rver stores an object "a/b/c.png" as <bucket>/a/b/c.png._S3rver_object
      const keys: string[] = [];
      const walk = (relative: string): void => {
        for (const entry of list(path.join(dataDir, bucket, relative))) {
          if (entry === '._S3rver_uploads') continue;
          const child = relative ? `${relative}/${entry}` : entry;
          if (entry.endsWith('._S3rver_object')) keys.push(child.slice(0, -'._S3rver_object'.length));
          else if (!entry.includes('._S3rver_')) walk(child);
        }
      };
      walk('');
      return keys.filter((key) => key.startsWith(prefix));
    },
    async stop() {
      const closing = server.close();
      server.httpServer?.closeAllConnections();
      await closing;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ReceivedSseEvent {
  event: string;
  data: unknown;
}

/** Reads an SSE response, calling `onEvent` per event (return true to stop reading). */
export async function readSse(
  response: Response,
  onEvent: (event: ReceivedSseEvent) => boolean | void = () => undefined,
): Promise<ReceivedSseEvent[]> {
  const events: ReceivedSseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return events;
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const lines = block.split('\n');
        const name = lines.find((line) => line.startsWith('event: '))?.slice(7);
        const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
        if (!name) continue; // comments (": ok", ": ping")
        const event = { event: name, data: JSON.parse(data) as unknown };
        events.push(event);
        if (onEvent(event) === true) return events;
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
