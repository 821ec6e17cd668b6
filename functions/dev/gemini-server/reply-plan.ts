// What one response consists of, independent of how it is delivered (SSE, JSON array or unary).
// Scenarios and the default reply both compile to a ReplyPlan; delivery then turns it into bytes.
import { googleError, quotaExceededError, type GoogleErrorBody } from './errors.js';
import { generateImage, type GeneratedImage } from './images.js';
import type { SafetyRating, Scenario, ScenarioPart, StreamFault, UsageMetadata } from './types.js';

export interface TextItem {
  type: 'text';
  chunks: string[];
  thought: boolean;
  thoughtSignature?: string;
}

export interface ImageItem {
  type: 'image';
  image: GeneratedImage;
  delivery: 'whole' | 'fragmented' | 'cumulative';
  fragments: number;
  aligned: boolean;
  thought: boolean;
}

export interface FunctionCallItem {
  type: 'functionCall';
  name: string;
  args: unknown;
  id?: string;
  thoughtSignature?: string;
  sameChunk: boolean;
  repeatInLaterChunk: boolean;
}

export type ContentItem = TextItem | ImageItem | FunctionCallItem;

export interface ContentPlan {
  kind: 'content';
  items: ContentItem[];
  finishReason: string;
  usage?: Partial<UsageMetadata>;
  safetyRatings?: SafetyRating[];
  finishInSeparateEvent: boolean;
  modelVersion?: string;
}

export type ReplyPlan =
  | ContentPlan
  | { kind: 'blocked'; blockReason: string; safetyRatings: SafetyRating[] }
  | { kind: 'http-error'; error: GoogleErrorBody }
  | { kind: 'count-tokens'; totalTokens: number };

/** Timing and faults of one delivery. */
export interface DeliveryPlan {
  latencyMs: number;
  /** Delay before stream event `index` (index >= 1). */
  delayBefore(index: number): number;
  fault?: StreamFault;
}

const DEFAULT_SAFETY_RATINGS: SafetyRating[] = [
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
];

function compilePart(part: ScenarioPart, imageIndex: number): ContentItem {
  if (part.type === 'functionCall') {
    return {
      type: 'functionCall',
      name: part.name,
      args: part.args ?? {},
      id: part.id,
      thoughtSignature: part.thoughtSignature,
      sameChunk: part.sameChunk === true,
      repeatInLaterChunk: part.repeatInLaterChunk === true,
    };
  }
  if (part.type === 'text') {
    const chunks = part.chunks ?? [part.text ?? ''];
    return { type: 'text', chunks, thought: part.thought === true, thoughtSignature: part.thoughtSignature };
  }
  const mimeType = part.mimeType ?? 'image/png';
  const image = generateImage({
    mimeType,
    width: part.width,
    height: part.height,
    imageBytes: part.imageBytes,
    metadataBytes: part.metadataBytes,
    seed: part.seed ?? imageIndex,
  });
  return {
    type: 'image',
    image,
    delivery: part.delivery ?? 'whole',
    fragments: part.delivery === undefined || part.delivery === 'whole' ? 1 : Math.max(1, part.fragments ?? 4),
    aligned: part.unalignedFragments !== true,
    thought: part.thought === true,
  };
}

/** A scenario's reply as a plan; `kind: 'default'` is resolved by the caller. */
export function compileScenarioReply(scenario: Scenario): ReplyPlan | 'default' {
  const reply = scenario.reply;
  switch (reply.kind) {
    case 'default':
      return 'default';
    case 'content': {
      let imageIndex = 0;
      const items = reply.parts.map((part) => compilePart(part, part.type === 'image' ? imageIndex++ : 0));
      const finishReason = reply.finishReason ?? 'STOP';
      return {
        kind: 'content',
        items,
        finishReason,
        usage: reply.usage,
        safetyRatings: reply.safetyRatings ?? (finishReason === 'SAFETY' ? DEFAULT_SAFETY_RATINGS : undefined),
        finishInSeparateEvent: reply.finishInSeparateEvent === true,
        modelVersion: reply.modelVersion,
      };
    }
    case 'blocked':
      return {
        kind: 'blocked',
        blockReason: reply.blockReason ?? 'SAFETY',
        safetyRatings: reply.safetyRatings ?? DEFAULT_SAFETY_RATINGS,
      };
    case 'http-error':
      return {
        kind: 'http-error',
        error:
          reply.code === 429
            ? quotaExceededError(reply.retryDelaySeconds, reply.message)
            : googleError(reply.code, reply.message, { status: reply.status }),
      };
    case 'count-tokens':
      return { kind: 'count-tokens', totalTokens: reply.totalTokens };
  }
}

/** Deterministic small jitter in [min, max] per event index, so default streams are not lock-step. */
function jitter(index: number, [min, max]: readonly [number, number]): number {
  if (max <= min) return min;
  const spread = max - min + 1;
  return min + (((index * 2654435761) >>> 0) % spread);
}

export function deliveryPlan(scenario: Scenario | undefined, defaultDelay: readonly [number, number]): DeliveryPlan {
  const delay = scenario?.chunkDelayMs;
  return {
    latencyMs: scenario?.latencyMs ?? 0,
    fault: scenario?.fault,
    delayBefore(index: number): number {
      if (delay === undefined) return jitter(index, defaultDelay);
      if (typeof delay === 'number') return delay;
      return delay.length === 0 ? 0 : delay[Math.min(index - 1, delay.length - 1)];
    },
  };
}
