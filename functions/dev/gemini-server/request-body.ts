// Reading a parsed Gemini request body: the log summary (no base64 kept), the checks the real API
// makes before generating, and the prompt facts default replies are derived from.
import { createHash } from 'node:crypto';
import { imageSize } from 'image-size';
import type { ContentSummary, InlineDataSummary, RequestBodySummary } from './types.js';

/** A parsed JSON request body; fields are checked before use because clients send anything. */
export type RequestBody = Record<string, unknown>;

const MAX_LOGGED_TEXT = 64 * 1024;
const KNOWN_FIELDS = new Set([
  'contents',
  'systemInstruction',
  'generationConfig',
  'safetySettings',
  'tools',
  'toolConfig',
  'cachedContent',
  'generateContentRequest',
  'model',
]);
/** Gemini bills an inline image as a fixed number of prompt tokens. */
export const IMAGE_TOKENS = 258;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function partsOf(content: unknown): Record<string, unknown>[] {
  if (!isRecord(content) || !Array.isArray(content.parts)) return [];
  return content.parts.filter(isRecord);
}

function decodedBase64Length(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/** XMP packets, wherever they sit (JPEG APP1, PNG iTXt, WebP chunk, HEIF item). */
const XMP_MARKERS = ['<x:xmpmeta', 'http://ns.adobe.com/xap/'];

/**
 * Whether the bytes carry metadata: an XMP packet, or an Exif TIFF directory with at least one entry
 * (an empty directory, as a scrubbed HEIF Exif item holds, says nothing). Found by scanning, so it
 * reads any container the same way.
 */
function carriesMetadata(bytes: Buffer): boolean {
  if (XMP_MARKERS.some((marker) => bytes.includes(marker, 0, 'latin1'))) return true;
  for (const [marker, bigEndian] of [
    ['MM\0*', true],
    ['II*\0', false],
  ] as const) {
    for (let at = bytes.indexOf(marker, 0, 'latin1'); at >= 0; at = bytes.indexOf(marker, at + 1, 'latin1')) {
      if (at + 8 > bytes.length) break;
      const ifd = at + (bigEndian ? bytes.readUInt32BE(at + 4) : bytes.readUInt32LE(at + 4));
      if (ifd + 2 > bytes.length) continue;
      if ((bigEndian ? bytes.readUInt16BE(ifd) : bytes.readUInt16LE(ifd)) > 0) return true;
    }
  }
  return false;
}

function summariseInlineData(inline: Record<string, unknown>): InlineDataSummary {
  const data = typeof inline.data === 'string' ? inline.data : '';
  const bytes = Buffer.from(data, 'base64');
  let size: { width?: number; height?: number } = {};
  try {
    size = imageSize(bytes);
  } catch {
    // not an image the size reader knows: no dimensions in the summary
  }
  return {
    mimeType: typeof inline.mimeType === 'string' ? inline.mimeType : '',
    base64Chars: data.length,
    bytes: decodedBase64Length(data),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...(size.width && size.height ? { width: size.width, height: size.height } : {}),
    hasMetadata: carriesMetadata(bytes),
  };
}

function clip(text: string): string {
  return text.length > MAX_LOGGED_TEXT ? `${text.slice(0, MAX_LOGGED_TEXT)}…[${text.length} chars]` : text;
}

function summariseContent(content: unknown): ContentSummary {
  const summary: ContentSummary = {
    texts: [],
    inlineData: [],
    otherParts: 0,
    thoughtParts: 0,
    functionCalls: [],
    functionResponses: [],
    textSignatures: [],
  };
  if (isRecord(content) && typeof content.role === 'string') summary.role = content.role;
  for (const part of partsOf(content)) {
    if (part.thought === true) summary.thoughtParts++;
    const signature = typeof part.thoughtSignature === 'string' ? part.thoughtSignature : undefined;
    if (typeof part.text === 'string') {
      summary.texts.push(clip(part.text));
      if (signature !== undefined) summary.textSignatures.push(signature);
    } else if (isRecord(part.inlineData)) {
      summary.inlineData.push(summariseInlineData(part.inlineData));
    } else {
      summary.otherParts++;
      const call = part.functionCall;
      const response = part.functionResponse;
      if (isRecord(call)) {
        summary.functionCalls.push({
          name: String(call.name),
          args: call.args,
          ...(typeof call.id === 'string' ? { id: call.id } : {}),
          ...(signature !== undefined ? { thoughtSignature: signature } : {}),
        });
      } else if (isRecord(response)) {
        summary.functionResponses.push({
          name: String(response.name),
          response: response.response,
          ...(typeof response.id === 'string' ? { id: response.id } : {}),
        });
      }
    }
  }
  return summary;
}

/** countTokens may wrap the request as `generateContentRequest`. */
export function effectiveBody(body: RequestBody): RequestBody {
  return isRecord(body.generateContentRequest) ? body.generateContentRequest : body;
}

export function summariseBody(raw: RequestBody): RequestBodySummary {
  const body = effectiveBody(raw);
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const summary: RequestBodySummary = {
    contents: contents.map(summariseContent),
    otherFields: Object.keys(raw).filter((key) => !KNOWN_FIELDS.has(key)),
  };
  const system = systemInstructionText(body);
  if (system !== undefined) summary.systemInstruction = clip(system);
  if (isRecord(body.generationConfig)) summary.generationConfig = body.generationConfig;
  if (Array.isArray(body.safetySettings)) summary.safetySettings = body.safetySettings;
  if (Array.isArray(body.tools)) summary.tools = body.tools;
  if (body.toolConfig !== undefined) summary.toolConfig = body.toolConfig;
  if (typeof body.cachedContent === 'string') summary.cachedContent = body.cachedContent;
  return summary;
}

export function systemInstructionText(body: RequestBody): string | undefined {
  const system = body.systemInstruction;
  if (typeof system === 'string') return system;
  if (!isRecord(system)) return undefined;
  return partsOf(system)
    .map((p) => (typeof p.text === 'string' ? p.text : ''))
    .join('\n');
}

/** The message the real API answers with, or undefined when the request is acceptable. */
export function validateGenerateRequest(body: RequestBody): string | undefined {
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    return '* GenerateContentRequest.contents: contents is not specified';
  }
  const config = generationConfig(body);
  const thinking = isRecord(config.thinkingConfig) ? config.thinkingConfig : {};
  if (thinking.thinkingBudget !== undefined && thinking.thinkingLevel !== undefined) {
    return 'You can only set either thinking budget or thinking level, not both.';
  }
  return undefined;
}

