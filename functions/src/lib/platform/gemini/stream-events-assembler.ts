// State shared by the whole Gemini stream: turns response chunks (GenerateContentResponse JSON) into
// GeminiStreamEvents. Only the first candidate is read (streaming is used with one candidate).
// Errors: an `error` object throws GeminiApiError; a block reason without candidates throws
// GeminiBlockedError. finishReason (SAFETY, IMAGE_SAFETY, ...) is only reported in `done`.
import { GeminiApiError, GeminiBlockedError } from './errors.js';
import { blockedCategory, readSafetyRatings, type GeminiSafetyRating } from './safety.js';
import { ImageDeduplicator } from './stream-events-images.js';
import type { DoneEvent, FunctionCallEvent, GeminiStreamEvent, GeminiTokenUsage, TextDeltaEvent } from './types.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Part kinds that are neither text nor inline data but still separate one image from the next. */
const OTHER_CONTENT_KEYS = ['functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult', 'fileData'];

export class GeminiEventAssembler {
  private pending: GeminiStreamEvent[] = [];
  readonly images = new ImageDeduplicator((event) => this.pending.push(event));
  private finishReason: string | undefined;
  private usage: GeminiTokenUsage | undefined;
  private modelVersion: string | undefined;
  private responseId: string | undefined;
  private safetyRatings: GeminiSafetyRating[] | undefined;
  private readonly thoughtImages = new Set<number>();

  /** Events produced since the last call. */
  take(): GeminiStreamEvent[] {
    const events = this.pending;
    if (events.length > 0) this.pending = [];
    return events;
  }

  /** A response chunk that was buffered and parsed whole. */
  handleResponse(response: JsonObject): void {
    this.throwIfError(response);
    this.images.startEvent();
    const candidate = firstCandidate(response);
    const content = candidate?.content;
    const parts = isJsonObject(content) && Array.isArray(content.parts) ? content.parts : [];
    for (const part of parts) if (isJsonObject(part)) this.handlePart(part);
    this.handleMeta(response);
  }

  /**
   * One part. Inline data without a `data` string (a streamed part whose data was handled
   * separately, or a thought image) emits nothing.
   */
  handlePart(part: JsonObject): void {
    const thought = part.thought === true;
    const thoughtSignature = typeof part.thoughtSignature === 'string' ? part.thoughtSignature : undefined;
    if (typeof part.text === 'string') {
      if (part.text.length === 0 && thoughtSignature === undefined) return;
      const event: TextDeltaEvent = { type: 'text-delta', text: part.text };
      if (thought) event.thought = true;
      if (thoughtSignature !== undefined) event.thoughtSignature = thoughtSignature;
      this.pending.push(event);
      this.images.noteOtherPart();
      return;
    }
    if (isJsonObject(part.functionCall)) {
      this.pending.push(functionCallEvent(part.functionCall, part, thoughtSignature));
      this.images.noteOtherPart();
      return;
    }
    const inline = part.inlineData;
    if (isJsonObject(inline)) {
      if (thought) {
        this.images.noteOtherPart(); // interim thought image: drained, nothing emitted
      } else if (typeof inline.data === 'string') {
        this.images.beginImage(typeof inline.mimeType === 'string' ? inline.mimeType : undefined);
        this.images.write(inline.data);
        this.images.endImage();
      }
      return;
    }
    if (OTHER_CONTENT_KEYS.some((key) => key in part)) this.images.noteOtherPart();
  }

  /** An emitted image turned out to be a thought image (its flag came after its data). */
  noteLateThoughtImage(ordinal: number): void {
    this.thoughtImages.add(ordinal);
  }

  /** Error checks and metadata of a response chunk (parts excluded). */
  finishResponse(response: JsonObject): void {
    this.throwIfError(response);
    this.handleMeta(response);
  }

  done(): DoneEvent {
    const done: DoneEvent = {
      type: 'done',
      finishReason: this.finishReason,
      usage: this.usage,
      modelVersion: this.modelVersion,
      responseId: this.responseId,
    };
    if (this.safetyRatings) done.safetyRatings = this.safetyRatings;
    if (this.thoughtImages.size > 0) done.thoughtImageIndexes = [...this.thoughtImages].sort((a, b) => a - b);
    return done;
  }

  private throwIfError(response: JsonObject): void {
    if (response.error !== undefined) throw GeminiApiError.fromErrorObject(response.error);
    const feedback = response.promptFeedback;
    const candidates = response.candidates;
    const noCandidates = !Array.isArray(candidates) || candidates.length === 0;
    if (isJsonObject(feedback) && typeof feedback.blockReason === 'string' && noCandidates) {
      const category = blockedCategory(readSafetyRatings(feedback.safetyRatings));
      throw new GeminiBlockedError(feedback.blockReason, { category });
    }
  }

  private handleMeta(response: JsonObject): void {
    const candidate = firstCandidate(response);
    const finishReason = candidate?.finishReason;
    if (typeof finishReason === 'string') this.finishReason = finishReason;
    const ratings = readSafetyRatings(candidate?.safetyRatings);
    if (ratings && ratings.length > 0) this.safetyRatings = ratings;
    const usage = toUsage(response.usageMetadata);
    if (usage) this.usage = usage; // a running total: the last one wins
    if (typeof response.modelVersion === 'string') this.modelVersion = response.modelVersion;
    if (typeof response.responseId === 'string') this.responseId = response.responseId;
  }
}

function functionCallEvent(
  call: JsonObject,
  part: JsonObject,
  thoughtSignature: string | undefined,
): FunctionCallEvent {
  const event: FunctionCallEvent = {
    type: 'function-call',
    name: typeof call.name === 'string' ? call.name : '',
    args: call.args ?? {},
    part,
  };
  if (typeof call.id === 'string' && call.id !== '') event.id = call.id;
  if (thoughtSignature !== undefined) event.thoughtSignature = thoughtSignature;
  return event;
}

function firstCandidate(response: JsonObject): JsonObject | undefined {
  const candidates = response.candidates;
  if (!Array.isArray(candidates)) return undefined;
  const first: unknown = candidates[0];
  return isJsonObject(first) ? first : undefined;
}

function toUsage(value: unknown): GeminiTokenUsage | undefined {
  if (!isJsonObject(value)) return undefined;
  const count = (key: string): number | undefined =>
    typeof value[key] === 'number' ? (value[key] as number) : undefined;
  const usage: GeminiTokenUsage = {
    promptTokenCount: count('promptTokenCount') ?? 0,
    candidatesTokenCount: count('candidatesTokenCount') ?? 0,
    totalTokenCount: count('totalTokenCount') ?? 0,
  };
  const thoughts = count('thoughtsTokenCount');
  if (thoughts !== undefined) usage.thoughtsTokenCount = thoughts;
  const cached = count('cachedContentTokenCount');
  if (cached !== undefined) usage.cachedContentTokenCount = cached;
  const toolUse = count('toolUsePromptTokenCount');
  if (toolUse !== undefined) usage.toolUsePromptTokenCount = toolUse;
  const images = modalityCount(value.candidatesTokensDetails, 'IMAGE');
  if (images !== undefined) usage.imageOutputTokenCount = images;
  return usage;
}

/** The tokens of one modality in a `*TokensDetails` list ([{modality, tokenCount}]), if it lists it. */
function modalityCount(details: unknown, modality: string): number | undefined {
  if (!Array.isArray(details)) return undefined;
  let total: number | undefined;
  for (const entry of details) {
    if (isJsonObject(entry) && entry.modality === modality && typeof entry.tokenCount === 'number') {
      total = (total ?? 0) + entry.tokenCount;
    }
  }
  return total;
}
