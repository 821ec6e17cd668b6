// One image job (generate or edit), end to end:
//   prepare (open input images) -> fetchGeminiEvents (transport -> parseSseStream -> parseGeminiEvents)
//   -> uploadImageChunks (S3) -> collectText -> pick the final image -> images/{id} record.
// Progress is reported through `onEvent` as it happens (start, text, progress, image, done).
// Retries (bounded, with backoff) what the error says is retryable (408/429/500/502/503/504, network
// faults, a cut-off stream), and only while nothing has been produced yet.
// Cancellation (client gone) and the per-model deadline abort the Gemini request and the upload;
// every object uploaded by a job that does not succeed is removed, and no record is written.
// Budget: one image is charged (spec.budget, the request's) once Gemini has begun sending image output, kept
// or not (aborted, too large, blocked after it): Gemini bills what it generated. A job that fails
// before any image output is not charged, so the request layer refunds the unit it reserved. The
// call's cost (`costUsd`, MODEL_PRICES) is charged with it: priced from Gemini's usage, or, when the
// call ended before its usage arrived, at the image's list price by size.
import type { GeminiTransport } from '../../platform/gemini/streaming-client.js';
import { fetchGeminiEvents } from '../../platform/gemini/fetch-events.js';
import { finishReasonBlock } from '../../platform/gemini/finish-reasons.js';
import type { GenerateContentRequestBody } from '../../platform/gemini/request-body.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from '../../platform/model/retry.js';
import { collectText } from '../../platform/gemini/text-blocks.js';
import type { DoneEvent, GeminiStreamEvent } from '../../platform/gemini/types.js';
import { toTokenUsage, type TokenUsage } from '../../platform/gemini/usage.js';
import { GeminiTimeoutError, isRetryableError, retryAfterMsOf } from '../../platform/gemini/errors.js';
import type { ImageBlock } from '../../platform/image-pipeline/image-block.js';
import { uploadImageChunks } from '../../platform/image-pipeline/upload.js';
import { CLEANUP_WAIT_MS } from '../../platform/image-pipeline/s3-cleanup.js';
import type { BudgetMeter } from '../../platform/budget/types.js';
import { geminiBillableTokens } from '../../platform/gemini/billable-tokens.js';
import type { PricedImageSize } from '../../platform/pricing/price-table.js';
import type { CallPricer } from '../../platform/pricing/pricer.js';
import type { Logger } from '../../platform/logging.js';
import { describeError } from '../../platform/logging.js';
import { noImageError } from './errors.js';
import type { ImageMetadataStore } from './metadata.js';
import type { ImageObjectStore } from './storage.js';

export interface ImageJobSpec {
  kind: 'generate' | 'edit';
  uid: string;
  model: string;
  prompt: string;
  timeoutMs: number;
  maxOutputBytes: number;
  /** The output size asked for (1K when the request names none): what an image is priced at. */
  imageSize: PricedImageSize;
  /** Prices the call (costUsd); none: costUsd is null. */
  pricer?: CallPricer;
  /** The caller's daily budgets (the request scope's): charged one image once image output began. */
  budget?: Pick<BudgetMeter, 'chargeImages' | 'chargeCost'>;
  /**
   * The request, input images loaded and normalized (a bad one fails here, before `start`). Called
   * once: the body holds the images as bytes, so every retry sends the same request again.
   */
  prepare(signal: AbortSignal): Promise<GenerateContentRequestBody>;
}

export interface ImageJobDeps {
  client: GeminiTransport;
  store: ImageObjectStore;
  metadata: ImageMetadataStore;
  retryPolicy?: RetryPolicy;
  log?: Logger;
}

export interface ImageSummary {
  id: string;
  url: string;
  width: number;
  height: number;
  format: string;
  contentType: string;
  contentLength: number;
}

export interface ImageJobResult {
  image: ImageSummary;
  text?: string;
  /** The model version that answered (Gemini's modelVersion; the local stand-in's ends in -offline). */
  model: string;
  finishReason: string | null;
  usage: TokenUsage | null;
  /**
   * What the call cost in USD at list price (MODEL_PRICES; no shared-cache discount shown), or null for
   * a model with no price.
   */
  costUsd: number | null;
}

export type ImageJobEvent =
  | { type: 'start'; model: string; kind: ImageJobSpec['kind'] }
  | { type: 'text'; text: string }
  | { type: 'progress'; bytes: number }
  | { type: 'image'; image: ImageSummary }
  | { type: 'done'; result: ImageJobResult };

