// The production collaborators of the matching service. Matching declares no required secret:
// explanations are optional, so without Gemini access (GEMINI_BACKEND's key or project) the service
// answers with templates; the access is read here, never checked. The SDK client is the instance's shared one (platform/gemini/clients.ts).
import { systemClock } from '../../platform/clock.js';
import type { BudgetMeter } from '../../platform/budget/types.js';
import { getCache } from '../../platform/cache/index.js';
import { readGeminiAccess, type AppConfig } from '../../platform/config/index.js';
import { getDb } from '../../platform/firebase.js';
import { geminiSdk } from '../../platform/gemini/clients.js';
import { geminiExplanationModel } from './explain/model.js';
import type { MatchServiceDeps } from './service.js';
import { instanceSharedCache } from './shared-cache.js';

const EXPLANATION_CACHE_NAMESPACE = 'match-explanations';

/** `budget`: the request's meter (ctx.budget), charged for the explanation call. */
export function matchServiceDeps(config: AppConfig, budget?: BudgetMeter): MatchServiceDeps {
  const { matching } = config;
  const gemini = readGeminiAccess(config);
  return {
    db: getDb(),
    clock: systemClock,
    ...(matching.sharedCache ? { shared: instanceSharedCache } : {}),
    explainer: {
      cache: getCache(EXPLANATION_CACHE_NAMESPACE),
      model:
        gemini === undefined
          ? undefined
          : geminiExplanationModel(geminiSdk(gemini), matching.explanationSafetySettings),
      settings: {
        model: matching.explanationModel,
        timeoutMs: matching.explanationTimeoutMs,
        temperature: matching.explanationTemperature,
        tokensPerMatch: matching.explanationTokensPerMatch,
        cacheTtlSeconds: matching.cacheTtlSeconds,
      },
      ...(budget ? { budget } : {}),
    },
  };
}
