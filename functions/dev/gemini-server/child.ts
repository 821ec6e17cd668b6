// Starts the server as a child process (so a benchmark's own process never holds the server's image
// buffers) and hands back its URL, a control client, and a way to stop it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { GeminiServerControl } from './control-client.js';
import { DEFAULT_API_KEY, type OpenAiDialect } from './index.js';

export interface ChildGeminiServer {
  url: string;
  /** The OpenAI-compatible base URL (OPENAI_BASE_URL): `${url}/v1`. */
  openaiBaseUrl: string;
  port: number;
  apiKey: string;
  pid: number;
  control: GeminiServerControl;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  port?: number;
  apiKey?: string;
  /** The offline token server's signing key: Vertex AI paths then accept its access tokens. */
  accessTokenKey?: string;
  chunkDelayMs?: readonly [number, number];
  /** How the OpenAI-compatible side speaks unless a scenario says otherwise. */
  openaiDialect?: OpenAiDialect;
  readyTimeoutMs?: number;
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<{ url: string; port: number }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const fail = (message: string): void => {
      clearTimeout(timer);
      lines.close();
      reject(new Error(`gemini-server child: ${message}`));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`not ready within ${timeoutMs} ms`);
    }, timeoutMs);
    child.once('exit', (code) => fail(`exited with code ${code} before it was ready`));
    lines.on('line', (line) => {
      try {
        const message = JSON.parse(line) as { ready?: boolean; url?: string; port?: number };
        if (message.ready && message.url && message.port) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({ url: message.url, port: message.port });
        }
      } catch {
        // not the ready line
      }
    });
  });
}

export async function spawnGeminiServer(opts: SpawnOptions = {}): Promise<ChildGeminiServer> {
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  // __filename, not __dirname: tsx sets only __filename when an ESM entry imports this CJS module.
  const cli = path.join(path.dirname(__filename), 'cli.ts');
  const args = ['--import', pathToFileURL(require.resolve('tsx')).href, cli];
  args.push('--port', String(opts.port ?? 0));
  if (opts.chunkDelayMs) args.push('--chunk-delay-ms', opts.chunkDelayMs.join(','));
  if (opts.openaiDialect) args.push('--openai-dialect', opts.openaiDialect);
  // The key travels in the environment, not argv, so it does not show up in process listings.
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      GEMINI_SERVER_API_KEY: apiKey,
      ...(opts.accessTokenKey ? { GEMINI_SERVER_ACCESS_TOKEN_KEY: opts.accessTokenKey } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { url, port } = await waitForReady(child, opts.readyTimeoutMs ?? 20_000);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    port,
    apiKey,
    pid: child.pid as number,
    control: new GeminiServerControl(url),
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
