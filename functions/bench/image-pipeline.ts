// Streaming-core memory and speed: one image whose base64 arrives WHOLE in one SSE event.
// Each mode runs in its own process (see run()), so peak RSS belongs to that mode alone:
//   pipeline-synthetic  body generated in-process -> parseSseStream -> parseGeminiEvents -> base64Decode
//                       -> dimension probe -> discarding sink           (used for 40 MB and, under a
//                       32 MB V8 heap, 80 MB)
//   pipeline-server     the same pipeline, bytes from the local Gemini-protocol server via GeminiStreamingClient
//   sdk-server          @google/genai generateContentStream on the same server bytes (the baseline)
//   upload-s3           the in-process body -> parseSseStream -> parseGeminiEvents -> uploadImageChunks
//                       into a local S3-compatible server (in its own process)
// Each mode imports only what it uses, before its baseline: module loading inflates V8's young
// generation for the rest of the process, which would otherwise be charged to the pipeline.
import type { GoogleGenAI } from '@google/genai';
import type { GeminiStreamEvent } from '../src/lib/platform/gemini/types.js';
import { runBenchChild } from './support/child.js';
import { formatMb, memoryBaseline, peakRssGrowth, MB } from './support/memory.js';
import { syntheticImageSseBody } from './support/synthetic-image.js';

const MODEL = 'bench-image-model';
const WARMUP_MODEL = 'bench-warmup-model';
const BASE64_40MB = 40 * 1000 * 1000;

interface ModeResult {
  mode: string;
  base64Chars: number;
  imageBytes: number;
  width?: number;
  height?: number;
  seconds: number;
  peakRssGrowthBytes: number;
}

async function* imageDeltas(events: AsyncIterable<GeminiStreamEvent>): AsyncGenerator<string> {
  for await (const event of events) if (event.type === 'image-delta') yield event.data;
}

async function pipelineModules() {
  const [{ parseSseStream }, { parseGeminiEvents }, { base64Decode }, { createDimensionProbe }] = await Promise.all([
    import('../src/lib/platform/sse/parse.js'),
    import('../src/lib/platform/gemini/stream-events.js'),
    import('../src/lib/platform/image-pipeline/base64-decode.js'),
    import('../src/lib/platform/image-pipeline/dimension-probe.js'),
  ]);
  return { parseSseStream, parseGeminiEvents, base64Decode, createDimensionProbe };
}

async function transportModules() {
  const [{ GoogleGenAI }, { GoogleGenAIApiAdapter }, { GeminiStreamingClient }] = await Promise.all([
    import('@google/genai'),
    import('../src/lib/platform/gemini/adapter.js'),
    import('../src/lib/platform/gemini/streaming-client.js'),
  ]);
  return { GoogleGenAI, GoogleGenAIApiAdapter, GeminiStreamingClient };
}

/** Runs the pipeline to a discarding sink; returns decoded bytes and probed dimensions. */
async function drainPipeline(body: AsyncIterable<Uint8Array>) {
  const { parseSseStream, parseGeminiEvents, base64Decode, createDimensionProbe } = await pipelineModules();
  const probe = createDimensionProbe();
  let imageBytes = 0;
  for await (const chunk of probe.transform(base64Decode(imageDeltas(parseGeminiEvents(parseSseStream(body)))))) {
    imageBytes += chunk.length;
  }
  return { imageBytes, ...(await probe.dimensions) };
}

function geminiClient(GenAI: typeof GoogleGenAI, url: string, apiKey: string): GoogleGenAI {
  return new GenAI({ apiKey, httpOptions: { baseUrl: url } });
}

const request = { contents: [{ role: 'user', parts: [{ text: 'a lighthouse at dawn' }] }] };

