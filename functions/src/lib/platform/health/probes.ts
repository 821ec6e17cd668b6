// The dependencies a health check probes, each the cheapest request that proves it configured and
// reachable, and never a model call:
//   redis       PING (optional: the functions fall back to per-instance memory without it)
//   firestore   one read of a document that does not exist (_health/probe)
//   s3          HeadBucket on S3_BUCKET
//   textModel   the text backend (TEXT_BACKEND): Gemini's models.get of GEMINI_TEXT_MODEL (metadata,
//               not generation), or an OpenAI-compatible server's GET /models
//   imageModel  Gemini's models.get of GEMINI_IMAGE_MODEL (images always use Gemini)
import type { S3Client } from '@aws-sdk/client-s3';
import { getS3Credentials, type AppConfig } from '../config/index.js';
import { resolveGeminiAccess, type GeminiAccess } from '../config/gemini-access.js';
import { resolveTextAccess } from '../config/text-access.js';
import { getDb } from '../firebase.js';
import { geminiUnaryClient } from '../gemini/clients.js';
import { createS3Client } from '../image-pipeline/s3-target.js';
import { s3Sdk } from '../on-first-use.js';
import { getRedis } from '../redis.js';
import type { HealthProbe } from './checks.js';

/** A document that is never written: reading it costs one read and touches no one's data. */
export const HEALTH_PROBE_DOCUMENT = '_health/probe';

class ProbeFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeFailure';
  }
}

export function productionHealthProbes(config: AppConfig): HealthProbe[] {
  return [
    {
      name: 'redis',
      required: false,
      async probe() {
        const redis = getRedis();
        if (!redis) return 'not_configured';
        const answer = await redis.ping();
        if (answer !== 'PONG') throw new ProbeFailure(`PING answered ${String(answer)}`);
        return 'ok';
      },
    },
    {
      name: 'firestore',
      required: true,
      async probe() {
        await getDb().doc(HEALTH_PROBE_DOCUMENT).get();
        return 'ok';
      },
    },
    {
      name: 's3',
      required: true,
      async probe(signal) {
        await s3Client(config).send(new (s3Sdk().HeadBucketCommand)({ Bucket: config.s3.bucket }), {
          abortSignal: signal,
        });
        return 'ok';
      },
    },
    { name: 'textModel', required: true, probe: (signal) => textModelProbe(config, signal) },
    {
      name: 'imageModel',
      required: true,
      async probe(signal) {
        const gemini = resolveGeminiAccess(config);
        if (!gemini.ok) return 'not_configured';
        await geminiModel(gemini.access, config.gemini.imageModel, signal);
        return 'ok';
      },
    },
  ];
}

async function textModelProbe(config: AppConfig, signal: AbortSignal): Promise<'ok' | 'not_configured'> {
  const text = resolveTextAccess(config);
  if (!text.ok) return 'not_configured';
  const { access } = text;
  if (access.backend === 'gemini') {
    await geminiModel(access.gemini, access.model, signal);
    return 'ok';
  }
  const response = await fetch(`${access.baseUrl.replace(/\/+$/, '')}/models`, {
    headers: access.apiKey ? { authorization: `Bearer ${access.apiKey}` } : {},
    signal,
  });
  await response.body?.cancel();
  if (!response.ok) throw new ProbeFailure(`GET /models answered ${response.status}`);
  return 'ok';
}

/** models.get: the model's metadata, which proves the key (or ADC) and the model name, at no cost. */
async function geminiModel(access: GeminiAccess, model: string, signal: AbortSignal): Promise<void> {
  await geminiUnaryClient(access).getModel(model, signal);
}

let s3: { key: string; client: S3Client } | undefined;

function s3Client(config: AppConfig): S3Client {
  const credentials = getS3Credentials();
  const key = JSON.stringify([config.s3.region, config.s3.endpoint ?? '', credentials?.accessKeyId ?? '']);
  if (s3?.key !== key) {
    s3 = {
      key,
      client: createS3Client({
        region: config.s3.region,
        endpoint: config.s3.endpoint,
        forcePathStyle: config.s3.endpoint !== undefined,
        credentials,
      }),
    };
  }
  return s3.client;
}
