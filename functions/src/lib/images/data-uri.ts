// Input images given inline as `data:image/<type>;base64,<data>`. The base64 is checked cheaply
// (alphabet, length, padding: one regex pass, no decode) and handed to Gemini as is, never re-encoded.
import { SourceImageError } from './errors';
import { normalizeMimeType, SUPPORTED_SOURCE_MIME_TYPES } from './mime';

export interface InlineBase64Image {
  mimeType: string;
  /** Base64 text exactly as received. */
  base64: string;
  /** Decoded size. */
  bytes: number;
}

const DATA_URI_HEAD = /^data:([^;,]+)((?:;[^;,]*)*?);base64,/i;
/** Standard alphabet, whole quads, optional one or two '=' at the very end. */
const BASE64_BODY = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isDataUri(value: string): boolean {
  return /^data:/i.test(value);
}

export function parseDataUri(value: string, maxBytes: number, field: string): InlineBase64Image {
  const head = DATA_URI_HEAD.exec(value);
  if (!head) throw invalid(field, 'must be a base64 data URI (data:image/png;base64,...)');
  const mimeType = normalizeMimeType(head[1]);
  if (!SUPPORTED_SOURCE_MIME_TYPES.has(mimeType)) {
    throw new SourceImageError(415, 'unsupported_image_type', `${field}: unsupported image type`, {
      field,
      mimeType,
      supported: [...SUPPORTED_SOURCE_MIME_TYPES],
    });
  }
  const base64 = value.slice(head[0].length);
  if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64_BODY.test(base64)) {
    throw invalid(field, 'is not valid base64');
  }
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const bytes = (base64.length / 4) * 3 - padding;
  if (bytes > maxBytes) throw tooLarge(field, maxBytes);
  return { mimeType, base64, bytes };
}

function invalid(field: string, problem: string): SourceImageError {
  return new SourceImageError(400, 'invalid_image', `${field} ${problem}`, { field });
}

export function tooLarge(field: string, maxBytes: number): SourceImageError {
  return new SourceImageError(413, 'image_too_large', `${field} is larger than ${maxBytes} bytes`, { field, maxBytes });
}
