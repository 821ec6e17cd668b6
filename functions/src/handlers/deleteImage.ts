// POST /deleteImage {imageId} — deletes one of the caller's images: its S3 object, then its record:
// -> { imageId }. Another user's image and an unknown one both answer 404 image_not_found.
import { onRequest } from 'firebase-functions/v2/https';
// From the files that delete, not the feature's index, which loads the image pipeline (sharp).
import { deleteOwnImage } from '../lib/features/images/erasure.js';
import { deleteImageBody } from '../lib/features/images/schemas.js';
import { s3ImageStore } from '../lib/features/images/storage.js';
import { getDb } from '../lib/platform/firebase.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { DATA_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';

export const deleteImageHandler = defineEndpoint({
  name: 'deleteImage',
  method: 'POST',
  body: deleteImageBody,
  rateLimit: DATA_LIMIT,
  handle: (ctx) => deleteOwnImage({ db: getDb(), objects: s3ImageStore(ctx.scope.config.s3) }, ctx),
});

export const deleteImage = onRequest(RUNTIME_OPTIONS.deleteImage, deleteImageHandler);
