// Explanations for a request's matches: cached model text where we have it, ONE model call for the
// rest, and the template for any match the model does not answer in time or in shape.
//
// Cache key: sha256 of (prompt version, model, viewer id, kind, target id, score components, facts).
// The facts are exactly what the model is shown, so a changed tag, place or title is a new key and
// a stale sentence is never served. Only model text is cached: templates cost nothing to rebuild,
// and caching them would hide the model's recovery after an outage.
import { createHash } from 'node:crypto';
import type { CallPricer } from '../../../platform/pricing/pricer.js';
import type { BudgetMeter } from '../../../platform/budget/types.js';
import type { Cache } from '../../../platform/cache/index.js';
import { userCacheKey } from '../../../platform/cache/user-keys.js';
import { describeError, type Logger } from '../../../platform/logging.js';
import type { EventMatchComponents, MatchComponents } from '../scoring/index.js';
import type { ExplanationSource } from '../types.js';
import type { ExplanationFacts } from './facts.js';
import type { ExplanationModel, ExplanationUsage } from './model.js';
import { estimateTokens } from '../../../platform/model/token-estimate.js';
import { buildPrompt, parseExplanations, PROMPT_VERSION, responseSchema, SYSTEM_INSTRUCTION } from './prompt.js';
import { templateExplanation } from './templates.js';

export interface ExplainItem {
  viewerId: string;
  targetId: string;
  facts: ExplanationFacts;
  components: MatchComponents | EventMatchComponents;
}

export interface Explanation {
  text: string;
  source: ExplanationSource;
}

/** How explanations are written and kept; tuned with the prompt (prompt.ts), not per deploy. */
export const EXPLANATION_TUNING = {
  /** Varied wording across matches, still faithful to the facts given. */
  temperature: 0.8,
  /** Two short sentences per match; the call gets this times the match count, plus the JSON's own. */
  tokensPerMatch: 100,
  /** A day: the cache key changes whenever the matched signals do, so age only bounds storage. */
  cacheTtlSeconds: 86_400,
};

export interface ExplainerSettings {
  model: string;
  timeoutMs: number;
  temperature: number;
  tokensPerMatch: number;
  cacheTtlSeconds: number;
}

export interface ExplainerDeps {
  cache: Cache;
  /** Absent when no API key is configured: every match gets its template. */
  model: ExplanationModel | undefined;
  settings: ExplainerSettings;
  /** Prices the call for the cost budget (MODEL_PRICES); none: no cost is charged. */
  pricer?: CallPricer;
}

/** The request's part: its signal, its log, and the caller's budgets. */
export interface ExplainRequest {
  signal: AbortSignal;
  log: Logger;
  /**
   * The caller's daily token budget (the request scope's): no model call when it is used up
   * (templates), and each call charged with its billed tokens; an aborted or timed-out call, whose
   * usage never arrives but which Gemini keeps billing, is charged its prompt (~4 characters a token)
   * plus its output cap. None: not metered.
   */
  budget?: BudgetMeter;
}

export interface ExplainStats {
  cacheHits: number;
  /** 0 or 1: the whole point is one call per request. */
  modelCalls: number;
  modelAnswered: number;
  templates: number;
  /** Why the model call produced nothing usable for some matches, if it did not. */
  fallbackReason?: 'no_model' | 'budget' | 'aborted' | 'timeout' | 'error' | 'invalid_output' | 'incomplete';
}

/** Output tokens for the JSON wrapper around the explanations. */
const JSON_OVERHEAD_TOKENS = 50;

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function explanationCacheKey(item: ExplainItem, model: string): string {
  const { interests, location } = item.components;
  const purpose = 'purpose' in item.components ? item.components.purpose : 0;
  // One JSON array: no separator a uid (any text up to 128 characters) could forge.
  const parts = [
    PROMPT_VERSION,
    model,
    item.viewerId,
    item.facts.kind,
    item.targetId,
    round(interests),
    round(purpose),
    round(location),
    item.facts,
  ];
  // Owned by the viewer (platform/cache/user-keys.ts): erasing their account finds it. The other
  // person is only inside the digest; the entry holds the viewer's own tags and a distance band.
  return userCacheKey(item.viewerId, createHash('sha256').update(JSON.stringify(parts)).digest('base64url'));
}

