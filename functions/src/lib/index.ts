// The library's public contract: the streaming pipeline and the match scorer.
//
//   const sse      = parseSseStream(response.body)
//   const events   = parseGeminiEvents(sse)
//   const uploaded = uploadImageChunks(events, { target, keyPrefix })
//   const blocks   = collectText(uploaded)

// Layer 0: Server-Sent Events in and out.
export {
  parseSseStream,
  isBufferedSseEvent,
  isStreamedSseEvent,
  DEFAULT_MAX_BUFFERED_DATA,
  SseError,
  SseIncompleteEventError,
} from './platform/sse/parse.js';
export type { ParseSseOptions, SseEvent, SseMessage, SseStreamedMessage } from './platform/sse/parse.js';
export { createSseWriter, formatMessage } from './platform/sse/writer.js';
export type { OutgoingSseMessage, SseWriter, SseWriterOptions } from './platform/sse/writer.js';

// Layer 1: Gemini stream events.
export { parseGeminiEvents } from './platform/gemini/stream-events.js';
export {
  GeminiError,
  GeminiApiError,
  GeminiHttpError,
  GeminiBlockedError,
  GeminiProtocolError,
  GeminiNetworkError,
  GeminiTimeoutError,
  RETRYABLE_STATUSES,
} from './platform/gemini/errors.js';
export type { GeminiProtocolErrorCode, GeminiTimeoutPhase } from './platform/gemini/errors.js';
export type * from './platform/gemini/types.js';

// Layer 2: image bytes to object storage.
export { base64Decode, Base64DecodeError } from './platform/image-pipeline/base64-decode.js';
export { createDimensionProbe, ImageProbeError } from './platform/image-pipeline/dimension-probe.js';
export type { DimensionProbe, ImageDimensions } from './platform/image-pipeline/dimension-probe.js';
export { uploadImageChunks, ImageTooLargeError, ImageStreamError } from './platform/image-pipeline/upload.js';
export type {
  ImageUploadTarget,
  ImageUploadRequest,
  UploadedObject,
  UploadImageChunksConfig,
} from './platform/image-pipeline/upload.js';
export type * from './platform/image-pipeline/image-block.js';
export { createS3UploadTarget, createS3Client } from './platform/image-pipeline/s3-target.js';
export type { S3UploadTargetOptions, S3ClientOptions } from './platform/image-pipeline/s3-target.js';

// Layer 3: text collection.
export { collectText } from './platform/gemini/text-blocks.js';

// Transport: raw streaming requests to Gemini, with the SDK's internals quarantined in the adapter.
export { GoogleGenAIApiAdapter } from './platform/gemini/adapter.js';
export type { GeminiApiAdapter, GeminiAction } from './platform/gemini/adapter.js';
export { GeminiStreamingClient } from './platform/gemini/streaming-client.js';
export type { GeminiStreamRequest, GeminiStreamResponse, GeminiTransport } from './platform/gemini/streaming-client.js';
export { serializeRequestBody } from './platform/gemini/request-body.js';
export type {
  GenerateContentRequestBody,
  InlineDataSource,
  StreamingContent,
  StreamingPart,
} from './platform/gemini/request-body.js';

// Matching: deterministic, explainable scoring.
export * from './features/matching/scoring/index.js';
