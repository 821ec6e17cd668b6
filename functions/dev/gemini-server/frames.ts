// Renders a plan into GenerateContentResponse JSON, one object per stream event (or one for a unary
// reply). Image base64 is never copied into the JSON string: the JSON is rendered around a placeholder
// and returned as pieces, with the base64 as a (source, start, end) slice of the cached buffer.
import { randomBytes } from 'node:crypto';
import type { ContentPlan, FunctionCallItem, ImageItem } from './reply-plan.js';
import { estimateTextTokens } from './request-body.js';
import type { SafetyRating, UsageMetadata } from './types.js';

export interface BufferSlice {
  source: Buffer;
  start: number;
  end: number;
}

/** A JSON document as ordered pieces: literal text and base64 slices. */
export type Piece = string | BufferSlice;

export interface ResponseMeta {
  modelVersion: string;
  responseId: string;
  promptTokens: number;
  /**
   * Vertex AI's response shape: `createTime` on every chunk, safety ratings with scores and severities
   * on every content chunk (NEGLIGIBLE unless scripted), a `blockReasonMessage` on a blocked prompt.
   * Images arrive whole, one `inlineData` part in one event, as on Vertex (unless a scenario scripts
   * a fragmented or cumulative delivery).
   */
  vertex?: { createTime: string };
}

const VERTEX_CATEGORIES = [
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
];
const SCORE_BY_PROBABILITY: Record<string, number> = { NEGLIGIBLE: 0.05, LOW: 0.3, MEDIUM: 0.6, HIGH: 0.9 };

/** A rating as Vertex words it: probability and severity, each with a score. */
function vertexRating(rating: SafetyRating): Record<string, unknown> {
  const score = SCORE_BY_PROBABILITY[rating.probability] ?? 0.05;
  return {
    category: rating.category,
    probability: rating.probability,
    probabilityScore: score,
    severity: `HARM_SEVERITY_${rating.probability}`,
    severityScore: score,
    ...(rating.blocked ? { blocked: true } : {}),
  };
}

function ratingsFor(meta: ResponseMeta, ratings: SafetyRating[] | undefined): unknown[] | undefined {
  if (!meta.vertex) return ratings;
  const shown = ratings ?? VERTEX_CATEGORIES.map((category) => ({ category, probability: 'NEGLIGIBLE' }));
  return shown.map(vertexRating);
}

interface PartRef {
  text?: string;
  thought: boolean;
  thoughtSignature?: string;
  image?: { mimeType: string } & BufferSlice;
  functionCall?: { name: string; args: unknown; id?: string };
}

/** Gemini bills a tool call as output tokens; roughly its JSON size. */
function callTokens(item: FunctionCallItem): number {
  return estimateTextTokens(JSON.stringify({ name: item.name, args: item.args }));
}

function callPart(item: FunctionCallItem, withSignature: boolean): PartRef {
  const part: PartRef = { thought: false, functionCall: { name: item.name, args: item.args } };
  if (item.id !== undefined) part.functionCall!.id = item.id;
  if (withSignature && item.thoughtSignature) part.thoughtSignature = item.thoughtSignature;
  return part;
}

export interface EventSpec {
  parts: PartRef[];
  finish: boolean;
  /** Tokens this event adds to the running totals. */
  candidateTokens: number;
  thoughtTokens: number;
}

/** Output tokens Gemini bills per generated image. */
const IMAGE_OUTPUT_TOKENS = 1290;
const PLACEHOLDER = `__offline_base64_${randomBytes(6).toString('hex')}_`;

/** [start, end) base64 ranges per event of one image. */
export function imageRanges(item: ImageItem): Array<[number, number]> {
  const length = item.image.base64.length;
  if (item.delivery === 'whole' || item.fragments <= 1) return [[0, length]];
  const quads = Math.ceil(length / 4);
  const count = Math.min(item.fragments, item.aligned ? quads : length);
  const cuts = [0];
  for (let i = 1; i < count; i++) {
    let cut = item.aligned ? Math.round((quads * i) / count) * 4 : Math.round((length * i) / count);
    if (!item.aligned && cut % 4 === 0) cut += 1; // deliberately mid-quad
    cuts.push(Math.min(Math.max(cut, cuts[cuts.length - 1] + 1), length - (count - i)));
  }
  cuts.push(length);
  return cuts.slice(1).map((end, i) => [item.delivery === 'cumulative' ? 0 : cuts[i], end]);
}

function tokenSplit(thought: boolean, tokens: number): { candidateTokens: number; thoughtTokens: number } {
  return thought ? { candidateTokens: 0, thoughtTokens: tokens } : { candidateTokens: tokens, thoughtTokens: 0 };
}