export function generationConfig(body: RequestBody): Record<string, unknown> {
  return isRecord(body.generationConfig) ? body.generationConfig : {};
}

/** Text of the last user message (all its text parts joined). */
export function lastUserText(body: RequestBody): string {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  for (let i = contents.length - 1; i >= 0; i--) {
    const content = contents[i];
    if (isRecord(content) && content.role !== undefined && content.role !== 'user') continue;
    return partsOf(content)
      .map((p) => (typeof p.text === 'string' ? p.text : ''))
      .join('');
  }
  return '';
}

/** Text of the last turn the user wrote (a turn carrying only tool results is skipped). */
export function lastUserQuestion(body: RequestBody): string {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  for (let i = contents.length - 1; i >= 0; i--) {
    const content = contents[i];
    if (isRecord(content) && content.role !== undefined && content.role !== 'user') continue;
    const texts = partsOf(content).filter((p) => typeof p.text === 'string');
    if (texts.length > 0) return texts.map((p) => p.text as string).join('');
  }
  return '';
}

/** The user's own turns: a turn that only carries tool results (functionResponse parts) is not one. */
export function userTurnCount(body: RequestBody): number {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  return contents.filter(
    (c) =>
      isRecord(c) &&
      (c.role === undefined || c.role === 'user') &&
      !partsOf(c).every((part) => isRecord(part.functionResponse)),
  ).length;
}

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Deterministic prompt size: ~4 characters per token, a fixed count per inline image. */
export function estimatePromptTokens(raw: RequestBody): number {
  const body = effectiveBody(raw);
  let tokens = estimateTextTokens(systemInstructionText(body) ?? '');
  const contents = Array.isArray(body.contents) ? body.contents : [];
  for (const content of contents) {
    for (const part of partsOf(content)) {
      if (typeof part.text === 'string') tokens += estimateTextTokens(part.text);
      else if (isRecord(part.inlineData)) tokens += IMAGE_TOKENS;
    }
  }
  return Math.max(1, tokens);
}
