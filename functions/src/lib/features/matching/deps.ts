// The production collaborators of the matching service. Matching declares no required secret:
// explanations are optional, so without the text backend's access (TEXT_BACKEND: Gemini's key or
// project, or an OpenAI-compatible server's URL and model) the service answers with templates; the
// access is read here, never checked. The clients are the instance's shared ones
// (platform/gemini/clients.ts, platform/openai/clients.ts).
import { systemClock } from '../../platform/clock.js';
import { getCache } from '../../platform/cache/index.js';
import { readTextAccess, type AppConfig, type TextAccess } from '../../platform/config/index.js';
import { getDb } from '../../platform/firebase.js';
import { geminiUnaryClient } from '../../platform/gemini/clients.js';
import { openAiStreamingClient } from '../../platform/openai/clients.js';
import { EXPLANATION_TUNING } from './explain/explainer.js';
import { geminiExplanationModel, type ExplanationModel } from './explain/model.js';
import { openAiExplanationModel } from './explain/openai-model.js';
import type { MatchServiceDeps } from './service.js';
import { instanceSharedCache } from './shared-cache.js';
import type { MatchingOptions } from './settings.js';
import { callPricer } from '../../platform/pricing/pricer.js';

const EXPLANATION_CACHE_NAMESPACE = 'match-explanations';

function explanationModel(text: TextAccess, config: AppConfig): ExplanationModel {
  return text.backend === 'gemini'
    ? geminiExplanationModel(geminiUnaryClient(text.gemini), config.matching.explanationSafetySettings)
    : openAiExplanationModel(openAiStreamingClient(text));
}

/** `options`: what tests change (tuning, the instance cache); production passes none. */
export function matchServiceDeps(config: AppConfig, options: MatchingOptions = {}): MatchServiceDeps {
  const { matching } = config;
  const text = readTextAccess(config);
  return {
    db: getDb(),
    clock: systemClock,
    ...(options.sharedCache === false ? {} : { shared: instanceSharedCache }),
    ...(options.tuning ? { tuning: options.tuning() } : {}),
    explainer: {
      cache: getCache(EXPLANATION_CACHE_NAMESPACE),
      model: text === undefined ? undefined : explanationModel(text, config),
      settings: {
        // MATCH_EXPLANATION_MODEL is a Gemini model; an OpenAI-compatible server explains with OPENAI_MODEL.
        model: text?.backend === 'openai-compatible' ? text.model : matching.explanationModel,
        timeoutMs: matching.explanationTimeoutMs,
        ...EXPLANATION_TUNING,
      },
      pricer: callPricer(config.pricing.table),
    },
  };
}