export interface RunOptions {
  /** The client's signal: aborts everything. */
  signal: AbortSignal;
  onEvent?(event: ImageJobEvent): void;
}

/** Time kept for clean-up after a job gives up: the upload's abort, then the deletes (s3-cleanup.ts). */
const CLEANUP_RESERVE_MS = 2 * CLEANUP_WAIT_MS;

/** Progress events at most every this many bytes or this many ms (whichever comes first). */
const PROGRESS_EVERY_BYTES = 1024 * 1024;
const PROGRESS_EVERY_MS = 250;

interface AttemptOutcome {
  images: ImageBlock[];
  text: string;
  done?: DoneEvent;
}

export async function runImageJob(
  spec: ImageJobSpec,
  deps: ImageJobDeps,
  options: RunOptions,
): Promise<ImageJobResult> {
  const emit = (event: ImageJobEvent): void => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      // A failing listener (e.g. a broken SSE socket) must not fail, or undo, the job itself.
      deps.log?.warn('image: progress listener failed', { event: event.type, error: String(error) });
    }
  };
  const deadline = new AbortController();
  // The job gives up early enough for its clean-up (an S3 abort and deletes, each awaited at most
  // CLEANUP_WAIT_MS) to fit: the caller hears within spec.timeoutMs, whatever S3 does.
  const giveUpMs = Math.max(spec.timeoutMs / 2, spec.timeoutMs - CLEANUP_RESERVE_MS);
  const timer = setTimeout(() => deadline.abort(new GeminiTimeoutError('total', spec.timeoutMs)), giveUpMs);
  const signal = AbortSignal.any([options.signal, deadline.signal]);
  const uploaded: ImageBlock[] = []; // every object this job created, for cleanup
  let progressed = false; // anything produced (text, image bytes): no retry after that
  let imageBilled = false; // Gemini began sending an image: it is billed whatever happens next
  let cost: number | null | undefined; // priced from the usage, once it arrived

  try {
    // The inputs are loaded before `start`, so a bad input image is a plain 4xx.
    const request = await spec.prepare(signal);
    emit({ type: 'start', model: spec.model, kind: spec.kind });

    const outcome = await withRetry(
      async () =>
        streamOnce(spec, deps, request, signal, {
          onProduced: () => (progressed = true),
          onImageStarted: () => (imageBilled = true),
          onUploaded: (block) => uploaded.push(block),
          emit,
        }),
      deps.retryPolicy ?? DEFAULT_RETRY_POLICY,
      {
        signal,
        isRetryable: (error) => !progressed && isRetryableError(error),
        retryAfterMs: retryAfterMsOf,
        onRetry: ({ attempt, delayMs, error }) =>
          deps.log?.warn('image: retrying Gemini', { attempt, delayMs, error: describeError(error, { stack: false }) }),
      },
    );

    const image = pickFinalImage(outcome);
    signal.throwIfAborted();
    const id = deps.metadata.newId();
    const result: ImageJobResult = {
      image: {
        id,
        url: image.url,
        width: image.width,
        height: image.height,
        format: image.format,
        contentType: image.contentType,
        contentLength: image.contentLength,
      },
      ...(outcome.text ? { text: outcome.text } : {}),
      model: outcome.done?.modelVersion ?? spec.model,
      finishReason: outcome.done?.finishReason ?? null,
      usage: outcome.done?.usage ? toTokenUsage(outcome.done.usage) : null,
      costUsd: callCost(spec, deps, outcome),
    };
    cost = result.costUsd;
    await deps.metadata.save(id, {
      owner: spec.uid,
      kind: spec.kind,
      prompt: spec.prompt,
      model: result.model,
      usage: result.usage,
      costUsd: result.costUsd,
      finishReason: result.finishReason,
      width: image.width,
      height: image.height,
      format: image.format,
      contentType: image.contentType,
      contentLength: image.contentLength,
      url: image.url,
      bucket: image.bucket,
      key: image.key,
    });
    // Everything but the kept image goes (interim thought images, extra images).
    await removeObjects(
      deps,
      uploaded.filter((block) => block !== image),
    );
    emit({ type: 'image', image: result.image });
    emit({ type: 'done', result });
    return result;
  } catch (error) {
    await removeObjects(deps, uploaded);
    if (options.signal.aborted) throw options.signal.reason;
    if (deadline.signal.aborted) throw deadline.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    if (imageBilled) {
      await spec.budget?.chargeImages(1);
      await spec.budget?.chargeCost(cost !== undefined ? cost : callCost(spec, deps, undefined));
    }
  }
}

