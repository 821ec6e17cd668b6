// Production collaborators of the matching service. The SDK client is built once per instance (one
// keep-alive pool) and rebuilt only if the key or base URL changes. No API key is not an error
// here: explanations are optional, so the service answers with templates.
import { GoogleGenAI } from '@google/genai';
import { getCache } from '../cache/index.js';
import { readSecret, type AppConfig } from '../config.js';
import { getDb } from '../firebase.js';
import { geminiExplanationModel, type ExplanationModel } from './explain/model.js';
import type { MatchServiceDeps } from './service.js';

export const EXPLANATION_CACHE_NAMESPACE = 'match-explanations';

let cached: { key: string; model: ExplanationModel } | undefined;

function explanationModel(apiKey: string | undefined, baseUrl: string): ExplanationModel | undefined {
  if (apiKey === undefined) return undefined;
  const key = `${baseUrl}\n${apiKey}`;
  if (cached?.key !== key) {
    cached = { key, model: geminiExplanationModel(new GoogleGenAI({ apiKey, httpOptions: { baseUrl } })) };
  }
  return cached.model;
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
