// normalizeInputImage on real encoded images (libvips through sharp): what Gemini is sent for a phone
// photo, a screenshot, a GIF, a BMP, a TIFF, a HEIF, and what is refused before any pixel is decoded.
import sharp from 'sharp';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SourceImageError } from '../../../../src/lib/features/images/errors.js';
import { normalizeInputImage, type InputImagePolicy } from '../../../../src/lib/features/images/input-normalize.js';
import { BLUE, RED, halves, heifWithMetadata, makeBmp, near, phoneJpeg, pixelAt } from './photo-fixtures.js';

const policy: InputImagePolicy = { maxSide: 1536, maxPixels: 100_000_000, passthroughMaxBytes: 7 * 1024 * 1024 };

async function refusal(run: Promise<unknown>): Promise<SourceImageError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceImageError);
  return error as SourceImageError;
}

describe('normalizeInputImage: phone photos', () => {
  it('turns a sideways photo upright by its EXIF orientation, then sends no metadata at all', async () => {
    // Stored 60 x 40 (red left, blue right) with orientation 6: shown rotated 90° clockwise, 40 x 60,
    // red on top. A GPS position rides along in the Exif segment.
    const photo = await phoneJpeg(60, 40, { orientation: 6, gps: true });
    expect(photo.includes('Exif\0\0')).toBe(true);

    const sent = await normalizeInputImage(photo, 'image/jpeg', policy, 'image');
    expect(sent).toMatchObject({ mimeType: 'image/jpeg', width: 40, height: 60 });
    expect(sent.source).toMatchObject({ mimeType: 'image/jpeg', width: 60, height: 40, bytes: photo.length });
    expect(near(await pixelAt(sent.data, 20, 5), RED)).toBe(true);
    expect(near(await pixelAt(sent.data, 20, 55), BLUE)).toBe(true);

    const metadata = await sharp(sent.data).metadata();
    expect([metadata.width, metadata.height]).toEqual([40, 60]);
    expect(metadata.exif).toBeUndefined();
    expect(metadata.xmp).toBeUndefined();
    expect(metadata.icc).toBeUndefined();
    expect(metadata.orientation).toBeUndefined();
    expect(sent.data.includes('Exif\0\0')).toBe(false);
  });

  it.each([
    [2, [60, 40], { x: 5, y: 20 }, BLUE], // mirrored: blue on the left
    [3, [60, 40], { x: 5, y: 20 }, BLUE], // upside down: blue on the left
    [8, [40, 60], { x: 20, y: 5 }, BLUE], // 90° counter-clockwise: blue on top
  ])('applies orientation %i', async (orientation, size, at, color) => {
    const sent = await normalizeInputImage(await phoneJpeg(60, 40, { orientation }), 'image/jpeg', policy, 'image');
    expect([sent.width, sent.height]).toEqual(size);
    expect(near(await pixelAt(sent.data, at.x, at.y), color)).toBe(true);
  });

  it('downscales to maxSide on the long side, keeping the aspect ratio, and never enlarges', async () => {
    const photo = await phoneJpeg(4000, 3000, { orientation: 1 }, 80);
    const sent = await normalizeInputImage(photo, 'image/jpeg', policy, 'image');
    expect([sent.width, sent.height]).toEqual([1536, 1152]);
    expect(sent.data.length).toBeLessThan(photo.length);

    const small = await normalizeInputImage(await phoneJpeg(300, 200, {}), 'image/jpeg', policy, 'image');
    expect([small.width, small.height]).toEqual([300, 200]);
    const other = await normalizeInputImage(photo, 'image/jpeg', { ...policy, maxSide: 512 }, 'image');
    expect([other.width, other.height]).toEqual([512, 384]);
  });

  it('keeps PNG (with its transparency) and WebP as they are, minus their metadata', async () => {
    const transparent = await sharp({
      create: { width: 20, height: 10, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } },
    })
      .withExif({ IFD0: { Make: 'TestPhone' } })
      .png()
      .toBuffer();
    const png = await normalizeInputImage(transparent, 'image/png', policy, 'image');
    expect(png.mimeType).toBe('image/png');
    const pngMeta = await sharp(png.data).metadata();
    expect([pngMeta.format, pngMeta.hasAlpha, pngMeta.exif]).toEqual(['png', true, undefined]);

    const webpIn = await halves(30, 20)
      .withExif({ IFD0: { Make: 'TestPhone' } })
      .webp()
      .toBuffer();
    const webp = await normalizeInputImage(webpIn, 'image/webp', policy, 'image');
    expect(webp.mimeType).toBe('image/webp');
    expect((await sharp(webp.data).metadata()).exif).toBeUndefined();
  });
});

