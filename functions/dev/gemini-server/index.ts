// Offline server speaking Google's Gemini REST protocol and OpenAI's Chat Completions (one stand-in, two
// protocols), for tests, the local dev stack and benchmarks. The real @google/genai SDK works against it
// unchanged, and so does any OpenAI-compatible client:
//   new GoogleGenAI({ apiKey: server.apiKey, httpOptions: { baseUrl: server.url } })
//   POST `${server.openaiBaseUrl}/chat/completions` (OPENAI_BASE_URL = server.openaiBaseUrl)
// Every unscripted reply is marked as offline output ("[offline model]", modelVersion "...-offline").
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTROL_PREFIX, handleControlRequest } from './control-routes.js';
import { handleGeminiRequest, type HandlerContext } from './handler.js';
import { handleOpenAiModels, handleOpenAiRequest, isChatCompletionsPath, isModelsPath } from './openai/handler.js';
import { ThoughtSignatures } from './thought-signatures.js';
import { RequestLog, type RequestMatcher } from './request-log.js';
import { ScenarioQueue } from './scenario-queue.js';
import type { OpenAiDialect, RequestRecord, RequestStage, Scenario } from './types.js';

export * from './types.js';
export { GeminiServerControl } from './control-client.js';
export { OFFLINE_MARK } from './default-reply.js';

export const DEFAULT_API_KEY = 'offline-gemini-key';

export interface GeminiServerOptions {
  /** 0 (default) picks a free port. The server always binds 127.0.0.1. */
  port?: number;
  apiKey?: string;
  /**
   * Key of the offline token server (dev/adc) whose access tokens the Vertex AI paths accept as
   * `Authorization: Bearer`; without it they take only the API key (express mode).
   */
  accessTokenKey?: string;
  /** How the OpenAI-compatible side speaks unless a scenario says otherwise (default openai). */
  openaiDialect?: OpenAiDialect;
  /** Delay range between default stream events in ms (default [0, 5]). */
  chunkDelayMs?: readonly [number, number];
  /** Short side of default images in pixels (default 64). */
  imageShortSide?: number;
  /** Largest request body accepted (default 128 MiB). */
  maxBodyBytes?: number;
  /** Serve the /__control/ endpoints (default true). */
  control?: boolean;
}

export interface GeminiServer {
  readonly url: string;
  /** The OpenAI-compatible base URL (OPENAI_BASE_URL): `${url}/v1`. */
  readonly openaiBaseUrl: string;
  readonly port: number;
  readonly apiKey: string;
  /** Appends scenarios (validated; throws if malformed) served FIFO to matching requests. */
  queue(...scenarios: Scenario[]): void;
  pendingScenarios(): Array<Scenario & { remaining: number }>;
  /** Snapshots of the request log, optionally filtered. */
  requests(match?: RequestMatcher): RequestRecord[];
  lastRequest(): RequestRecord | undefined;
  /** The first request matching `match` that reached `stage` (default 'settled'). */
  waitForRequest(match: RequestMatcher, opts?: { stage?: RequestStage; timeoutMs?: number }): Promise<RequestRecord>;
  /** Resolves when request `id` was aborted by its client; rejects if it ended otherwise. */
  waitForAbort(id: number, timeoutMs?: number): Promise<RequestRecord>;
  /** Clears queued scenarios and the request log (ids keep increasing). */
  reset(): void;
  close(): Promise<void>;
}

export async function startGeminiServer(opts: GeminiServerOptions = {}): Promise<GeminiServer> {
  const log = new RequestLog();
  const scenarios = new ScenarioQueue();
  const signatures = new ThoughtSignatures();
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  const reset = (): void => {
    scenarios.clear();
    signatures.clear();
    log.clear();
  };
  const ctx: HandlerContext = {
    log,
    scenarios,
    signatures,
    options: {
      apiKey,
      accessTokenKey: opts.accessTokenKey,
      chunkDelayMs: opts.chunkDelayMs ?? [0, 5],
      openaiDialect: opts.openaiDialect ?? 'openai',
      imageShortSide: opts.imageShortSide ?? 64,
      maxBodyBytes: opts.maxBodyBytes ?? 128 * 1024 * 1024,
    },
  };
  const controlEnabled = opts.control ?? true;

  const server: Server = createServer((req, res) => {
    if (controlEnabled && (req.url ?? '').startsWith(CONTROL_PREFIX)) {
      void handleControlRequest(req, res, { log, scenarios, reset });
    } else if (isChatCompletionsPath(req.method ?? '', new URL(req.url ?? '/', 'http://127.0.0.1').pathname)) {
      void handleOpenAiRequest(req, res, ctx);
    } else if (isModelsPath(req.method ?? '', new URL(req.url ?? '/', 'http://127.0.0.1').pathname)) {
      handleOpenAiModels(req, res, ctx);
    } else {
      void handleGeminiRequest(req, res, ctx);
    }
  });
  // Huge uploads and slow streams are the point of this server: no default request timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    openaiBaseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    apiKey,
    queue: (...items) => {
      scenarios.add(items);
    },
    pendingScenarios: () => scenarios.pending(),
    requests: (match) => log.list(match),
    lastRequest: () => log.last(),
    waitForRequest: (match, waitOpts = {}) => log.waitFor(match, waitOpts.stage ?? 'settled', waitOpts.timeoutMs),
    waitForAbort: (id, timeoutMs) => log.waitForAbort(id, timeoutMs),
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // streams held open by stalls must not keep close() waiting
      }),
  };
}
