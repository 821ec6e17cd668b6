// generateImageJob / editImageJob: what each request makes of its body and the configuration, run
// through the ImageJobDeps seam with a scripted Gemini client and an in-memory store and record.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { styleInstruction } from '../../../../src/lib/features/images/content.js';
import { editImageJob, generateImageJob, type ImageJobDeps } from '../../../../src/lib/features/images/index.js';
import type { ImageRecord } from '../../../../src/lib/features/images/metadata.js';
import { testScope } from '../../../support/request-scope.js';
import type { GeminiStreamRequest } from '../../../../src/lib/platform/gemini/streaming-client.js';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import { createLogger } from '../../../../src/lib/platform/logging.js';
import { makePng } from '../../platform/image-pipeline/fixtures.js';
import { MemoryUploadTarget } from '../../platform/image-pipeline/memory-target.js';

const png = makePng(40, 30);
const pngDataUri = `data:image/png;base64,${png.toString('base64')}`;
const log = createLogger({ test: 'image-requests' });
const signal = new AbortController().signal;

async function* sseBody(event: object): AsyncGenerator<Uint8Array> {
  yield Buffer.from(`data: ${JSON.stringify(event)}\r\n\r\n`);
}

/** A Gemini client that answers every request with one PNG, recording what it was asked. */
function fakeDeps() {
  const requests: GeminiStreamRequest[] = [];
  const records = new Map<string, ImageRecord>();
  const target = new MemoryUploadTarget();
  const answer = {
    candidates: [
      {
        content: { role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: png.toString('base64') } }] },
        finishReason: 'STOP',
      },
    ],
  };
  const deps: ImageJobDeps = {
    client: {
      fetch: async (request) => {
        requests.push(request);
        return { status: 200, headers: new Headers(), body: sseBody(answer) };
      },
    },
    store: { target, remove: async (key) => void target.objects.delete(key) },
    metadata: { newId: () => `img-${records.size + 1}`, save: async (id, record) => void records.set(id, record) },
  };
  return { deps, requests, records };
}

async function failureOf(run: () => Promise<unknown>): Promise<HttpError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

const savedEnv = { ...process.env };
beforeEach(() => {
  Object.assign(process.env, {
    GEMINI_IMAGE_MODEL: 'gemini-2.5-flash-image',
    GEMINI_IMAGE_EDIT_MODEL: 'gemini-3-pro-image',
  });
});
afterEach(() => {
  process.env = { ...savedEnv };
});

describe('generateImageJob', () => {
  it('asks the configured image model for the prompt and ratio, and records the image as the caller’s', async () => {
    const { deps, requests, records } = fakeDeps();
    const job = generateImageJob(deps, {
      scope: testScope({ uid: 'u1', log }),
      body: { prompt: 'a lighthouse', aspectRatio: '3:2' },
    });
    const result = await job({ signal });

    expect(result.image).toMatchObject({ id: 'img-1', width: 40, height: 30 });
    expect(requests.map((request) => request.model)).toEqual(['gemini-2.5-flash-image']);
    expect(requests[0].request.generationConfig?.imageConfig).toEqual({ aspectRatio: '3:2' });
    expect(requests[0].request.contents[0].parts).toEqual([{ text: 'a lighthouse' }]);
    expect(records.get('img-1')).toMatchObject({ owner: 'u1', kind: 'generate', prompt: 'a lighthouse' });
  });

  it('refuses an option the configured model does not take with 400, before Gemini is asked', () => {
    const { deps, requests } = fakeDeps();
    let thrown: unknown;
    try {
      // gemini-2.5-flash-image takes no imageSize and not the extreme ratios.
      generateImageJob(deps, {
        scope: testScope({ uid: 'u1', log }),
        body: { prompt: 'a lighthouse', aspectRatio: '8:1', imageSize: '4K' },
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((thrown as HttpError).details).toMatchObject({
      issues: [{ path: ['aspectRatio'] }, { path: ['imageSize'] }],
    });
    expect(requests).toHaveLength(0);
  });

  it('names the style reference that is refused by its index, and asks Gemini nothing', async () => {
    const { deps, requests } = fakeDeps();
    const body = {
      prompt: 'a lighthouse',
      aspectRatio: '1:1' as const,
      styleReferenceImages: [pngDataUri, 'data:image/svg+xml;base64,AAAA'],
    };
    const job = generateImageJob(deps, { scope: testScope({ uid: 'u1', log }), body });
    const error = await failureOf(() => job({ signal }));
    expect([error.status, error.code]).toEqual([415, 'unsupported_image_type']);
    expect(error.details).toMatchObject({ field: 'styleReferenceImages.1' });
    expect(requests).toHaveLength(0);
  });

  it('names each style reference before it, says what to take from them, then gives the prompt', async () => {
    const { deps, requests } = fakeDeps();
    const body = {
      prompt: 'a lighthouse',
      aspectRatio: '1:1' as const,
      styleReferenceImages: [pngDataUri, pngDataUri],
    };
    await generateImageJob(deps, { scope: testScope({ uid: 'u1', log }), body })({ signal });
    const parts = requests[0].request.contents[0].parts;
    expect(parts.map((part) => (part.inlineData ? 'image' : part.text))).toEqual([
      'Style reference 1 of 2:',
      'image',
      'Style reference 2 of 2:',
      'image',
      styleInstruction(2),
      'a lighthouse',
    ]);
    expect(styleInstruction(2)).toMatch(/visual style of the 2 style reference images above/);
    expect(styleInstruction(1)).toMatch(/visual style of the style reference image above/);
    // The references are re-encoded (metadata stripped), still the same 40 x 30 picture.
    const sent = parts[1].inlineData!;
    expect(sent.mimeType).toBe('image/png');
    expect(await sharp(sent.data as Buffer).metadata()).toMatchObject({ width: 40, height: 30, format: 'png' });
  });
});

describe('editImageJob', () => {
  it('asks the configured edit model with the image, then the edit prompt, and records an edit', async () => {
    const { deps, requests, records } = fakeDeps();
    const job = editImageJob(deps, {
      scope: testScope({ uid: 'u2', log }),
      body: { image: pngDataUri, editPrompt: 'make it dusk' },
    });
    await job({ signal });

    expect(requests.map((request) => request.model)).toEqual(['gemini-3-pro-image']);
    const [image, prompt] = requests[0].request.contents[0].parts;
    expect(prompt).toEqual({ text: 'make it dusk' });
    expect(image.inlineData?.mimeType).toBe('image/png');
    expect(await sharp(image.inlineData?.data as Buffer).metadata()).toMatchObject({ width: 40, height: 30 });
    expect(records.get('img-1')).toMatchObject({
      owner: 'u2',
      kind: 'edit',
      prompt: 'make it dusk',
      model: 'gemini-3-pro-image',
    });
  });

  it('names the image field when the input is refused, and asks Gemini nothing', async () => {
    const { deps, requests } = fakeDeps();
    const job = editImageJob(deps, {
      scope: testScope({ uid: 'u2', log }),
      body: { image: 'data:image/png;base64,@@', editPrompt: 'x' },
    });
    const error = await failureOf(() => job({ signal }));
    expect([error.status, error.code]).toEqual([400, 'invalid_image']);
    expect(error.details).toMatchObject({ field: 'image' });
    expect(requests).toHaveLength(0);
  });
});
