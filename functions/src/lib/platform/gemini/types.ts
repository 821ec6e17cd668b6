// Event and block types of the Gemini stream: parseGeminiEvents' events and collectText's blocks.
// Nothing here knows about storage: uploaded images (ImageBlock) belong to image-pipeline/, which
// consumes these events.

/** Token usage as Gemini reports it (a running total; the last chunk's is final). */
export interface GeminiTokenUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
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

/** Answer text, or thinking text when `thought` is true (never part of the answer). */
export interface TextDeltaEvent {
  type: 'text-delta';
  text: string;
  thought?: boolean;
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
}

export type GeminiStreamEvent = ImageStartEvent | ImageDeltaEvent | TextDeltaEvent | DoneEvent;

export interface TextBlock {
  type: 'text';
  text: string;
}

/** Thinking text collected separately, so it can never leak into the answer text. */
export interface ThoughtBlock {
  type: 'thought';
  text: string;
}
