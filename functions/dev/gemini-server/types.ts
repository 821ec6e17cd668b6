// Public, JSON-serialisable types of the offline Gemini-protocol server: scenarios (scripted replies)
// and request-log records. Everything here must survive JSON.stringify, because the same values travel
// over the HTTP control endpoints when the server runs as a child process.

export type GeminiAction = 'generateContent' | 'streamGenerateContent' | 'countTokens';

/** Every operation the server answers: Gemini's, and OpenAI's `POST /v1/chat/completions`. */
/** `getModel`: GET models/{model} (the model's metadata); `listModels`: OpenAI's GET /v1/models. */
export type ServerAction = GeminiAction | 'chatCompletions' | 'getModel' | 'listModels';

/**
 * How the OpenAI-compatible side speaks, after the server it stands in for:
 * - `openai`: role chunk first, tool calls in fragments (id and name, then argument pieces), usage only
 *   when asked (`stream_options.include_usage`), errors before the stream as `{"error": {...}}`;
 * - `vllm`: as openai; a mid-stream error is `{"error": {...}}` followed by `[DONE]`;
 * - `vllm-legacy`: a mid-stream error is a bare `{"object": "error", ...}` followed by `[DONE]`;
 * - `llama.cpp`: `: ` keep-alive comments before and between chunks, and a usage chunk with `timings`;
 * - `ollama`: every tool call whole in one chunk, all on index 0 (told apart by id), usage only when asked;
 * - `openrouter`: `: OPENROUTER PROCESSING` comments before the first chunk; a mid-stream error is a
 *   data event with `error` and `finish_reason: "error"`, and the stream ends without `[DONE]`.
 */
export type OpenAiDialect = 'openai' | 'vllm' | 'vllm-legacy' | 'llama.cpp' | 'ollama' | 'openrouter';

/** Token usage exactly as Gemini names it (a running total on every stream event). */
export interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
}

