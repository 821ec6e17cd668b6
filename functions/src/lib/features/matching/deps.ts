// Production collaborators of the matching service, with the instance's shared Gemini SDK client
// (lib/platform/gemini/clients.ts). No API key is not an error here: explanations are optional, so the
// service answers with templates.
import { getCache } from '../../platform/cache/index.js';
import { readSecret, type AppConfig } from '../../platform/config/index.js';
import { getDb } from '../../platform/firebase.js';
import { geminiSdk } from '../../platform/gemini/clients.js';
import { geminiExplanationModel, type ExplanationModel } from './explain/model.js';
import type { MatchServiceDeps } from './service.js';

export const EXPLANATION_CACHE_NAMESPACE = 'match-explanations';

function explanationModel(apiKey: string | undefined, baseUrl: string): ExplanationModel | undefined {
  return apiKey === undefined ? undefined : geminiExplanationModel(geminiSdk(apiKey, baseUrl));
}

export function defaultMatchDeps(config: AppConfig): MatchServiceDeps {
  const { matching } = config;
  return {
    db: getDb(),
    explainer: {
      cache: getCache(EXPLANATION_CACHE_NAMESPACE),
      model: explanationModel(readSecret('GEMINI_API_KEY'), config.gemini.baseUrl),
      settings: {
        model: matching.explanationModel,
        timeoutMs: matching.explanationTimeoutMs,
        temperature: matching.explanationTemperature,
        tokensPerMatch: matching.explanationTokensPerMatch,
        cacheTtlSeconds: matching.cacheTtlSeconds,
      },
    },
  };
}
