// Where image bytes go: the streamed S3 upload target of the core pipeline, plus removal of objects
// the job ends up not keeping (interim "thought" images, extra images, a job cancelled after upload).
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AppConfig } from '../../platform/config/index.js';
import { getS3Credentials } from '../../platform/config/index.js';
import { createS3Client, createS3UploadTarget } from '../../platform/image-pipeline/s3-target.js';
import type { ImageUploadTarget } from '../../platform/image-pipeline/upload.js';

export interface ImageObjectStore {
  target: ImageUploadTarget;
  remove(key: string): Promise<void>;
}

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

export function s3ImageStore(config: AppConfig['s3']): ImageObjectStore {
  const client = s3ClientFor(config);
  return {
    target: createS3UploadTarget({
      client,
      bucket: config.bucket,
      publicUrlBase: config.publicUrlBase,
      partSize: UPLOAD_PART_SIZE,
      queueSize: UPLOAD_QUEUE_SIZE,
      cacheControl: CACHE_CONTROL,
    }),
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
    },
  };
}
