// Production wiring of an image job: the Gemini streaming client for the configured endpoint and
// key, the S3 store and the Firestore record.
import type { AppConfig } from '../../platform/config/index.js';
import { requireSecrets } from '../../platform/config/index.js';
import { geminiStreamingClient } from '../../platform/gemini/clients.js';
import type { Logger } from '../../platform/logging.js';
import type { ImageJobDeps } from './job.js';
import { firestoreImageMetadata } from './metadata.js';
import { s3ImageStore } from './storage.js';

export function defaultImageJobDeps(config: AppConfig, log?: Logger): ImageJobDeps {
  const { GEMINI_API_KEY } = requireSecrets(['GEMINI_API_KEY']);
  return {
    client: geminiStreamingClient(GEMINI_API_KEY, config.gemini.baseUrl),
    store: s3ImageStore(config.s3),
    metadata: firestoreImageMetadata(),
    log,
  };
}
