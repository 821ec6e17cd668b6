// Runs the offline model server (Gemini's protocol and OpenAI's Chat Completions) as its own process:
//   npx tsx dev/gemini-server/cli.ts --port 8123 --api-key some-test-key [--openai-dialect ollama]
// Prints one JSON line {"ready":true,"url":...,"port":...} on stdout when listening (never the key),
// and exits cleanly on SIGINT/SIGTERM. The key may also come from GEMINI_SERVER_API_KEY; the offline
// token server's signing key (Vertex AI bearer tokens, dev/adc) from GEMINI_SERVER_ACCESS_TOKEN_KEY.
import { DEFAULT_API_KEY, startGeminiServer, type OpenAiDialect } from './index.js';

const USAGE =
  'usage: cli.ts [--port N] [--api-key KEY] [--chunk-delay-ms MIN,MAX] [--image-short-side PX] [--openai-dialect NAME]';
const DIALECTS: readonly OpenAiDialect[] = ['openai', 'vllm', 'vllm-legacy', 'llama.cpp', 'ollama', 'openrouter'];

function dialect(text: string | undefined): OpenAiDialect | undefined {
  if (text === undefined) return undefined;
  if (!(DIALECTS as readonly string[]).includes(text))
    throw new Error(`--openai-dialect must be one of ${DIALECTS.join(', ')}`);
  return text as OpenAiDialect;
}

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!name.startsWith('--')) throw new Error(`unexpected argument "${name}"\n${USAGE}`);
    const [flag, inline] = name.slice(2).split('=', 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`missing value for --${flag}\n${USAGE}`);
    args.set(flag, value);
  }
  return args;
}

function nonNegativeInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${flag} must be a non-negative integer`);
  return value;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const delay = args
    .get('chunk-delay-ms')
    ?.split(',')
    .map((v) => nonNegativeInt(v, 'chunk-delay-ms'));
  const server = await startGeminiServer({
    port: args.has('port') ? nonNegativeInt(args.get('port') as string, 'port') : 0,
    apiKey: args.get('api-key') ?? process.env.GEMINI_SERVER_API_KEY ?? DEFAULT_API_KEY,
    accessTokenKey: process.env.GEMINI_SERVER_ACCESS_TOKEN_KEY || undefined,
    chunkDelayMs: delay ? [delay[0], delay[1] ?? delay[0]] : undefined,
    openaiDialect: dialect(args.get('openai-dialect')),
    imageShortSide: args.has('image-short-side')
      ? nonNegativeInt(args.get('image-short-side') as string, 'image-short-side')
      : undefined,
  });
  process.stdout.write(`${JSON.stringify({ ready: true, url: server.url, port: server.port })}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`gemini-server: ${(error as Error).message}\n`);
  process.exit(2);
});