async function readCache(cache: Cache, key: string): Promise<string | undefined> {
  const value = await cache.get<unknown>(key).catch(() => undefined);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export async function explainMatches(
  items: readonly ExplainItem[],
  deps: ExplainerDeps,
  request: ExplainRequest,
): Promise<{ explanations: Explanation[]; stats: ExplainStats }> {
  const { cache, model, settings, pricer } = deps;
  const { budget } = request;
  const stats: ExplainStats = { cacheHits: 0, modelCalls: 0, modelAnswered: 0, templates: 0 };
  // The budget starts now: cache reads count against it too.
  const deadline = AbortSignal.timeout(settings.timeoutMs);
  const keys = items.map((item) => explanationCacheKey(item, settings.model));
  const texts: (string | undefined)[] = await Promise.all(keys.map((key) => readCache(cache, key)));
  stats.cacheHits = texts.filter((text) => text !== undefined).length;

  const missing = items.map((_, index) => index).filter((index) => texts[index] === undefined);
  const overBudget = budget !== undefined && (!budget.canSpend('tokens') || !budget.canSpend('cost'));
  if (missing.length > 0 && model === undefined) stats.fallbackReason = 'no_model';
  else if (missing.length > 0 && overBudget) stats.fallbackReason = 'budget';
  if (missing.length > 0 && model !== undefined && !overBudget) {
    const handles = missing.map((_, i) => `m${i + 1}`);
    stats.modelCalls = 1;
    const prompt = buildPrompt(missing.map((index, i) => ({ key: handles[i], facts: items[index].facts })));
    const maxOutputTokens = settings.tokensPerMatch * missing.length + JSON_OVERHEAD_TOKENS;
    let billed: ExplanationUsage | undefined;
    try {
      const answer = await model({
        model: settings.model,
        systemInstruction: SYSTEM_INSTRUCTION,
        prompt,
        schema: responseSchema(handles),
        temperature: settings.temperature,
        maxOutputTokens,
        signal: AbortSignal.any([deadline, request.signal]),
        onUsage: (usage) => (billed = usage),
      });
      const parsed = parseExplanations(answer, handles);
      if (parsed.size === 0) stats.fallbackReason = 'invalid_output';
      else if (parsed.size < handles.length) stats.fallbackReason = 'incomplete';
      const writes: Promise<void>[] = [];
      missing.forEach((index, i) => {
        const text = parsed.get(handles[i]);
        if (text === undefined) return;
        texts[index] = text;
        stats.modelAnswered++;
        writes.push(cache.set(keys[index], text, settings.cacheTtlSeconds).catch(() => undefined));
      });
      await Promise.all(writes);
    } catch (err) {
      stats.fallbackReason = request.signal.aborted ? 'aborted' : deadline.aborted ? 'timeout' : 'error';
      request.log.warn('match explanations fell back to templates', {
        reason: stats.fallbackReason,
        ...describeError(err),
      });
      if (billed === undefined && (stats.fallbackReason === 'aborted' || stats.fallbackReason === 'timeout')) {
        const input = estimateTokens(SYSTEM_INSTRUCTION.length + prompt.length);
        billed = {
          totalTokens: input + maxOutputTokens,
          billable: { input, cachedInput: 0, output: maxOutputTokens },
        };
      }
    }
    if (billed && budget) {
      const costUsd = pricer ? pricer.costUsd([billed.model, settings.model], billed.billable) : null;
      await Promise.all([budget.chargeTokens(billed.totalTokens), budget.chargeCost(costUsd)]);
    }
  }

  const explanations = items.map((item, index): Explanation => {
    const text = texts[index];
    if (text !== undefined) return { text, source: 'model' };
    stats.templates++;
    return { text: templateExplanation(item.facts), source: 'template' };
  });
  return { explanations, stats };
}
