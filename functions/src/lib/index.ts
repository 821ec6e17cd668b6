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
} from './sse/parse';
export type { ParseSseOptions, SseEvent, SseMessage, SseStreamedMessage } from './sse/parse';
export { createSseWriter, formatMessage } from './sse/writer';
export type { OutgoingSseMessage, SseWriter, SseWriterOptions } from './sse/writer';

// Layer 1: Gemini stream events.
export { parseGeminiEvents } from './gemini/events';
export {
  GeminiError,
  GeminiApiError,
  GeminiBlockedError,
  GeminiProtocolError,
  RETRYABLE_STATUSES,
} from './gemini/errors';
export type * from './gemini/types';

// Layer 2: image bytes to object storage.
export { base64Decode, Base64DecodeError } from './image/base64-decode';
export { createDimensionProbe, ImageProbeError } from './image/dimension-probe';
export type { DimensionProbe, ImageDimensions } from './image/dimension-probe';
export { uploadImageChunks, ImageTooLargeError, ImageStreamError } from './image/upload';
export type { ImageUploadTarget, ImageUploadRequest, UploadedObject, UploadImageChunksConfig } from './image/upload';
export { createS3UploadTarget, createS3Client } from './image/s3-target';
export type { S3UploadTargetOptions, S3ClientOptions } from './image/s3-target';

// Layer 3: text collection.
export { collectText } from './gemini/text';

// Transport: raw streaming requests to Gemini, with the SDK's internals quarantined in the adapter.
export { GoogleGenAIApiAdapter } from './gemini/adapter';
export type { GeminiApiAdapter, GeminiAction } from './gemini/adapter';
export { GeminiStreamingClient, GeminiHttpError } from './gemini/streaming-client';
export type { GeminiStreamRequest, GeminiStreamResponse } from './gemini/streaming-client';
export { serializeRequestBody } from './gemini/request-body';
export type { GenerateContentRequestBody, InlineDataSource, StreamingContent, StreamingPart } from './gemini/request-body';

// Matching: deterministic, explainable scoring.
export * from './matching/index';