export interface SafetyRating {
  category: string;
  probability: string;
  blocked?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

/** Which requests a scenario may serve. Without `action`, it serves generateContent,
 *  streamGenerateContent and chatCompletions (countTokens is served only by scenarios that name it). */
export interface ScenarioMatch {
  model?: string;
  action?: ServerAction;
}

/** Text, one SSE event per chunk (`text` alone is one chunk). `thought` marks thinking text. */
export interface ScenarioTextPart {
  type: 'text';
  text?: string;
  chunks?: string[];
  thought?: boolean;
  thoughtSignature?: string;
}

/**
 * A generated image. Bytes are a real PNG (or a real baseline JPEG for `image/jpeg`; any other
 * mimeType is sent as PNG bytes under that label, to test format sniffing).
 * - `imageBytes`: exact encoded size (>= ~200 bytes); pixel data is incompressible noise.
 * - `width`/`height`: pixel size (default: chosen from `imageBytes`, else 64x64).
 * - `delivery`: `whole` = one event; `fragmented` = `fragments` events each with new base64;
 *   `cumulative` = `fragments` events each repeating all base64 so far.
 * - Fragments split on 4-character base64 boundaries unless `unalignedFragments`.
 * - `seed` varies the pixels (default: the image's index in the reply), so images differ.
 * - `metadataBytes` (JPEG only): that many bytes of APP11 segments, where JPEG keeps C2PA content
 *   credentials, before the frame header, so the image's size comes only after them.
 */
export interface ScenarioImagePart {
  type: 'image';
  mimeType?: string;
  width?: number;
  height?: number;
  imageBytes?: number;
  metadataBytes?: number;
  delivery?: 'whole' | 'fragmented' | 'cumulative';
  fragments?: number;
  unalignedFragments?: boolean;
  thought?: boolean;
  seed?: number;
}

/**
 * A tool call, as Gemini streams one: `{functionCall: {name, args, id?}, thoughtSignature?}` in its own
 * event, or in the previous part's event with `sameChunk` (parallel calls in one chunk).
 * - `args` is sent as given: any JSON, so malformed arguments can be scripted.
 * - `thoughtSignature`: the server then refuses (400, as Gemini 3 does) a follow-up request whose copy
 *   of this call lacks the signature.
 * - `repeatInLaterChunk`: the same call is sent again, without its signature, in a later event (seen
 *   from Gemini).
 */
export interface ScenarioFunctionCallPart {
  type: 'functionCall';
  name: string;
  args?: unknown;
  id?: string;
  thoughtSignature?: string;
  sameChunk?: boolean;
  repeatInLaterChunk?: boolean;
}

export type ScenarioPart = ScenarioTextPart | ScenarioImagePart | ScenarioFunctionCallPart;

/** The unscripted deterministic reply, e.g. to add latency or a fault to it. */
export interface DefaultReply {
  kind: 'default';
}

/** Scripted candidate content. `finishReason` defaults to STOP (use SAFETY, IMAGE_SAFETY, NO_IMAGE,
 *  MAX_TOKENS ... for stops). `usage` overrides fields of the computed final usage. */
export interface ContentReply {
  kind: 'content';
  parts: ScenarioPart[];
  finishReason?: string;
  usage?: Partial<UsageMetadata>;
  safetyRatings?: SafetyRating[];
  /** Send finishReason in a trailing event without parts instead of on the last content event. */
  finishInSeparateEvent?: boolean;
  modelVersion?: string;
}

/** A blocked prompt: `promptFeedback.blockReason`, no candidates. */
export interface BlockedReply {
  kind: 'blocked';
  blockReason?: string;
  safetyRatings?: SafetyRating[];
}

/** An HTTP error in Google's JSON shape. 429 carries a RetryInfo detail (`retryDelaySeconds`). */
export interface HttpErrorReply {
  kind: 'http-error';
  code: number;
  message?: string;
  status?: string;
  retryDelaySeconds?: number;
}

export interface CountTokensReply {
  kind: 'count-tokens';
  totalTokens: number;
}

export type ScenarioReply = DefaultReply | ContentReply | BlockedReply | HttpErrorReply | CountTokensReply;

/**
 * What goes wrong during delivery. `afterEvents` counts complete events sent first.
 * - `error-event`: `data: {"error":{...}}` then the stream ends (unary: an HTTP error).
 * - `drop`: the socket is destroyed; with `afterBytes`, after that many bytes of the next event.
 * - `stall`: nothing more is sent and the connection stays open until the client gives up.
 */
export type StreamFault =
  | { type: 'error-event'; afterEvents: number; code?: number; message?: string; status?: string }
  | { type: 'drop'; afterEvents: number; afterBytes?: number }
  | { type: 'stall'; afterEvents: number };

export interface Scenario {
  /** Label recorded in the request log (default: the reply kind). */
  name?: string;
  match?: ScenarioMatch;
  /** How many matching requests this scenario serves before it is used up (default 1). */
  times?: number;
  /** Delay before the first response byte (after the request body was read). */
  latencyMs?: number;
  /** Delay before each stream event after the first: one value, or one per gap (the last repeats). */
  chunkDelayMs?: number | number[];
  fault?: StreamFault;
  /** chatCompletions only: the dialect of this reply (default: the server's `openaiDialect`). */
  dialect?: OpenAiDialect;
  reply: ScenarioReply;
}

// ---------------------------------------------------------------------------------------------
// Request log
// ---------------------------------------------------------------------------------------------

export interface InlineDataSummary {
  mimeType: string;
  base64Chars: number;
  /** Decoded size in bytes. */
  bytes: number;
  /** sha256 (hex) of the decoded bytes, so tests can check an image was forwarded intact. */
  sha256: string;
  /** The image's size as its header states it, when the bytes are an image the reader knows. */
  width?: number;
  height?: number;
  /** Whether the bytes carry Exif or XMP metadata (a GPS position could be in either). */
  hasMetadata: boolean;
}

export interface ContentSummary {
  role?: string;
  texts: string[];
  inlineData: InlineDataSummary[];
  /** Parts that are neither text nor inlineData (fileData, functionCall, ...). */
  otherParts: number;
  thoughtParts: number;
  /** functionCall parts as sent back by the client, with the signature each carried. */
  functionCalls: Array<{ name: string; args: unknown; id?: string; thoughtSignature?: string }>;
  /** functionResponse parts (tool results the client sends). */
  functionResponses: Array<{ name: string; response: unknown; id?: string }>;
  /** Signatures on text parts (Gemini 3 may end a turn with a signature-only text part). */
  textSignatures: string[];
}

/** What the request asked for, without the base64 payloads. */
export interface RequestBodySummary {
  contents: ContentSummary[];
  systemInstruction?: string;
  generationConfig?: Record<string, unknown>;
  safetySettings?: unknown[];
  tools?: unknown[];
  toolConfig?: unknown;
  cachedContent?: string;
  /** Names of any other top-level fields. */
  otherFields: string[];
}

/** One message of a chatCompletions request, for the log (tool_calls with their arguments text). */
export interface OpenAiMessageSummary {
  role: string;
  text?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  toolCallId?: string;
}

export interface OpenAiBodySummary {
  model: string;
  messages: OpenAiMessageSummary[];
  stream: boolean;
  includeUsage: boolean;
  /** Names of the declared tools. */
  tools: string[];
  toolChoice?: unknown;
  /** response_format.type, e.g. json_schema. */
  responseFormat?: string;
  maxTokens?: number;
  temperature?: number;
}

export type RequestOutcome = 'pending' | 'completed' | 'http-error' | 'stream-error' | 'dropped' | 'aborted';

export interface RequestRecord {
  id: number;
  method: string;
  path: string;
  /** Query parameters, except `key` (never recorded). */
  query: Record<string, string>;
  api?: 'gemini' | 'vertex' | 'openai';
  model?: string;
  action?: ServerAction;
  apiKeyPresent: boolean;
  apiKeyValid: boolean;
  /**
   * How the request authenticated, once it did: the API key, or an OAuth access token (Vertex AI);
   * chatCompletions: `api-key` (a Bearer of the key) or `none` (no Authorization header).
   */
  auth?: 'api-key' | 'oauth' | 'none';
  /** Project and location of a Vertex AI path. */
  vertex?: { project: string; location: string };
  bodyBytes: number;
  body?: RequestBodySummary;
  /** chatCompletions: what the request asked for. */
  openai?: OpenAiBodySummary;
  /** Scenario name (or reply kind) when scripted; undefined for the default reply. */
  scenario?: string;
  status?: number;
  outcome: RequestOutcome;
  eventsSent: number;
  bytesSent: number;
  /** Epoch milliseconds with sub-millisecond precision (comparable across processes). */
  receivedAt: number;
  bodyReadAt?: number;
  firstByteAt?: number;
  endedAt?: number;
  aborted: boolean;
  abortedAt?: number;
}

/** A JSON-serialisable request filter (the in-process API also takes a predicate). */
export interface RequestFilter {
  id?: number;
  model?: string;
  action?: ServerAction;
  /** Only requests with an id greater than this. */
  afterId?: number;
  scenario?: string;
}

/** `received`: the body was read; `settled`: the response ended, failed, dropped or was aborted. */
export type RequestStage = 'received' | 'settled';