async function runMode(mode: string, env: NodeJS.ProcessEnv): Promise<ModeResult> {
  const base64Chars = Number(env.BENCH_BASE64_CHARS ?? BASE64_40MB);
  const transport = mode === 'pipeline-server' || mode === 'sdk-server' ? await transportModules() : undefined;
  const streamingClient = () => {
    const { GoogleGenAI: GenAI, GoogleGenAIApiAdapter, GeminiStreamingClient } = transport!;
    return new GeminiStreamingClient(new GoogleGenAIApiAdapter(geminiClient(GenAI, env.GEMINI_URL!, env.GEMINI_KEY!)));
  };
  const upload = mode === 'upload-s3' ? await uploadModules() : undefined;
  // Warm-up, so the measured run shows the steady state of a running instance rather than first-call
  // module loading, compilation and heap growth: a small image through the pipeline, and over HTTP
  // one full-size image first (to another model name, whose scenario the orchestrator queues too).
  if (mode !== 'sdk-server') await drainPipeline(syntheticImageSseBody({ base64Chars: 1024 * 1024 }));
  if (mode === 'sdk-server') {
    const ai = geminiClient(transport!.GoogleGenAI, env.GEMINI_URL!, env.GEMINI_KEY!);
    for await (const chunk of await ai.models.generateContentStream({ model: WARMUP_MODEL, ...request })) void chunk;
  } else if (transport) {
    const response = await streamingClient().fetch({ model: WARMUP_MODEL, request });
    await drainPipeline(response.body);
  }
  if (upload) {
    // And one small object (a single PutObject) so the S3 client's first-request set-up is done too.
    await upload.createS3UploadTarget({ client: s3Client(upload), bucket: env.S3_BUCKET! }).upload({
      key: 'bench/warm-up.bin',
      contentType: 'application/octet-stream',
      body: (async function* () {
        yield Buffer.alloc(1024);
      })(),
      signal: new AbortController().signal,
    });
  }

  const baseline = memoryBaseline();
  const started = performance.now();
  let outcome: { imageBytes: number; width?: number; height?: number };
  if (mode === 'pipeline-synthetic') {
    outcome = await drainPipeline(syntheticImageSseBody({ base64Chars }));
  } else if (mode === 'pipeline-server') {
    const response = await streamingClient().fetch({ model: MODEL, request });
    outcome = await drainPipeline(response.body);
  } else if (mode === 'sdk-server') {
    const ai = geminiClient(transport!.GoogleGenAI, env.GEMINI_URL!, env.GEMINI_KEY!);
    let imageBytes = 0;
    for await (const chunk of await ai.models.generateContentStream({ model: MODEL, ...request })) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        if (part.inlineData?.data) imageBytes += Buffer.from(part.inlineData.data, 'base64').length;
      }
    }
    outcome = { imageBytes };
  } else if (mode === 'upload-s3' && upload) {
    // The same in-process body as pipeline-synthetic, so the row shows what the upload adds.
    const response = { body: syntheticImageSseBody({ base64Chars }) };
    const target = upload.createS3UploadTarget({ client: s3Client(upload), bucket: env.S3_BUCKET! });
    const { parseSseStream, parseGeminiEvents } = await pipelineModules();
    outcome = { imageBytes: 0 };
    const events = parseGeminiEvents(parseSseStream(response.body));
    for await (const block of upload.collectText(
      upload.uploadImageChunks(events, { target, keyPrefix: 'bench/generated-images' }),
    )) {
      if (block.type === 'image')
        outcome = { imageBytes: block.contentLength, width: block.width, height: block.height };
    }
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  return {
    mode,
    base64Chars,
    ...outcome,
    seconds: (performance.now() - started) / 1000,
    peakRssGrowthBytes: peakRssGrowth(baseline),
  };
}

