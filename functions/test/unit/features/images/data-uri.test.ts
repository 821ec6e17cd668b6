import { describe, expect, it } from 'vitest';
import { parseDataUri } from '../../../../src/lib/features/images/data-uri.js';
import { SourceImageError } from '../../../../src/lib/features/images/errors.js';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const jpeg = Buffer.from('ffd8ffe000104a46494600010100', 'hex');

function errorOf(fn: () => unknown): SourceImageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SourceImageError) return error;
    throw error;
  }
  throw new Error('expected a SourceImageError');
}

describe('parseDataUri', () => {
  it('passes the base64 through untouched and reports the decoded size', () => {
    for (const extra of [0, 1, 2]) {
      // 16, 17, 18 bytes: base64 with two, one and no padding characters
      const bytes = Buffer.concat([png, Buffer.alloc(extra, 1)]);
      const base64 = bytes.toString('base64');
      const parsed = parseDataUri(`data:image/png;base64,${base64}`, 1000, 'image');
      expect(parsed).toEqual({ mimeType: 'image/png', base64, bytes: bytes.length });
    }
  });

  it('normalizes the mime type and accepts parameters before ;base64', () => {
    expect(parseDataUri(`data:IMAGE/JPG;name=a.jpg;base64,${jpeg.toString('base64')}`, 100, 'image').mimeType).toBe(
      'image/jpeg',
    );
  });

  it('refuses bytes that are no supported image with 400 invalid_image, before any upstream call', () => {
    for (const bytes of [Buffer.alloc(3), Buffer.from('<html><body>Not found</body></html>'), png.subarray(0, 7)]) {
      const error = errorOf(() => parseDataUri(`data:image/png;base64,${bytes.toString('base64')}`, 100, 'image'));
      expect([error.status, error.code]).toEqual([400, 'invalid_image']);
      expect(error.details).toEqual({ field: 'image', declaredMimeType: 'image/png' });
    }
  });

  it('sends a mislabeled image with the type its bytes have', () => {
    expect(parseDataUri(`data:image/png;base64,${jpeg.toString('base64')}`, 100, 'image').mimeType).toBe('image/jpeg');
  });

  it('refuses a head with a huge parameter list as 400, without overflowing the regex stack', () => {
    const value = `data:image/png${';'.repeat(6_000_000)};base64,${png.toString('base64')}`;
    const error = errorOf(() => parseDataUri(value, 100, 'image'));
    expect([error.status, error.code]).toEqual([400, 'invalid_image']);
  });

  it('does not echo an overlong media type back', () => {
    const error = errorOf(() => parseDataUri(`data:image/${'x'.repeat(100_000)};base64,AAAA`, 100, 'image'));
    expect([error.status, error.code]).toEqual([400, 'invalid_image']);
    expect(JSON.stringify(error.details).length).toBeLessThan(200);
  });

  it('refuses unsupported types with 415', () => {
    const error = errorOf(() => parseDataUri('data:image/svg+xml;base64,AAAA', 10, 'image'));
    expect([error.status, error.code]).toEqual([415, 'unsupported_image_type']);
    expect(errorOf(() => parseDataUri('data:text/html;base64,AAAA', 10, 'image')).status).toBe(415);
  });

  it('echoes only a well-formed media type in a 415', () => {
    const odd = errorOf(() => parseDataUri('data:image/sv\uD800g;base64,AAAA', 10, 'image'));
    expect([odd.status, odd.code]).toEqual([415, 'unsupported_image_type']);
    expect(odd.details).toMatchObject({ field: 'image', mimeType: null });
    const svg = errorOf(() => parseDataUri('data:image/SVG+xml;base64,AAAA', 10, 'image'));
    expect(svg.details).toMatchObject({ mimeType: 'image/svg+xml' });
  });

  it.each([
    ['data:image/png,rawbytes', 'not base64-encoded'],
    ['data:image/png;base64,', 'empty'],
    ['data:image/png;base64,AAA', 'length not a multiple of 4'],
    ['data:image/png;base64,AA=A', 'padding in the middle'],
    ['data:image/png;base64,AA-_', 'url-safe alphabet'],
    ['data:image/png;base64,AAAA AAAA', 'whitespace'],
    ['data:image/png;base64,A===', 'three padding characters'],
  ])('refuses %s (%s) with 400 invalid_image', (value) => {
    const error = errorOf(() => parseDataUri(value, 100, 'styleReferenceImages.1'));
    expect([error.status, error.code]).toEqual([400, 'invalid_image']);
    expect(error.details).toEqual({ field: 'styleReferenceImages.1' });
  });

  it('enforces the byte cap on the decoded size', () => {
    const base64 = Buffer.concat([png, Buffer.alloc(14)]).toString('base64');
    expect(parseDataUri(`data:image/png;base64,${base64}`, 30, 'image').bytes).toBe(30);
    const error = errorOf(() => parseDataUri(`data:image/png;base64,${base64}`, 29, 'image'));
    expect([error.status, error.code]).toEqual([413, 'image_too_large']);
  });
});
