// Input images given inline as `data:image/<type>;base64,<data>`. The base64 is checked cheaply
// (alphabet, length, padding: one regex pass, no decode) and its first bytes are decoded, to confirm
// that they are an image (image-signature.ts), before the whole is decoded for input-normalize.ts.
import { SourceImageError } from './errors.js';
import { confirmImageType, SIGNATURE_BYTES } from './image-signature.js';
import { normalizeMimeType, SUPPORTED_SOURCE_MIME_TYPES } from './mime.js';

export interface InlineBase64Image {
  mimeType: string;
  /** Base64 text exactly as received. */
  base64: string;
  /** Decoded size. */
  bytes: number;
}

/**
 * `data:` + media type + parameters + `;base64` up to the first comma. Real heads are a few dozen
 * characters; the bound keeps a megabyte-long head from being parsed, or echoed back in an error.
 */
const MAX_HEAD_CHARS = 256;
/** Standard alphabet, whole quads, optional one or two '=' at the very end. */
const BASE64_BODY = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SIGNATURE_BASE64_CHARS = Math.ceil(SIGNATURE_BYTES / 3) * 4;

export function isDataUri(value: string): boolean {
  return /^data:/i.test(value);
}

export function parseDataUri(value: string, maxBytes: number, field: string): InlineBase64Image {
  const { mimeType: declared, bodyStart } = parseHead(value, field);
  if (!SUPPORTED_SOURCE_MIME_TYPES.has(declared)) throw unsupportedType(field, declared);
  const base64 = value.slice(bodyStart);
  if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64_BODY.test(base64)) {
    throw invalid(field, 'is not valid base64');
  }
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const bytes = (base64.length / 4) * 3 - padding;
  if (bytes > maxBytes) throw tooLarge(field, maxBytes);
  const head = Buffer.from(base64.slice(0, SIGNATURE_BASE64_CHARS), 'base64');
  return { mimeType: confirmImageType(declared, head, field), base64, bytes };
}

/**
 * The media type of a `data:<type>[;param]*;base64,` head, and where the data starts. Split by hand:
 * a regex with a repeated parameter group overflowed the stack on a head of ~6 M semicolons.
 */
function parseHead(value: string, field: string): { mimeType: string; bodyStart: number } {
  const comma = value.indexOf(',');
  const malformed = (): SourceImageError => invalid(field, 'must be a base64 data URI (data:image/png;base64,...)');
  if (comma < 0 || comma > MAX_HEAD_CHARS) throw malformed();
  const segments = value.slice('data:'.length, comma).split(';');
  const mediaType = segments[0].trim();
  if (mediaType.length === 0 || segments.length < 2 || segments[segments.length - 1].toLowerCase() !== 'base64') {
    throw malformed();
  }
  return { mimeType: normalizeMimeType(mediaType), bodyStart: comma + 1 };
}

function invalid(field: string, problem: string): SourceImageError {
  return new SourceImageError(400, 'invalid_image', `${field} ${problem}`, { field });
}

/** RFC 6838 type/subtype names; anything else is not echoed back (it could be any string at all). */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/;

/** 415 for a declared (data URI) or served (Content-Type) type we do not take. */
export function unsupportedType(field: string, mimeType: string): SourceImageError {
  return new SourceImageError(415, 'unsupported_image_type', `${field}: unsupported image type`, {
    field,
    mimeType: MEDIA_TYPE.test(mimeType) ? mimeType : null,
    supported: [...SUPPORTED_SOURCE_MIME_TYPES],
  });
}

export function tooLarge(field: string, maxBytes: number): SourceImageError {
  return new SourceImageError(413, 'image_too_large', `${field} is larger than ${maxBytes} bytes`, { field, maxBytes });
}
