// Validation of scenarios arriving over the control endpoint (in-process callers get the same checks).
// Typed against the Scenario interface, so the schema cannot drift from the public type.
import { z } from 'zod';
import type { Scenario, ScenarioPart, ScenarioReply, StreamFault } from './types.js';

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative().max(600_000);
const action = z.enum(['generateContent', 'streamGenerateContent', 'countTokens', 'chatCompletions']);
const safetyRating = z.object({ category: z.string(), probability: z.string(), blocked: z.boolean().optional() });
const MAX_IMAGE_BYTES = 200 * 1024 * 1024;

const part: z.ZodType<ScenarioPart> = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: z.string().optional(),
    chunks: z.array(z.string()).optional(),
    thought: z.boolean().optional(),
    thoughtSignature: z.string().optional(),
  }),
  z.object({
    type: z.literal('image'),
    mimeType: z.string().optional(),
    width: z.number().int().positive().max(65535).optional(),
    height: z.number().int().positive().max(65535).optional(),
    imageBytes: z.number().int().positive().max(MAX_IMAGE_BYTES).optional(),
    metadataBytes: z.number().int().nonnegative().max(MAX_IMAGE_BYTES).optional(),
    delivery: z.enum(['whole', 'fragmented', 'cumulative']).optional(),
    fragments: z.number().int().positive().max(100_000).optional(),
    unalignedFragments: z.boolean().optional(),
    thought: z.boolean().optional(),
    seed: z.number().int().optional(),
  }),
  z.object({
    type: z.literal('functionCall'),
    name: z.string(),
    args: z.unknown().optional(),
    id: z.string().optional(),
    thoughtSignature: z.string().optional(),
    sameChunk: z.boolean().optional(),
    repeatInLaterChunk: z.boolean().optional(),
  }),
]);

const usage = z.object({
  promptTokenCount: count.optional(),
  candidatesTokenCount: count.optional(),
  totalTokenCount: count.optional(),
  thoughtsTokenCount: count.optional(),
  cachedContentTokenCount: count.optional(),
});

const reply: z.ZodType<ScenarioReply> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('default') }),
  z.object({
    kind: z.literal('content'),
    parts: z.array(part),
    finishReason: z.string().optional(),
    usage: usage.optional(),
    safetyRatings: z.array(safetyRating).optional(),
    finishInSeparateEvent: z.boolean().optional(),
    modelVersion: z.string().optional(),
  }),
  z.object({
    kind: z.literal('blocked'),
    blockReason: z.string().optional(),
    safetyRatings: z.array(safetyRating).optional(),
  }),
  z.object({
    kind: z.literal('http-error'),
    code: z.number().int().min(400).max(599),
    message: z.string().optional(),
    status: z.string().optional(),
    retryDelaySeconds: z.number().nonnegative().optional(),
  }),
  z.object({ kind: z.literal('count-tokens'), totalTokens: count }),
]);

const fault: z.ZodType<StreamFault> = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('error-event'),
    afterEvents: count,
    code: z.number().int().min(400).max(599).optional(),
    message: z.string().optional(),
    status: z.string().optional(),
  }),
  z.object({ type: z.literal('drop'), afterEvents: count, afterBytes: count.optional() }),
  z.object({ type: z.literal('stall'), afterEvents: count }),
]);

const scenario: z.ZodType<Scenario> = z.object({
  name: z.string().optional(),
  match: z.object({ model: z.string().optional(), action: action.optional() }).optional(),
  times: z.number().int().positive().optional(),
  latencyMs: ms.optional(),
  chunkDelayMs: z.union([ms, z.array(ms)]).optional(),
  fault: fault.optional(),
  dialect: z.enum(['openai', 'vllm', 'vllm-legacy', 'llama.cpp', 'ollama', 'openrouter']).optional(),
  reply,
});

/** The scenarios in `input` (one or an array), or an error message naming the first problem. */
export function parseScenarios(input: unknown): { scenarios: Scenario[] } | { error: string } {
  const result = z.array(scenario).safeParse(Array.isArray(input) ? input : [input]);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { error: `invalid scenario at ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { scenarios: result.data };
}
