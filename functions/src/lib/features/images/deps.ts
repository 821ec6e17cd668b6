// The production collaborators of an image job. The handler passes the Gemini access the request layer
// checked (requiresGemini); the client is the instance's shared one (platform/gemini/clients.ts).
import type { AppConfig, GeminiAccess } from '../../platform/config/index.js';
import { geminiStreamingClient } from '../../platform/gemini/clients.js';
import type { ImageJobDeps } from './job.js';
import { firestoreImageMetadata } from './metadata.js';
import { s3ImageStore } from './storage.js';

export function imageJobDeps(config: AppConfig, gemini: GeminiAccess): ImageJobDeps {
  return {
    client: geminiStreamingClient(gemini),
    store: s3ImageStore(config.s3),
    metadata: firestoreImageMetadata(undefined, config.retention.imageDays),
  };
}
