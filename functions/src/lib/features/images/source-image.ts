// An input image as a caller gives it (a data URI or a URL) turned into a Gemini inlineData source:
// data URIs pass their base64 through untouched; URLs are fetched under the SSRF guard and stream
// their bytes (base64-encoded in slices by the request-body serializer).
import type { InlineDataSource } from '../../platform/gemini/request-body.js';
import { isDataUri, parseDataUri } from './data-uri.js';
import { SourceImageError } from './errors.js';
import { assertFetchableUrl, fetchSourceImage, type SourceFetchPolicy } from './source-fetch.js';

export interface OpenedSourceImage {
  mimeType: string;
  data: InlineDataSource;
  /** The error that ended the body stream, if any: the root cause when the Gemini request fails. */
  readonly failure: unknown;
  /** Releases a fetched body that will not be read (idempotent; no-op for data URIs). */
  close(): void;
}

function parseSourceUrl(value: string, policy: SourceFetchPolicy, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SourceImageError(400, 'invalid_image', `${field} must be a data URI or an https URL`, { field });
  }
  assertFetchableUrl(url, policy, field);
  return url;
}

export async function openSourceImage(
  value: string,
  policy: SourceFetchPolicy,
  field: string,
  signal: AbortSignal,
): Promise<OpenedSourceImage> {
  if (isDataUri(value)) {
    const { mimeType, base64 } = parseDataUri(value, policy.maxBytes, field);
    return { mimeType, data: base64, failure: undefined, close: () => undefined };
  }
  const url = parseSourceUrl(value, policy, field);
  const fetched = await fetchSourceImage(url, policy, field, signal);
  let failure: unknown;
  async function* recordingBody(): AsyncGenerator<Uint8Array> {
    try {
      yield* fetched.body;
    } catch (error) {
      failure = error;
      throw error;
    }
  }
  return {
    mimeType: fetched.mimeType,
    data: recordingBody(),
    get failure() {
      return failure;
    },
    close: fetched.close,
  };
}

/** Opens several sources in order; on any failure, closes the ones already open. */
export async function openSourceImages(
  inputs: readonly { value: string; field: string }[],
  policy: SourceFetchPolicy,
  signal: AbortSignal,
): Promise<OpenedSourceImage[]> {
  const opened: OpenedSourceImage[] = [];
  try {
    for (const input of inputs) opened.push(await openSourceImage(input.value, policy, input.field, signal));
    return opened;
  } catch (error) {
    for (const source of opened) source.close();
    throw error;
  }
}
