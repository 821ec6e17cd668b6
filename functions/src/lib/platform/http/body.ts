// Getting the JSON body, whatever the hosting framework already did with it.
//
// Found empirically (firebase-tools 15 functions emulator; the Cloud Functions Node.js functions
// framework is built the same way): before our handler runs, Express body parsers read the request
// (json, text, urlencoded, raw for any other type; 32 MB limit; `req.rawBody` kept). For
// `application/json` they JSON.parse the body themselves, and a malformed body is answered by Express's
// default error handler with a 400 HTML page (its stack trace outside production): OUR HANDLER NEVER RUNS,
// so no `invalid_json` there. A body over 32 MB gets a 413 from the framework the same way.
// What does reach us and is handled here:
// - a parsed object (the normal case): size-checked against our own, much smaller, limit via rawBody;
// - `application/<x>+json` bodies, which the framework's raw parser hands over as a Buffer;
// - a body the framework left unread (mounted without body parsers): read here, with the limit;
// in the last two cases we parse, and malformed JSON is our 400 `invalid_json`.
import type { Request } from 'express';
import { HttpError } from './errors.js';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

type RequestWithRawBody = Request & { rawBody?: unknown };

function payloadTooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes`, {
    details: { maxBytes },
  });
}

function declaredLength(req: Request): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isFinite(length) ? length : undefined;
}

function hasUnreadBody(req: Request): boolean {
  const mayHaveBody = req.headers['transfer-encoding'] !== undefined || (declaredLength(req) ?? 0) > 0;
  return mayHaveBody && !req.readableEnded && req.readable;
}

/** Reads an unconsumed request stream, giving up (413) as soon as it passes `maxBytes`. */
async function readStream(req: Request, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > maxBytes) {
      req.unpipe();
      req.resume(); // drain the rest so the connection is not left half-read
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  // An empty body reads as {}, as the framework's JSON parser does: schemas then name the missing fields.
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON');
  }
}

/** The JSON body of `req`, enforcing `maxBytes` on the bytes actually received. */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) throw payloadTooLarge(maxBytes);

  const { rawBody } = req as RequestWithRawBody;
  const body: unknown = req.body;
  const alreadyParsed = body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string';

  let raw: Buffer;
  if (Buffer.isBuffer(rawBody)) raw = rawBody;
  else if (Buffer.isBuffer(body)) raw = body;
  else if (typeof body === 'string') raw = Buffer.from(body, 'utf8');
  else if (alreadyParsed)
    raw = Buffer.from(JSON.stringify(body) ?? '', 'utf8'); // parsed without rawBody
  else if (hasUnreadBody(req)) raw = await readStream(req, maxBytes);
  else raw = Buffer.alloc(0);

  if (raw.length > maxBytes) throw payloadTooLarge(maxBytes);
  return alreadyParsed ? body : parseJson(raw);
}
