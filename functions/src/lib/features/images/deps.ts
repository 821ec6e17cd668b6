// The production collaborators of an image job. The handler passes the Gemini key the request layer
// checked (requiredSecrets); the client is the instance's shared one (platform/gemini/clients.ts).
import type { AppConfig } from '../../platform/config/index.js';
import { geminiStreamingClient } from '../../platform/gemini/clients.js';
import type { ImageJobDeps } from './job.js';
import { firestoreImageMetadata } from './metadata.js';
import { s3ImageStore } from './storage.js';

export function imageJobDeps(config: AppConfig, geminiApiKey: string): ImageJobDeps {
  return {
    client: geminiStreamingClient(geminiApiKey, config.gemini.baseUrl),
    store: s3ImageStore(config.s3),
    metadata: firestoreImageMetadata(),
  };
}
