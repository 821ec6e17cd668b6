import { describe, expect, it } from 'vitest';
import { parseDataUri } from '../../../src/lib/images/data-uri';
import { SourceImageError } from '../../../src/lib/images/errors';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

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
    for (const length of [1, 2, 3, 16]) {
      const bytes = png.subarray(0, length);
      const base64 = bytes.toString('base64');
      const parsed = parseDataUri(`data:image/png;base64,${base64}`, 1000, 'image');
      expect(parsed).toEqual({ mimeType: 'image/png', base64, bytes: length });
    }
  });

  it('normalizes the mime type and accepts parameters before ;base64', () => {
    expect(parseDataUri('data:IMAGE/JPG;name=a.jpg;base64,AAAA', 10, 'image').mimeType).toBe('image/jpeg');
  });

  it('refuses unsupported types with 415', () => {
    const error = errorOf(() => parseDataUri('data:image/svg+xml;base64,AAAA', 10, 'image'));
    expect([error.status, error.code]).toEqual([415, 'unsupported_image_type']);
    expect(errorOf(() => parseDataUri('data:text/html;base64,AAAA', 10, 'image')).status).toBe(415);
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
    const base64 = Buffer.alloc(30).toString('base64');
    expect(parseDataUri(`data:image/png;base64,${base64}`, 30, 'image').bytes).toBe(30);
    const error = errorOf(() => parseDataUri(`data:image/png;base64,${base64}`, 29, 'image'));
    expect([error.status, error.code]).toEqual([413, 'image_too_large']);
  });
});
