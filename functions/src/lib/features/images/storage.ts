// Where image bytes go: the streamed S3 upload target of the core pipeline, plus removal of objects
// the job ends up not keeping (interim "thought" images, extra images, a job cancelled after upload).
import type { S3Client } from '@aws-sdk/client-s3';
import type { AppConfig } from '../../platform/config/index.js';
import { getS3Credentials } from '../../platform/config/index.js';
import { createS3Client, createS3UploadTarget, removeObject } from '../../platform/image-pipeline/s3-target.js';
import type { ImageUploadTarget } from '../../platform/image-pipeline/upload.js';
import { S3_CALL_DEADLINE_MS } from '../../platform/image-pipeline/s3-cleanup.js';
import { s3Sdk } from '../../platform/on-first-use.js';

export interface StoredObject {
  bucket: string;
  key: string;
}

export interface ImageObjectStore {
  target: ImageUploadTarget;
  remove(key: string): Promise<void>;
}

/** What deleting a user's images needs of the bucket. */
export interface ImageObjectRemover {
  /** Deletes objects (a missing one counts as deleted), up to 1000 per S3 call; returns how many were asked. */
  removeAll(objects: readonly StoredObject[]): Promise<number>;
}

/** S3's limit of keys per DeleteObjects call. */
export const DELETE_OBJECTS_MAX = 1000;

/** Multipart part size and parallel parts: memory per upload is about partSize x (queueSize + 1). */
export const UPLOAD_PART_SIZE = 5 * 1024 * 1024;
export const UPLOAD_QUEUE_SIZE = 1;
const CACHE_CONTROL = 'public, max-age=31536000, immutable'; // keys are random and never rewritten

// One client per distinct S3 setting: a client owns a connection pool, so not one per request.
const clients = new Map<string, S3Client>();

function s3ClientFor(config: AppConfig['s3']): S3Client {
  const credentials = getS3Credentials();
  const cacheKey = JSON.stringify([
    config.region,
    config.endpoint ?? '',
    credentials?.accessKeyId ?? '',
    credentials?.secretAccessKey ?? '',
  ]);
  let client = clients.get(cacheKey);
  if (!client) {
    client = createS3Client({
      region: config.region,
      endpoint: config.endpoint,
      // Custom endpoints (S3-compatible stores, the local one) are addressed path-style.
      forcePathStyle: config.endpoint !== undefined,
      credentials,
    });
    clients.set(cacheKey, client);
  }
  return client;
}

/** The client (and the S3 SDK) are made by the first call that talks to S3, not by the store. */
export function s3ImageStore(config: AppConfig['s3']): ImageObjectStore & ImageObjectRemover {
  const client = () => s3ClientFor(config);
  return {
    target: {
      upload: (request) =>
        createS3UploadTarget({
          client: client(),
          bucket: config.bucket,
          publicUrlBase: config.publicUrlBase,
          partSize: UPLOAD_PART_SIZE,
          queueSize: UPLOAD_QUEUE_SIZE,
          cacheControl: CACHE_CONTROL,
        }).upload(request),
    },
    // At most CLEANUP_WAIT_MS; a delete S3 cannot take now is retried later (s3-cleanup.ts).
    remove: (key) => removeObject(client(), config.bucket, key),
    async removeAll(objects) {
      const byBucket = new Map<string, string[]>();
      for (const { bucket, key } of objects) byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
      for (const [bucket, keys] of byBucket) {
        for (let start = 0; start < keys.length; start += DELETE_OBJECTS_MAX) {
          const chunk = keys.slice(start, start + DELETE_OBJECTS_MAX);
          const result = await client().send(
            new (s3Sdk().DeleteObjectsCommand)({
              Bucket: bucket,
              Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
            }),
            { abortSignal: AbortSignal.timeout(S3_CALL_DEADLINE_MS) },
          );
          // Quiet mode lists only failures; any failure is thrown so the caller retries the page.
          const failed = result.Errors?.filter((error) => error.Code !== 'NoSuchKey') ?? [];
          if (failed.length > 0) throw new Error(`S3 refused to delete ${failed.length} object(s): ${failed[0].Code}`);
        }
      }
      return objects.length;
    },
  };
}
