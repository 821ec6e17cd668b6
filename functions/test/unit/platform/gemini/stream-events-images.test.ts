// The image deduplicator on its own: magic sniffing and the whole/fragment/cumulative decisions,
// with parts written in small slices as a streamed event delivers them.
import { describe, expect, it } from 'vitest';
import { ImageDeduplicator, sniffImageMime } from '../../../../src/lib/platform/gemini/stream-events-images.js';
import type { ImageDeltaEvent, ImageStartEvent } from '../../../../src/lib/platform/gemini/types.js';
import { fakeJpeg, fakePng, randomBytes } from './stream-events-support.js';

const b64 = (bytes: Buffer) => bytes.toString('base64');

describe('sniffImageMime', () => {
  it('recognises PNG, JPEG, GIF and WEBP from their first base64 chars', () => {
    expect(sniffImageMime(b64(fakePng(1, 64)))).toBe('image/png');
    expect(sniffImageMime(b64(fakeJpeg(1, 64)))).toBe('image/jpeg');
    expect(sniffImageMime(b64(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00', 'latin1')))).toBe('image/gif');
    expect(sniffImageMime(b64(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1')))).toBe('image/webp');
  });

  it('says nothing for other bytes, a bare FF D8 FF, or RIFF that is not WEBP', () => {
    expect(sniffImageMime(b64(randomBytes(2, 64)))).toBeUndefined();
    expect(sniffImageMime(b64(Buffer.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3, 4, 5])))).toBeUndefined();
    expect(sniffImageMime(b64(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')))).toBeUndefined();
    expect(sniffImageMime('iVBOR')).toBeUndefined(); // too short to be sure
  });
});

/** Runs parts (one per event) through a deduplicator, each written in slices of `slice` chars. */
function run(parts: Array<{ data: string; mimeType?: string; lateMimeType?: string }>, slice: number) {
  const events: Array<ImageStartEvent | ImageDeltaEvent> = [];
  const dedup = new ImageDeduplicator((event) => events.push(event));
  const ordinals: Array<number | undefined> = [];
  for (const part of parts) {
    dedup.startEvent();
    dedup.beginImage(part.mimeType);
    for (let i = 0; i < part.data.length; i += slice) dedup.write(part.data.slice(i, i + slice));
    ordinals.push(dedup.endImage(part.lateMimeType));
  }
  const images: Array<{ mimeType: string; base64: string }> = [];
  for (const event of events) {
    if (event.type === 'image-start') images.push({ mimeType: event.mimeType, base64: '' });
    else images[images.length - 1].base64 += event.data;
  }
  return { images, ordinals };
}

describe('ImageDeduplicator', () => {
  const image = b64(fakePng(3, 120_000)); // 160,000 chars: beyond the 64 Ki head
  const png = 'image/png';

  for (const slice of [1_000, 7, 65_536, 1_000_000]) {
    it(`cumulative parts, exact repeats and prefix repeats add nothing (slices of ${slice})`, () => {
      const parts = [40_000, 40_000, 100_000, 50, image.length, image.length].map((end) => ({
        data: image.slice(0, end),
        mimeType: png,
      }));
      const { images, ordinals } = run(parts, slice);
      expect(images).toEqual([{ mimeType: png, base64: image }]);
      expect(ordinals).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it(`fragments, even one that starts like the image does (slices of ${slice})`, () => {
      const lookalike = image.slice(0, 10) + image.slice(70_000, 90_000); // not a real continuation
      const parts = [image.slice(0, 70_000), lookalike, image.slice(90_000)].map((data) => ({ data, mimeType: png }));
      expect(run(parts, slice).images).toEqual([
        { mimeType: png, base64: image.slice(0, 70_000) + lookalike + image.slice(90_000) },
      ]);
    });
  }

  it('starts a new image for a different mimeType, a second part in one event, or a known magic', () => {
    const jpeg = b64(fakeJpeg(4, 3_000));
    const other = b64(fakePng(5, 5_000));
    const parts = [
      { data: image.slice(0, 5_000), mimeType: png },
      { data: jpeg.slice(0, 16), mimeType: 'image/jpeg' }, // different type (and too short to sniff)
      { data: other, mimeType: png }, // PNG magic, different bytes after the signature
    ];
    const { images, ordinals } = run(parts, 100);
    expect(images.map((i) => i.base64)).toEqual([image.slice(0, 5_000), jpeg.slice(0, 16), other]);
    expect(ordinals).toEqual([0, 1, 2]);

    const events: Array<ImageStartEvent | ImageDeltaEvent> = [];
    const dedup = new ImageDeduplicator((event) => events.push(event));
    dedup.startEvent();
    for (const data of [other, other]) {
      dedup.beginImage(png);
      dedup.write(data);
      dedup.endImage();
    }
    expect(events.filter((e) => e.type === 'image-start')).toHaveLength(2); // same bytes, two parts of one event
  });

  it('keeps two images apart that share their first 2,000 bytes (same header and metadata)', () => {
    const first = fakePng(8, 30_000);
    const second = Buffer.concat([first.subarray(0, 2_000), randomBytes(9, 35_000)]);
    for (const slice of [10, 4_096, 100_000]) {
      const { images, ordinals } = run(
        [
          { data: b64(first), mimeType: png },
          { data: b64(second), mimeType: png },
        ],
        slice,
      );
      expect(images.map((i) => i.base64)).toEqual([b64(first), b64(second)]);
      expect(ordinals).toEqual([0, 1]);
    }
  });

  it('waits for a mimeType that comes after the data, within the look-ahead', () => {
    const unknown = b64(randomBytes(6, 900));
    const { images } = run(
      [
        { data: image.slice(0, 2_000), mimeType: png },
        { data: unknown, lateMimeType: 'image/heic' }, // no magic: would be a fragment, but the type differs
        { data: b64(randomBytes(7, 300)), lateMimeType: 'image/heic' }, // same late type: a fragment of it
      ],
      64,
    );
    expect(images.map((i) => i.mimeType)).toEqual([png, 'image/heic']);
    expect(images[1].base64.length).toBe(unknown.length + 400);
  });

  it('ignores an empty part', () => {
    expect(run([{ data: '', mimeType: png }], 10)).toEqual({ images: [], ordinals: [undefined] });
  });
});
