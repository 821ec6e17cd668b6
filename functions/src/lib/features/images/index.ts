// Images: generate and edit, streamed from Gemini into S3 and recorded in Firestore. Used by
// handlers/generateImage.ts and handlers/editImage.ts (job-response.ts answers as JSON or SSE).
export {
  EDIT_IMAGE_MAX_BODY_BYTES,
  GENERATE_IMAGE_MAX_BODY_BYTES,
  editImageBody,
  generateImageBody,
  deleteImageBody,
  type EditImageBody,
  type GenerateImageBody,
} from './schemas.js';
export { editImageJob, generateImageJob, type ImageJob, type ImageRequest } from './requests.js';
export { answerEditImage, answerGenerateImage } from './job-response.js';
export { imageJobDeps } from './deps.js';
export { imageCostReservationUsd } from './cost-reservation.js';
export type { ImageJobDeps, ImageJobEvent, ImageJobResult, RunOptions } from './job.js';
export { deleteOwnImage, eraseImagesOf, imageNotFound, type ImageErasureCounts } from './erasure.js';
export { s3ImageStore, type ImageObjectRemover } from './storage.js';
export { IMAGES_COLLECTION } from './metadata.js';
export { imagesOf } from './export.js';
