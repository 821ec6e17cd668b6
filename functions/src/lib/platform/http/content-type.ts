import type { Request } from 'express';
import { HttpError } from './errors.js';

/** application/json, or any `application/<x>+json` (RFC 6839 structured syntax suffix). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
}

export function assertJsonContentType(req: Request): void {
  if (isJsonMediaType(req.headers['content-type'])) return;
  throw new HttpError(415, 'unsupported_media_type', 'Send the request body as Content-Type: application/json');
}
