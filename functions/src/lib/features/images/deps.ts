// The production collaborators of an image job. The handler passes the Gemini access the request layer
// checked (requiresGemini); the client is the instance's shared one (platform/gemini/clients.ts).
import type { AppConfig, GeminiAccess } from '../../platform/config/index.js';
import { geminiStreamingClient } from '../../platform/gemini/clients.js';
import { loadSoon, s3Sdk } from '../../platform/on-first-use.js';
import type { ImageJobDeps } from './job.js';
import { firestoreImageMetadata } from './metadata.js';
import { s3ImageStore } from './storage.js';

export function imageJobDeps(config: AppConfig, gemini: GeminiAccess): ImageJobDeps {
  // A new instance loads the S3 SDK now, while this job waits on its inputs and the model: the upload
  // needs it only after the model's first bytes.
  loadSoon(s3Sdk);
  return {
    client: geminiStreamingClient(gemini),
    store: s3ImageStore(config.s3),
    metadata: firestoreImageMetadata(undefined, config.retention.imageDays),
  };
}