export function streamEvents(plan: ContentPlan): EventSpec[] {
  const events: EventSpec[] = [];
  const repeats: FunctionCallItem[] = [];
  for (const item of plan.items) {
    if (item.type === 'functionCall') {
      const previous = events[events.length - 1];
      if (item.sameChunk && previous) {
        previous.parts.push(callPart(item, true));
        previous.candidateTokens += callTokens(item);
      } else {
        events.push({
          parts: [callPart(item, true)],
          finish: false,
          candidateTokens: callTokens(item),
          thoughtTokens: 0,
        });
      }
      if (item.repeatInLaterChunk) repeats.push(item);
      continue;
    }
    if (item.type === 'text') {
      item.chunks.forEach((text, i) => {
        const part: PartRef = { text, thought: item.thought };
        if (i === 0 && item.thoughtSignature) part.thoughtSignature = item.thoughtSignature;
        events.push({ parts: [part], finish: false, ...tokenSplit(item.thought, estimateTextTokens(text)) });
      });
      continue;
    }
    imageRanges(item).forEach(([start, end], i) => {
      const image = { mimeType: item.image.mimeType, source: item.image.base64, start, end };
      events.push({
        parts: [{ image, thought: item.thought }],
        finish: false,
        ...tokenSplit(item.thought, i === 0 ? IMAGE_OUTPUT_TOKENS : 0),
      });
    });
  }
  // Repeated calls come back after everything else, without their signatures (as seen from Gemini).
  for (const item of repeats)
    events.push({ parts: [callPart(item, false)], finish: false, candidateTokens: 0, thoughtTokens: 0 });
  const last = events[events.length - 1];
  if (!last || plan.finishInSeparateEvent)
    events.push({ parts: [], finish: true, candidateTokens: 0, thoughtTokens: 0 });
  else last.finish = true;
  return events;
}

/** The whole reply as one response: text chunks joined, each image complete. */
export function unaryEvent(plan: ContentPlan): EventSpec {
  const spec: EventSpec = { parts: [], finish: true, candidateTokens: 0, thoughtTokens: 0 };
  for (const item of plan.items) {
    if (item.type === 'functionCall') {
      spec.candidateTokens += callTokens(item);
      spec.parts.push(callPart(item, true));
      continue;
    }
    const tokens = item.type === 'text' ? estimateTextTokens(item.chunks.join('')) : IMAGE_OUTPUT_TOKENS;
    const split = tokenSplit(item.thought, tokens);
    spec.candidateTokens += split.candidateTokens;
    spec.thoughtTokens += split.thoughtTokens;
    if (item.type === 'text') {
      const part: PartRef = { text: item.chunks.join(''), thought: item.thought };
      if (item.thoughtSignature) part.thoughtSignature = item.thoughtSignature;
      spec.parts.push(part);
    } else {
      const { base64, mimeType } = item.image;
      spec.parts.push({ image: { mimeType, source: base64, start: 0, end: base64.length }, thought: item.thought });
    }
  }
  return spec;
}

export function usageMetadata(
  promptTokens: number,
  candidates: number,
  thoughts: number,
  override?: Partial<UsageMetadata>,
): UsageMetadata {
  const usage: UsageMetadata = {
    promptTokenCount: promptTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: promptTokens + candidates + thoughts,
  };
  if (thoughts > 0) usage.thoughtsTokenCount = thoughts;
  return { ...usage, ...override };
}

/** Splits a JSON string at the placeholders, inserting the matching buffer slices. */
function spliceSlices(json: string, slices: BufferSlice[]): Piece[] {
  const pieces: Piece[] = [];
  let rest = json;
  slices.forEach((slice, i) => {
    const token = `${PLACEHOLDER}${i}`;
    const at = rest.indexOf(token);
    pieces.push(rest.slice(0, at), slice);
    rest = rest.slice(at + token.length);
  });
  pieces.push(rest);
  return pieces.filter((piece) => typeof piece !== 'string' || piece.length > 0);
}

export function renderContentEvent(
  spec: EventSpec,
  plan: ContentPlan,
  meta: ResponseMeta,
  usage: UsageMetadata,
): Piece[] {
  const slices: BufferSlice[] = [];
  const parts = spec.parts.map((part) => {
    const json: Record<string, unknown> = {};
    if (part.image) {
      json.inlineData = { mimeType: part.image.mimeType, data: `${PLACEHOLDER}${slices.length}` };
      slices.push(part.image);
    } else if (part.functionCall) {
      json.functionCall = part.functionCall;
    } else {
      json.text = part.text;
    }
    if (part.thought) json.thought = true;
    if (part.thoughtSignature) json.thoughtSignature = part.thoughtSignature;
    return json;
  });
  const candidate: Record<string, unknown> = {
    content: parts.length > 0 ? { parts, role: 'model' } : { role: 'model' },
  };
  if (spec.finish) candidate.finishReason = plan.finishReason;
  const ratings = ratingsFor(meta, spec.finish ? plan.safetyRatings : undefined);
  if (ratings && (spec.finish || parts.length > 0)) candidate.safetyRatings = ratings;
  candidate.index = 0;
  const json = JSON.stringify({
    candidates: [candidate],
    usageMetadata: usage,
    modelVersion: plan.modelVersion ?? meta.modelVersion,
    ...(meta.vertex ? { createTime: meta.vertex.createTime } : {}),
    responseId: meta.responseId,
  });
  return spliceSlices(json, slices);
}

export function renderBlocked(blockReason: string, safetyRatings: SafetyRating[], meta: ResponseMeta): string {
  const feedback: Record<string, unknown> = { blockReason, safetyRatings: ratingsFor(meta, safetyRatings) };
  if (meta.vertex)
    feedback.blockReasonMessage = `The prompt was blocked due to ${blockReason.toLowerCase()}. [offline model]`;
  return JSON.stringify({
    promptFeedback: feedback,
    usageMetadata: { promptTokenCount: meta.promptTokens, totalTokenCount: meta.promptTokens },
    modelVersion: meta.modelVersion,
    responseId: meta.responseId,
  });
}
