// The explanation call itself. It uses the unary generateContent rather than the streaming client:
// the answer is a few hundred tokens of JSON that is useless until complete, so streaming buys nothing,
// and the unary path's whole-body parse is cheap at this size. No retries: within a ~3 s budget a
// second attempt would rarely finish, and templates are a fine answer.
import { geminiBillableTokens } from '../../../platform/gemini/billable-tokens.js';
import type { GeminiSafetySetting } from '../../../platform/gemini/safety.js';
import { responseText, type GeminiUnaryClient } from '../../../platform/gemini/unary-client.js';
import type { BillableTokens } from '../../../platform/pricing/cost.js';

export interface ExplanationRequest {
  model: string;
  systemInstruction: string;
  prompt: string;
  schema: Record<string, unknown>;
  temperature: number;
  maxOutputTokens: number;
  signal: AbortSignal;
  /** Told what the call is billed for when Gemini answered, text or not. */
  onUsage?(usage: ExplanationUsage): void;
}

export interface ExplanationUsage {
  /** usageMetadata.totalTokenCount: the daily token budget's unit. */
  totalTokens: number;
  /** The same usage in the terms calls are priced in (platform/pricing). */
  billable: BillableTokens;
  /** The model Gemini says answered (modelVersion). */
  model?: string;
}

/** Returns the model's text answer, or throws (HTTP error, abort, blocked, empty). */
export type ExplanationModel = (request: ExplanationRequest) => Promise<string>;

/**
 * Reasoning costs latency and output tokens the budget cannot spare, so ask for as little as each
 * model family allows. Unknown names (aliases such as gemini-flash-latest) get the model's default:
 * Gemini 2.5 rejects thinkingLevel and Gemini 3 prefers it, so guessing could fail the call.
 */
export function lowLatencyThinking(model: string): ThinkingConfig | undefined {
  const name = model.replace(/^(models|publishers\/google\/models)\//, '');
  if (/^gemini-2\.5-flash/.test(name)) return { thinkingBudget: 0 };
  if (/^gemini-3/.test(name)) return { thinkingLevel: 'LOW' };
  return undefined;
}

/** generationConfig.thinkingConfig: a budget (Gemini 2.5) or a level (Gemini 3), never both. */
export type ThinkingConfig = { thinkingBudget: number } | { thinkingLevel: 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH' };

/** `safetySettings`: MATCH_EXPLANATION_SAFETY (a blocked explanation throws; templates stand in). */
export function geminiExplanationModel(
  client: GeminiUnaryClient,
  safetySettings: readonly GeminiSafetySetting[] = [],
): ExplanationModel {
  return async (request) => {
    const thinkingConfig = lowLatencyThinking(request.model);
    const response = await client.generate({
      model: request.model,
      request: {
        contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
        systemInstruction: { parts: [{ text: request.systemInstruction }] },
        ...(safetySettings.length > 0 ? { safetySettings: safetySettings.map((setting) => ({ ...setting })) } : {}),
        generationConfig: {
          temperature: request.temperature,
          maxOutputTokens: request.maxOutputTokens,
          responseMimeType: 'application/json',
          responseJsonSchema: request.schema,
          ...(thinkingConfig ? { thinkingConfig } : {}),
        },
      },
      signal: request.signal,
    });
    const usage = response.usageMetadata;
    request.onUsage?.({
      totalTokens: usage?.totalTokenCount ?? 0,
      billable: geminiBillableTokens({
        promptTokenCount: usage?.promptTokenCount ?? 0,
        candidatesTokenCount: usage?.candidatesTokenCount ?? 0,
        totalTokenCount: usage?.totalTokenCount ?? 0,
        thoughtsTokenCount: usage?.thoughtsTokenCount,
        cachedContentTokenCount: usage?.cachedContentTokenCount,
        toolUsePromptTokenCount: usage?.toolUsePromptTokenCount,
      }),
      ...(response.modelVersion ? { model: response.modelVersion } : {}),
    });
    const text = responseText(response);
    if (!text) {
      const reason = response.promptFeedback?.blockReason ?? response.candidates?.[0]?.finishReason ?? 'empty';
      throw new Error(`no explanation text (${reason})`);
    }
    return text;
  };
}
