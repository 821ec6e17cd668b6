// What loadSourceImage does with strings that are neither a valid data URI nor a valid URL: a 400
// with a machine-readable code, decided before any connection is attempted; and a data URI, decoded
// and normalized without any fetch.
import { describe, expect, it } from 'vitest';
import { SourceImageError } from '../../../../src/lib/features/images/errors.js';
import { loadSourceImage } from '../../../../src/lib/features/images/source-image.js';
import { phoneJpeg } from './photo-fixtures.js';

const policy = {
  allowedHosts: ['images.example.test'],
  allowLoopback: false,
  maxBytes: 100_000,
  maxSide: 1536,
  maxPixels: 100_000_000,
  passthroughMaxBytes: 100_000,
};

async function refusal(value: string, overrides: Partial<typeof policy> = {}): Promise<SourceImageError> {
  const error = await loadSourceImage(value, { ...policy, ...overrides }, 'image', AbortSignal.timeout(5_000)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceImageError);
  return error as SourceImageError;
}

describe('loadSourceImage', () => {
  it.each([
    ['https://\uD800.example.test/a.png', 'a lone surrogate in the host'],
    ['https://images.example.test\uDFFF/a.png', 'a lone trail surrogate after the host'],
    ['https://[fe80::1%25eth0]/a.png', 'an IPv6 zone id (not valid in URLs)'],
    ['https://exa mple.test/a.png', 'a space in the host'],
    ['https://images.example.test:99999/a.png', 'a port past 65535'],
    ['https://[::1/a.png', 'an unclosed IPv6 bracket'],
  ])('refuses %j (%s) with 400 invalid_image', async (value) => {
    const error = await refusal(value);
    expect([error.status, error.code]).toEqual([400, 'invalid_image']);
    expect(error.details).toEqual({ field: 'image' });
  });

  it('refuses a well-formed URL off the allow-list, or on another port, with 400 source_not_allowed', async () => {
    expect((await refusal('https://elsewhere.example.test/a.png')).code).toBe('source_not_allowed');
    expect((await refusal('https://images.example.test:8443/a.png')).code).toBe('source_not_allowed');
  });

  it('loads a data URI without any fetch, as the type its bytes have, upright and without metadata', async () => {
    const jpeg = await phoneJpeg(60, 40, { orientation: 6, gps: true });
    const uri = `data:image/png;base64,${jpeg.toString('base64')}`; // mislabeled: the bytes are a JPEG
    const loaded = await loadSourceImage(uri, policy, 'image', AbortSignal.timeout(5_000));
    expect(loaded).toMatchObject({ mimeType: 'image/jpeg', width: 40, height: 60 });
    expect(loaded.source).toEqual({ mimeType: 'image/jpeg', width: 60, height: 40, bytes: jpeg.length });
    expect(loaded.data.includes('Exif')).toBe(false);
  });

  it('refuses a data URI over IMAGE_SOURCE_MAX_BYTES with 413 before decoding it', async () => {
    const jpeg = await phoneJpeg(60, 40, {});
    const error = await refusal(`data:image/jpeg;base64,${jpeg.toString('base64')}`, { maxBytes: 100 });
    expect([error.status, error.code, error.details]).toEqual([
      413,
      'image_too_large',
      { field: 'image', maxBytes: 100 },
    ]);
  });
});