describe('normalizeInputImage: formats Gemini does not take', () => {
  it('converts a GIF (its first frame) to PNG and a TIFF to JPEG', async () => {
    const gif = await halves(30, 20).gif().toBuffer();
    const fromGif = await normalizeInputImage(gif, 'image/gif', policy, 'image');
    expect([fromGif.mimeType, (await sharp(fromGif.data).metadata()).format]).toEqual(['image/png', 'png']);
    expect(near(await pixelAt(fromGif.data, 2, 10), RED)).toBe(true);

    const tiff = await halves(30, 20).tiff().toBuffer();
    const fromTiff = await normalizeInputImage(tiff, 'image/tiff', policy, 'image');
    expect(fromTiff.mimeType).toBe('image/jpeg');
    expect(near(await pixelAt(fromTiff.data, 2, 10), RED)).toBe(true);
  });

  it('decodes a BMP (libvips has no BMP loader) to PNG, pixels intact', async () => {
    const sent = await normalizeInputImage(makeBmp(30, 21), 'image/bmp', policy, 'image');
    expect(sent).toMatchObject({ mimeType: 'image/png', width: 30, height: 21 });
    expect(await pixelAt(sent.data, 2, 20)).toEqual([...RED]);
    expect(await pixelAt(sent.data, 28, 0)).toEqual([...BLUE]);
  });

  it('refuses an RLE-compressed BMP with 415, and a broken one with 400', async () => {
    const rle = makeBmp(4, 4);
    rle.writeUInt32LE(1, 30); // BI_RLE8
    const unsupported = await refusal(normalizeInputImage(rle, 'image/bmp', policy, 'image'));
    expect([unsupported.status, unsupported.code]).toEqual([415, 'unsupported_image_type']);
    const truncated = makeBmp(40, 40).subarray(0, 200);
    const broken = await refusal(normalizeInputImage(truncated, 'image/bmp', policy, 'image'));
    expect([broken.status, broken.code]).toEqual([400, 'invalid_image']);
  });

  it('converts AVIF, which Gemini does not list, to JPEG, or to PNG when it is transparent', async () => {
    const avif = await halves(30, 20).avif().toBuffer();
    const sent = await normalizeInputImage(avif, 'image/avif', policy, 'image');
    expect(sent).toMatchObject({ mimeType: 'image/jpeg', width: 30, height: 20 });
    const translucent = Buffer.alloc(8 * 8 * 4, 128);
    const clear = await sharp(translucent, { raw: { width: 8, height: 8, channels: 4 } })
      .avif()
      .toBuffer();
    const png = await normalizeInputImage(clear, 'image/avif', policy, 'image');
    expect([png.mimeType, (await sharp(png.data).metadata()).hasAlpha]).toEqual(['image/png', true]);
  });
});

describe('normalizeInputImage: HEIC/HEIF', () => {
  it('sends the container as it is, its Exif and XMP items blanked in place', async () => {
    const heif = await heifWithMetadata();
    expect(heif.includes('TestPhone')).toBe(true);
    expect(heif.includes('GPSLatitude')).toBe(true);
    const length = heif.length;

    const sent = await normalizeInputImage(heif, 'image/heif', policy, 'image');
    expect(sent).toMatchObject({ mimeType: 'image/heif', width: 64, height: 48 });
    expect(sent.data.length).toBe(length);
    expect(sent.data.includes('TestPhone')).toBe(false);
    expect(sent.data.includes('GPSLatitude')).toBe(false);
    // Still a valid HEIF a decoder reads, with the same image; the metadata it finds is empty.
    const metadata = await sharp(sent.data).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['heif', 64, 48]);
    expect(near(await pixelAt(sent.data, 2, 2), RED)).toBe(true);
    expect(metadata.exif === undefined || !metadata.exif.includes('TestPhone')).toBe(true);
  });

  it('refuses a HEIF over Gemini’s inline limit with 413, and one whose ispe declares a bomb with 413', async () => {
    const heif = await heifWithMetadata();
    const big = await refusal(
      normalizeInputImage(heif, 'image/heif', { ...policy, passthroughMaxBytes: 100 }, 'image'),
    );
    expect([big.status, big.code, big.details]).toEqual([413, 'image_too_large', { field: 'image', maxBytes: 100 }]);
    const bomb = await refusal(normalizeInputImage(heif, 'image/heif', { ...policy, maxPixels: 1000 }, 'image'));
    expect(bomb.details).toEqual({ field: 'image', maxPixels: 1000, width: 64, height: 48 });
  });
});

describe('normalizeInputImage: refused before decoding', () => {
  it('refuses a decompression bomb from its header: 413 image_too_large with the pixel counts', async () => {
    // A small PNG whose header (CRC intact) declares 20000 x 20000: decoded, 1.2 GB of pixels.
    const bomb = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    bomb.writeUInt32BE(20_000, 16);
    bomb.writeUInt32BE(20_000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    const error = await refusal(normalizeInputImage(bomb, 'image/png', policy, 'styleReferenceImages.0'));
    expect([error.status, error.code]).toEqual([413, 'image_too_large']);
    expect(error.details).toEqual({
      field: 'styleReferenceImages.0',
      maxPixels: 100_000_000,
      width: 20_000,
      height: 20_000,
    });
    const bmp = makeBmp(2, 2);
    bmp.writeInt32LE(50_000, 18);
    bmp.writeInt32LE(50_000, 22);
    expect((await refusal(normalizeInputImage(bmp, 'image/bmp', policy, 'image'))).code).toBe('image_too_large');
  });

  it('refuses a truncated JPEG with 400 invalid_image rather than sending half a picture', async () => {
    const photo = await phoneJpeg(200, 200, {}, 95);
    const error = await refusal(
      normalizeInputImage(photo.subarray(0, Math.floor(photo.length / 2)), 'image/jpeg', policy, 'image'),
    );
    expect([error.status, error.code, error.details]).toEqual([400, 'invalid_image', { field: 'image' }]);
  });
});
