// Typed client for chatMessage and chatStream, for the app (React Native with expo/fetch) and the web.
// Platform-neutral: a fetch (global or injected), TextDecoder and WHATWG streams; nothing from Node.
//
//   const chat = createChatClient({ baseUrl, getIdToken: () => auth.currentUser!.getIdToken() });
//   const { reply } = await chat.sendMessage({ message: 'Hi!' });
//   for await (const event of chat.streamMessage({ message: 'Hi!' }, { signal })) { ... }
import type { ChatMessageResponse, ChatRequest, ChatStreamEvent } from '../src/lib/features/chat/api-types.js';
import { ChatApiError, errorFromResponse } from './errors.js';
import { readSseFrames, type ByteStreamLike } from './sse.js';

/** The subset of a fetch Response the client uses (global fetch and expo/fetch both fit). */
export interface FetchResponseLike {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  body: ByteStreamLike | null;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<FetchResponseLike>;

export interface ChatClientOptions {
  /**
   * Base URL the function names are appended to, e.g.
   * https://us-central1-PROJECT.cloudfunctions.net or http://127.0.0.1:5001/PROJECT/us-central1.
   */
  baseUrl?: string;
  /** Full URL per function instead (e.g. Cloud Run URLs); wins over baseUrl. */
  urls?: Partial<Record<'chatMessage' | 'chatStream', string>>;
  /** A fresh Firebase ID token (e.g. `() => auth.currentUser!.getIdToken()`). */
  getIdToken(): Promise<string> | string;
  /** Defaults to the global fetch. In React Native pass `fetch` from 'expo/fetch' (streams bodies). */
  fetch?: FetchLike;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** A chat stream: iterate it for events; `clientMessageId` is what to resend to retry safely. */
export interface ChatStream extends AsyncIterable<ChatStreamEvent> {
  readonly clientMessageId: string;
}

export interface ChatClient {
  /** One reply as JSON. Throws ChatApiError for any non-2xx answer. */
  sendMessage(request: ChatRequest, options?: CallOptions): Promise<ChatMessageResponse & { clientMessageId: string }>;
  /**
   * The reply as events: start, delta... (with tool-call / tool-result when the assistant looks things
   * up; render `result` as cards), then done or error (after which iteration ends).
   * Throws ChatApiError when the request is refused before the stream starts (auth, validation,
   * rate limit, conversation_not_found, in_progress) or when the stream breaks off
   * (`stream_interrupted`); aborting `signal` throws the platform's AbortError.
   */
  streamMessage(request: ChatRequest, options?: CallOptions): ChatStream;
}

/** A retry-safe id for a message: resend it with the same id and no duplicate is created. */
export function newClientMessageId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  // Hermes without a crypto polyfill: 128 random bits are plenty for an idempotency key.
  let id = '';
  for (let i = 0; i < 32; i++) id += Math.floor(Math.random() * 16).toString(16);
  return id;
}

const STREAM_EVENT_TYPES = new Set<ChatStreamEvent['type']>([
  'start',
  'delta',
  'tool-call',
  'tool-result',
  'done',
  'error',
]);

export function createChatClient(options: ChatClientOptions): ChatClient {
  const doFetch: FetchLike =
    options.fetch ?? ((url, init) => fetch(url, init) as unknown as Promise<FetchResponseLike>);

  const urlOf = (name: 'chatMessage' | 'chatStream'): string => {
    const url =
      options.urls?.[name] ?? (options.baseUrl ? `${options.baseUrl.replace(/\/+$/, '')}/${name}` : undefined);
    if (!url) throw new TypeError(`chat client: no URL for ${name} (set baseUrl or urls.${name})`);
    return url;
  };

  const post = async (
    name: 'chatMessage' | 'chatStream',
    request: ChatRequest,
    accept: string,
    signal?: AbortSignal,
  ) => {
    const token = await options.getIdToken();
    const response = await doFetch(urlOf(name), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept },
      body: JSON.stringify(request),
      signal,
    });
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  };

  return {
    async sendMessage(request, callOptions = {}) {
      const clientMessageId = request.clientMessageId ?? newClientMessageId();
      const response = await post(
        'chatMessage',
        { ...request, clientMessageId },
        'application/json',
        callOptions.signal,
      );
      return { ...((await response.json()) as ChatMessageResponse), clientMessageId };
    },

    streamMessage(request, callOptions = {}) {
      const clientMessageId = request.clientMessageId ?? newClientMessageId();
      const body = { ...request, clientMessageId };
      return {
        clientMessageId,
        [Symbol.asyncIterator]: () => streamEvents(post('chatStream', body, 'text/event-stream', callOptions.signal)),
      };
    },
  };
}

async function* streamEvents(
  responsePromise: Promise<FetchResponseLike>,
): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const response = await responsePromise;
  if (!response.body)
    throw new ChatApiError(0, 'stream_interrupted', 'The response has no body (is streaming supported?)');
  for await (const frame of readSseFrames(response.body)) {
    const type = frame.event as ChatStreamEvent['type'];
    if (!STREAM_EVENT_TYPES.has(type)) continue; // newer event kinds: ignored
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(frame.data) as Record<string, unknown>;
    } catch {
      throw new ChatApiError(0, 'stream_interrupted', 'Malformed event in the chat stream');
    }
    const event = { ...fields, type } as ChatStreamEvent;
    yield event;
    if (type === 'done' || type === 'error') return;
  }
  throw new ChatApiError(0, 'stream_interrupted', 'The chat stream ended before the reply was complete');
}