let cachedS3Client: import('@aws-sdk/client-s3').S3Client | undefined;
function s3Client(upload: Awaited<ReturnType<typeof uploadModules>>) {
  cachedS3Client ??= upload.createS3Client({
    region: 'us-east-1',
    endpoint: process.env.S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return cachedS3Client;
}

async function uploadModules() {
  const [{ uploadImageChunks }, { collectText }, { createS3Client, createS3UploadTarget }] = await Promise.all([
    import('../src/lib/platform/image-pipeline/upload.js'),
    import('../src/lib/platform/gemini/text-blocks.js'),
    import('../src/lib/platform/image-pipeline/s3-target.js'),
  ]);
  return { uploadImageChunks, collectText, createS3Client, createS3UploadTarget };
}

export interface ImagePipelineBench {
  rows: Array<ModeResult & { label: string; heapLimitMb?: number; ok: boolean; error?: string }>;
}

/** Orchestrates the modes, each in a fresh process, with the servers in processes of their own. */
export async function run(): Promise<ImagePipelineBench> {
  const { spawnGeminiServer } = await import('../dev/gemini-server/child.js');
  const gemini = await spawnGeminiServer();
  const { startS3 } = await import('./support/s3-child.js');
  const s3 = await startS3();
  const rows: ImagePipelineBench['rows'] = [];
  // Each HTTP-fed child gets the same image twice: once to warm up (WARMUP_MODEL), once measured.
  const queueImage = (base64Chars: number) =>
    gemini.control.queue(
      ...[WARMUP_MODEL, MODEL].map((model) => ({
        match: { model },
        reply: { kind: 'content' as const, parts: [{ type: 'image' as const, imageBytes: (base64Chars / 4) * 3 }] },
      })),
    );
  const child = async (label: string, mode: string, base64Chars: number, heapLimitMb?: number) => {
    const outcome = await runBenchChild<ModeResult>({
      script: 'image-pipeline.ts',
      args: ['--mode', mode],
      nodeFlags: heapLimitMb ? [`--max-old-space-size=${heapLimitMb}`] : [],
      env: {
        BENCH_BASE64_CHARS: String(base64Chars),
        GEMINI_URL: gemini.url,
        GEMINI_KEY: gemini.apiKey,
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: s3.bucket,
      },
    });
    rows.push({
      label,
      heapLimitMb,
      ok: outcome.ok,
      error: outcome.ok ? undefined : `exit ${outcome.exitCode ?? outcome.signal}: ${outcome.stderrTail.slice(-300)}`,
      ...(outcome.result ?? { mode, base64Chars, imageBytes: 0, seconds: NaN, peakRssGrowthBytes: NaN }),
    });
  };
  try {
    await child('pipeline, 40 MB base64, in-process body', 'pipeline-synthetic', BASE64_40MB);
    await child('pipeline, 80 MB base64, V8 heap capped at 32 MB', 'pipeline-synthetic', 2 * BASE64_40MB, 32);
    // Have the server generate (and cache) the image once, so every side gets the bytes at once.
    await gemini.control.queue({
      reply: { kind: 'content', parts: [{ type: 'image', imageBytes: (BASE64_40MB / 4) * 3 }] },
    });
    await drainOnce(gemini.url, gemini.apiKey);
    await queueImage(BASE64_40MB);
    await child('pipeline, 40 MB via local Gemini server', 'pipeline-server', BASE64_40MB);
    await queueImage(BASE64_40MB);
    await child('@google/genai generateContentStream, same bytes', 'sdk-server', BASE64_40MB);
    await child('pipeline + uploadImageChunks -> local S3, in-process body', 'upload-s3', BASE64_40MB);
  } finally {
    await gemini.stop();
    await s3.stop();
  }
  return { rows };
}

async function drainOnce(url: string, apiKey: string): Promise<void> {
  const response = await fetch(`${url}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, {
    method: 'POST',
    headers: { 'x-goog-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  for await (const chunk of response.body!) void chunk;
}

export function printImagePipeline({ rows }: ImagePipelineBench): void {
  console.log('\nStreaming core: one image whole in ONE SSE event');
  console.log('  case'.padEnd(58) + 'time'.padStart(9) + '  peak RSS growth   image');
  for (const row of rows) {
    const image = row.ok
      ? `${formatMb(row.imageBytes)}${row.width ? ` ${row.width}x${row.height}` : ''}`
      : `FAILED ${row.error}`;
    console.log(
      `  ${row.label}`.padEnd(58) +
        `${row.seconds.toFixed(2)} s`.padStart(9) +
        `  ${formatMb(row.peakRssGrowthBytes).padStart(10)}        ${image}`,
    );
  }
  const ours = rows.find((r) => r.mode === 'pipeline-server');
  const sdk = rows.find((r) => r.mode === 'sdk-server');
  if (ours?.ok && sdk?.ok) {
    console.log(
      `  vs SDK: ${(sdk.peakRssGrowthBytes / Math.max(ours.peakRssGrowthBytes, MB)).toFixed(1)}x less peak memory ` +
        `(targets: >= 10x), ${(sdk.seconds / ours.seconds).toFixed(1)}x faster (target >= 20x)`,
    );
  }
  console.log('  targets: 40 MB pipeline <= 16 MB; 80 MB completes under a 32 MB heap; upload <= 40 MB');
  console.log("  (rows fed over HTTP also carry undici's dead socket buffers until V8 collects them)");
}

async function main(): Promise<void> {
  const modeIndex = process.argv.indexOf('--mode');
  if (modeIndex !== -1) {
    // Child: one mode, result as JSON on the last line.
    console.log(JSON.stringify(await runMode(process.argv[modeIndex + 1], process.env)));
    return;
  }
  const result = await run();
  printImagePipeline(result);
  console.log(JSON.stringify(result));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
