// Event and block types of the Gemini stream: parseGeminiEvents' events and collectText's blocks.
// Nothing here knows about storage: uploaded images (ImageBlock) belong to image-pipeline/, which
// consumes these events.
import type { GeminiSafetyRating } from './safety.js';

/** Token usage as Gemini reports it (a running total; the last chunk's is final). */
export interface GeminiTokenUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  /** Thinking tokens: not in candidatesTokenCount, billed as output. */
  thoughtsTokenCount?: number;
  /** The part of promptTokenCount read from a context cache (billed at the cache price). */
  cachedContentTokenCount?: number;
  /** Prompt tokens of tool use (e.g. search results), billed as input. */
  toolUsePromptTokenCount?: number;
  /** The IMAGE part of candidatesTokenCount, when candidatesTokensDetails lists it. */
  imageOutputTokenCount?: number;
}

export interface ImageStartEvent {
  type: 'image-start';
  mimeType: string;
}

/** Base64 text of bytes not seen before (cumulative deliveries are already deduplicated). */
export interface ImageDeltaEvent {
  type: 'image-delta';
  data: string;
}

/**
 * Answer text, or thinking text when `thought` is true (never part of the answer). `text` is empty
 * only for a part that carries nothing but a `thoughtSignature` (Gemini 3 ends some replies with one).
 */
export interface TextDeltaEvent {
  type: 'text-delta';
  text: string;
  thought?: boolean;
  /** Opaque; must go back to Gemini with the model's message, exactly as received. */
  thoughtSignature?: string;
}

/**
 * A tool call as Gemini sent it. `args` is whatever JSON arrived (validate before use); `part` is the
 * whole part object, to be sent back verbatim with the model's message (its `thoughtSignature` included).
 */
export interface FunctionCallEvent {
  type: 'function-call';
  name: string;
  args: unknown;
  /** Gemini's call id, when it gives one (a functionResponse then names it). */
  id?: string;
  thoughtSignature?: string;
  part: Record<string, unknown>;
}

export interface DoneEvent {
  type: 'done';
  finishReason?: string;
  usage?: GeminiTokenUsage;
  modelVersion?: string;
  responseId?: string;
  /**
   * 0-based indexes (in image-start order) of images that were emitted but turned out to be thought
   * (interim) images: Gemini puts `thought: true` after a part's data, so in an event too large to
   * buffer the flag arrives after the image has streamed. Absent when there were none. (Thought
   * images whose flag is known before their data are never emitted.)
   */
  thoughtImageIndexes?: number[];
  /** The last safety ratings Gemini sent for the candidate (they come with a content stop). */
  safetyRatings?: GeminiSafetyRating[];
}

export type GeminiStreamEvent = ImageStartEvent | ImageDeltaEvent | TextDeltaEvent | FunctionCallEvent | DoneEvent;

export interface TextBlock {
  type: 'text';
  text: string;
}

/** Thinking text collected separately, so it can never leak into the answer text. */
export interface ThoughtBlock {
  type: 'thought';
  text: string;
}
