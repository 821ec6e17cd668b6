// GET /health — whether the service's dependencies (Redis, Firestore, S3, the text and image models)
// are configured and reachable, for an uptime check: no sign-in, no secret or user data in the answer,
// never a model call. See docs/health.md.
import { onRequest } from 'firebase-functions/v2/https';
import { healthEndpoint } from '../lib/platform/health/endpoint.js';
import { productionHealthProbes } from '../lib/platform/health/probes.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';

export const healthHandler = healthEndpoint({ probes: productionHealthProbes });

export const health = onRequest(RUNTIME_OPTIONS.health, healthHandler);
