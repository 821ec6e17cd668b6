// generateImage and editImage through the real Functions emulator (built lib/, the emulator's own
// environment: shared s3rver, local Gemini server, Auth and Firestore emulators). Abort behaviour is
// covered in-process (images.test.ts): the emulator does not pass client disconnects on.
import { imageSize } from 'image-size';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GeminiServerControl } from '../../dev/gemini-server/control-client.js';
import { getDb } from '../../src/lib/platform/firebase.js';
import { phoneJpeg } from '../unit/features/images/photo-fixtures.js';
import { applyServiceEnv, functionUrl, signUp, type SignedUpUser } from '../support/services.js';
import { readSse } from './images-support.js';

let gemini: GeminiServerControl;
let user: SignedUpUser;

beforeAll(() => {
  gemini = new GeminiServerControl(applyServiceEnv().gemini.url);
});

beforeEach(async () => {
  await gemini.reset();
  user = await signUp();
});

function post(name: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(functionUrl(name), {
    method: 'POST',
    headers: { authorization: `Bearer ${user.idToken}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
}

describe('image functions in the Functions emulator', () => {
  it('generateImage answers JSON with a fetchable URL and a record', async () => {
    await gemini.queue({
      reply: { kind: 'content', parts: [{ type: 'image', width: 300, height: 200, imageBytes: 8_000_000 }] },
    });
    const response = await post('generateImage', { prompt: 'emulated', aspectRatio: '3:2' });
    expect(response.status).toBe(200);
    const { image } = (await response.json()) as { image: { id: string; url: string; contentLength: number } };
    const bytes = Buffer.from(await (await fetch(image.url)).arrayBuffer());
    expect(bytes.length).toBe(8_000_000);
    expect(image.contentLength).toBe(8_000_000);
    expect(imageSize(bytes)).toMatchObject({ width: 300, height: 200 });
    const record = await getDb().collection('images').doc(image.id).get();
    expect(record.data()).toMatchObject({ owner: user.uid, kind: 'generate', url: image.url });
  });

  it('editImage streams SSE progress and sends the data-URI photo upright and without metadata (sharp loads in the emulator)', async () => {
    const source = await phoneJpeg(40, 30, { orientation: 6, gps: true });
    await gemini.queue({ reply: { kind: 'content', parts: [{ type: 'image', width: 40, height: 30 }] } });
    const response = await post(
      'editImage',
      { image: `data:image/jpeg;base64,${source.toString('base64')}`, editPrompt: 'add a hat' },
      { accept: 'text/event-stream' },
    );
    const events = await readSse(response);
    expect(events.map((event) => event.event).filter((name) => name !== 'progress')).toEqual([
      'start',
      'image',
      'done',
    ]);
    const [request] = await gemini.requests({ action: 'streamGenerateContent' });
    expect(request.body?.contents[0].inlineData[0]).toMatchObject({
      mimeType: 'image/jpeg',
      width: 30,
      height: 40,
      hasMetadata: false,
    });
  });

  it('refuses a URL that is not on the allowed hosts', async () => {
    const response = await post('editImage', { image: 'https://evil.example.test/x.png', editPrompt: 'x' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('source_not_allowed');
  });
});