/**
 * The call's cost: from Gemini's usage (image tokens apart when it breaks them down, else each final
 * image at its size's price), or without usage (a call cut off mid-image) one image at list price.
 */
function callCost(spec: ImageJobSpec, deps: ImageJobDeps, outcome: AttemptOutcome | undefined): number | null {
  if (!spec.pricer) return null;
  const usage = outcome?.done?.usage;
  const finals = outcome ? Math.max(1, finalImages(outcome).length) : 1;
  const images = { count: finals, size: spec.imageSize };
  const tokens = usage ? geminiBillableTokens(usage, images) : { input: 0, cachedInput: 0, output: 0, images };
  const models = [outcome?.done?.modelVersion, spec.model];
  deps.log?.info('image call cost', {
    model: outcome?.done?.modelVersion ?? spec.model,
    costUsd: spec.pricer.costUsd(models, tokens),
    exactCostUsd: spec.pricer.exactCostUsd(models, tokens),
  });
  return spec.pricer.costUsd(models, tokens);
}

interface AttemptHooks {
  onProduced(): void;
  onImageStarted(): void;
  onUploaded(block: ImageBlock): void;
  emit(event: ImageJobEvent): void;
}

async function streamOnce(
  spec: ImageJobSpec,
  deps: ImageJobDeps,
  request: GenerateContentRequestBody,
  signal: AbortSignal,
  hooks: AttemptHooks,
): Promise<AttemptOutcome> {
  const outcome: AttemptOutcome = { images: [], text: '' };
  const events = observe(await fetchGeminiEvents(deps.client, { model: spec.model, request, signal }), hooks);
  const blocks = collectText(
    uploadImageChunks(events, {
      target: deps.store.target,
      // No uid in the key: an image URL is shared publicly, and must not say who made it.
      keyPrefix: spec.kind === 'generate' ? 'generated-images' : 'edited-images',
      maxBytes: spec.maxOutputBytes,
      onProgress: throttledProgress(hooks.emit),
      signal,
    }),
  );
  for await (const block of blocks) {
    if (block.type === 'image') {
      hooks.onUploaded(block);
      outcome.images.push(block);
    } else if (block.type === 'text') {
      outcome.text += block.text;
    } else if (block.type === 'done') {
      outcome.done = block;
    }
  }
  return outcome;
}

/** Passes events through, reporting answer text as it arrives and noting that output has begun. */
async function* observe(
  events: AsyncIterable<GeminiStreamEvent>,
  hooks: AttemptHooks,
): AsyncGenerator<GeminiStreamEvent> {
  for await (const event of events) {
    if (event.type === 'image-start') {
      hooks.onProduced();
      hooks.onImageStarted();
    }
    if (event.type === 'text-delta' && !event.thought && event.text) {
      hooks.onProduced();
      hooks.emit({ type: 'text', text: event.text });
    }
    yield event;
  }
}

function throttledProgress(emit: (event: ImageJobEvent) => void): (bytes: number) => void {
  let lastBytes = 0;
  let lastAt = 0;
  return (bytes) => {
    const now = Date.now();
    if (bytes < lastBytes) lastBytes = 0; // a new image started
    if (bytes - lastBytes < PROGRESS_EVERY_BYTES && now - lastAt < PROGRESS_EVERY_MS) return;
    lastBytes = bytes;
    lastAt = now;
    emit({ type: 'progress', bytes });
  };
}

/**
 * The image to keep: the last one that is not an interim (thought) image. Blocking stops win over
 * any image (a safety stop must not publish what was streamed before it).
 */
function pickFinalImage(outcome: AttemptOutcome): ImageBlock {
  const finishReason = outcome.done?.finishReason;
  const blocked = finishReasonBlock(finishReason, outcome.done?.safetyRatings);
  if (blocked) throw blocked;
  const finals = finalImages(outcome);
  const image = finals[finals.length - 1];
  if (!image) throw noImageError(finishReason);
  return image;
}

/** The images that are not interim (thought) ones. */
function finalImages(outcome: AttemptOutcome): ImageBlock[] {
  const thought = new Set(outcome.done?.thoughtImageIndexes ?? []);
  return outcome.images.filter((_, index) => !thought.has(index));
}

/** Best effort: a failed delete is logged, never allowed to mask the job's own outcome. */
async function removeObjects(deps: ImageJobDeps, blocks: readonly ImageBlock[]): Promise<void> {
  await Promise.all(
    blocks.map((block) =>
      deps.store.remove(block.key).catch((error: unknown) => {
        deps.log?.warn('image: could not remove an unused object', { key: block.key, error: String(error) });
      }),
    ),
  );
}
