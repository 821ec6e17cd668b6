// Fetching an input image by URL without opening an SSRF hole:
// - https only, host and port on the allow-list (host-allow-list.ts), checked again on every
//   redirect (at most 3, followed by hand);
// - the host is resolved here and EVERY address it resolves to must be public (address-policy.ts);
//   the connection then goes to the address that was checked (custom `lookup`, one connection per
//   request), so a second DNS answer cannot swap in a private address (no rebinding window);
// - content-type must be a supported image type, Content-Length is checked first, and the bytes are
//   counted while they stream, so at most `maxBytes` are ever read;
// - the first bytes must be a supported image (image-signature.ts), read before the body is handed on.
// The body is returned as a stream; the caller reads it (at most maxBytes) before any Gemini call.
import { lookup as dnsLookup } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isAllowedAddress, type AddressPolicy } from './address-policy.js';
import { tooLarge, unsupportedType } from './data-uri.js';
import { isAllowedHost } from './host-allow-list.js';
import { confirmImageType, SIGNATURE_BYTES } from './image-signature.js';
import { SourceImageError } from './errors.js';
import { normalizeMimeType, SUPPORTED_SOURCE_MIME_TYPES } from './mime.js';

export interface SourceFetchPolicy extends AddressPolicy {
  /** IMAGE_SOURCE_ALLOWED_HOSTS entries: "host", "host:port", "*.example.com[:port]" (host-allow-list.ts). */
  allowedHosts: readonly string[];
  maxBytes: number;
  /** Socket inactivity limit (connect, headers, and between body chunks). */
  idleTimeoutMs?: number;
}

export interface FetchedImage {
  mimeType: string;
  /** Content-Length, when the source declared one (never above maxBytes). */
  declaredBytes?: number;
  /** The image bytes as they arrive; throws SourceImageError past maxBytes. Iterate once. */
  body: AsyncIterable<Uint8Array>;
  /** Releases the connection if the body will not be read (idempotent). */
  close(): void;
}

const MAX_REDIRECTS = 3;
const DEFAULT_IDLE_TIMEOUT_MS = 15_000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Throws SourceImageError(400 source_not_allowed) unless `url` may be fetched under `policy`. */
export function assertFetchableUrl(url: URL, policy: SourceFetchPolicy, field: string): void {
  const httpAllowed = policy.allowLoopback && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !httpAllowed) throw notAllowed(field, 'must use https');
  if (url.username || url.password) throw notAllowed(field, 'must not carry credentials');
  if (!isAllowedHost(url, policy.allowedHosts)) throw notAllowed(field, 'is not on an allowed host and port');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(hostname) && !isAllowedAddress(hostname, policy)) throw notAllowed(field, 'points at a non-public address');
}

export async function fetchSourceImage(
  url: URL,
  policy: SourceFetchPolicy,
  field: string,
  signal: AbortSignal,
): Promise<FetchedImage> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    assertFetchableUrl(current, policy, field);
    const response = await get(current, policy, field, signal);
    const status = response.statusCode ?? 0;
    if (REDIRECT_STATUSES.has(status) && response.headers.location) {
      response.destroy();
      if (redirects >= MAX_REDIRECTS) throw unavailable(field, 'redirected too many times');
      current = redirectTarget(response.headers.location, current, field);
      continue;
    }
    return confirmedImage(checkedImage(response, policy, field), field);
  }
}

/** The next hop; a Location no URL parser accepts is the source's fault, not ours (422, not 502). */
function redirectTarget(location: string, base: URL, field: string): URL {
  try {
    return new URL(location, base);
  } catch (error) {
    throw unavailable(field, 'redirected to an invalid URL', undefined, error);
  }
}

function checkedImage(response: IncomingMessage, policy: SourceFetchPolicy, field: string): FetchedImage {
  const fail = (error: SourceImageError): never => {
    response.destroy();
    throw error;
  };
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) fail(unavailable(field, `answered HTTP ${status}`, status));
  const encoding = response.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') fail(unavailable(field, 'is content-encoded'));
  const mimeType = normalizeMimeType(response.headers['content-type'] ?? '');
  if (!SUPPORTED_SOURCE_MIME_TYPES.has(mimeType)) fail(unsupportedType(field, mimeType));
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > policy.maxBytes) fail(tooLarge(field, policy.maxBytes));

  return {
    mimeType,
    ...(Number.isFinite(declared) ? { declaredBytes: declared } : {}),
    body: cappedBody(response, policy.maxBytes, field),
    close: () => response.destroy(),
  };
}

/**
 * Reads the first bytes before anything is handed on, so a body that is no image (an error page
 * served as image/png) is refused before Gemini is called; the bytes read are yielded again.
 */
async function confirmedImage(image: FetchedImage, field: string): Promise<FetchedImage> {
  const iterator = image.body[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let mimeType: string;
  try {
    while (headBytes < SIGNATURE_BYTES) {
      const next = await iterator.next();
      if (next.done) break;
      head.push(next.value);
      headBytes += next.value.length;
    }
    mimeType = confirmImageType(image.mimeType, Buffer.concat(head), field);
  } catch (error) {
    image.close();
    throw error;
  }
  async function* body(): AsyncGenerator<Uint8Array> {
    yield* head;
    yield* { [Symbol.asyncIterator]: () => iterator }; // forwards an early return, which frees the socket
  }
  return { ...image, mimeType, body: body() };
}

async function* cappedBody(response: IncomingMessage, maxBytes: number, field: string): AsyncGenerator<Uint8Array> {
  let total = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(field, maxBytes);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof SourceImageError) throw error;
    throw unavailable(field, 'could not be read to the end', undefined, error);
  } finally {
    response.destroy(); // no-op after a complete read; frees the socket after an early stop
  }
}

function get(url: URL, policy: SourceFetchPolicy, field: string, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'GET',
      agent: false, // a fresh connection, so every connect goes through the vetting lookup below
      lookup: vettedLookup(policy, field),
      signal,
      headers: { accept: [...SUPPORTED_SOURCE_MIME_TYPES].join(', '), 'accept-encoding': 'identity' },
    });
    request.setTimeout(policy.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
      request.destroy(unavailable(field, 'did not answer in time'));
    });
    request.once('response', resolve);
    request.once('error', (error) => {
      if (error instanceof SourceImageError || signal.aborted) reject(signal.aborted ? signal.reason : error);
      else reject(unavailable(field, 'could not be fetched', undefined, error));
    });
    request.end();
  });
}

/** dns.lookup, refusing the host unless every address is allowed, and connecting to the first. */
function vettedLookup(policy: AddressPolicy, field: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (addresses.length === 0 || addresses.some((entry) => !isAllowedAddress(entry.address, policy))) {
        return callback(notAllowed(field, 'resolves to a non-public address'), '', 0);
      }
      // IPv4 first when there is one: Cloud Run egress (and many networks) lack IPv6 routes.
      const chosen = addresses.find((entry) => entry.family === 4) ?? addresses[0];
      // net asks for `all` when autoSelectFamily is on (Node >= 20 default): answer in the shape asked for.
      if (options.all) (callback as unknown as (e: null, all: typeof addresses) => void)(null, [chosen]);
      else callback(null, chosen.address, chosen.family);
    });
  };
}

function notAllowed(field: string, problem: string): SourceImageError {
  return new SourceImageError(400, 'source_not_allowed', `${field} ${problem}`, { field });
}

function unavailable(field: string, problem: string, status?: number, cause?: unknown): SourceImageError {
  return new SourceImageError(
    422,
    'source_unavailable',
    `${field} ${problem}`,
    { field, ...(status ? { status } : {}) },
    cause,
  );
}
