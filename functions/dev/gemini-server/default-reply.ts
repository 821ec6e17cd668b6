// The unscripted reply: deterministic, derived from the request, and always marked as offline output.
// Text for plain requests, schema-conforming JSON for structured output, a real PNG for IMAGE modality.
import { createHash } from 'node:crypto';
import { invalidArgumentError } from './errors.js';
import { dimensionsForAspectRatio, generateImage } from './images.js';
import type { ContentItem, ReplyPlan } from './reply-plan.js';
import {
  estimatePromptTokens,
  estimateTextTokens,
  generationConfig,
  lastUserText,
  userTurnCount,
  type RequestBody,
} from './request-body.js';
import { explanationAnswer } from './explanation-reply.js';
import { sampleFromSchema } from './schema-sample.js';
import { toolReply } from './tool-reply.js';
import type { GeminiAction } from './types.js';

export const OFFLINE_MARK = '[offline model]';

export interface DefaultReplyOptions {
  /** Short side in pixels of default images (the long side follows the aspect ratio). */
  imageShortSide: number;
}

export function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 8);
}

/** Splits text into about `count` chunks at word boundaries (never empty chunks). */
export function splitIntoChunks(text: string, count: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  for (let i = 1; i < count && start < text.length; i++) {
    let cut = Math.max(start + 1, Math.round((text.length * i) / count));
    const space = text.indexOf(' ', cut);
    cut = space === -1 ? text.length : space + 1;
    if (cut >= text.length) break;
    chunks.push(text.slice(start, cut));
    start = cut;
  }
  chunks.push(text.slice(start));
  return chunks.filter((chunk) => chunk.length > 0);
}

export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

function offlineText(body: RequestBody): string {
  return offlineReplyText(lastUserText(body), userTurnCount(body));
}

/** The deterministic reply text to the user's last message (`turn`: the user's turns so far). */
export function offlineReplyText(prompt: string, turn: number): string {
  const about = prompt ? `to: "${excerpt(prompt)}"` : 'to a message without text';
  return (
    `${OFFLINE_MARK} Deterministic offline reply${turn > 1 ? ` (turn ${turn})` : ''} ${about}. ` +
    `No AI model was involved. Reference ${digest(`${turn}|${prompt}`)}.`
  );
}

function upperList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => String(v).toUpperCase()) : [];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function thinkingItems(config: Record<string, unknown>, prompt: string): ContentItem[] {
  if (record(config.thinkingConfig).includeThoughts !== true) return [];
  const text = `${OFFLINE_MARK} Thinking (offline): planning a reply about "${excerpt(prompt) || 'the message'}".`;
  return [{ type: 'text', chunks: splitIntoChunks(text, 2), thought: true }];
}

function structuredText(config: Record<string, unknown>, body: RequestBody): string {
  const schema = config.responseJsonSchema ?? config.responseSchema;
  const seed = digest(lastUserText(body));
  if (schema === undefined) return JSON.stringify({ reply: offlineText(body) });
  return explanationAnswer(lastUserText(body), schema) ?? JSON.stringify(sampleFromSchema(schema, seed));
}

function enumText(config: Record<string, unknown>, body: RequestBody): string {
  const values = record(config.responseSchema).enum;
  if (!Array.isArray(values) || values.length === 0) return offlineText(body);
  return String(values[parseInt(digest(lastUserText(body)), 16) % values.length]);
}

function imagePlan(config: Record<string, unknown>, body: RequestBody, opts: DefaultReplyOptions): ReplyPlan {
  const aspectRatio = record(config.imageConfig).aspectRatio;
  const dims = dimensionsForAspectRatio(typeof aspectRatio === 'string' ? aspectRatio : undefined, opts.imageShortSide);
  if (!dims)
    return { kind: 'http-error', error: invalidArgumentError(`Unsupported aspect ratio: ${String(aspectRatio)}`) };
  const prompt = lastUserText(body);
  const items: ContentItem[] = [...thinkingItems(config, prompt)];
  if (upperList(config.responseModalities).includes('TEXT')) {
    const text = `${OFFLINE_MARK} Offline placeholder image for: "${excerpt(prompt) || 'the request'}".`;
    items.push({ type: 'text', chunks: splitIntoChunks(text, 2), thought: false });
  }
  const seed = parseInt(digest(prompt), 16);
  const image = generateImage({ mimeType: 'image/png', ...dims, seed });
  items.push({ type: 'image', image, delivery: 'whole', fragments: 1, aligned: true, thought: false });
  return { kind: 'content', items, finishReason: 'STOP', finishInSeparateEvent: false };
}

export function defaultReply(action: GeminiAction, body: RequestBody, opts: DefaultReplyOptions): ReplyPlan {
  if (action === 'countTokens') return { kind: 'count-tokens', totalTokens: estimatePromptTokens(body) };
  const config = generationConfig(body);
  if (upperList(config.responseModalities).includes('IMAGE')) return imagePlan(config, body, opts);
  const tools = toolReply(body);
  if (tools) return tools;

  const mimeType = config.responseMimeType;
  const items = thinkingItems(config, lastUserText(body));
  let finishReason = 'STOP';
  let text: string;
  if (mimeType === 'application/json') text = structuredText(config, body);
  else if (mimeType === 'text/x.enum') text = enumText(config, body);
  else {
    text = offlineText(body);
    const limit = typeof config.maxOutputTokens === 'number' ? config.maxOutputTokens : undefined;
    if (limit !== undefined && estimateTextTokens(text) > limit) {
      text = text.slice(0, Math.max(0, limit * 4));
      finishReason = 'MAX_TOKENS';
    }
  }
  const chunks = mimeType === 'application/json' ? splitEvenly(text, 3) : splitIntoChunks(text, 4);
  items.push({ type: 'text', chunks, thought: false });
  return { kind: 'content', items, finishReason, finishInSeparateEvent: false };
}

/** JSON has few spaces; cut it by length instead, as the real API streams partial JSON. */
function splitEvenly(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks.length > 0 ? chunks : [''];
}
