import { describe, expect, it } from 'vitest';
import { SourceImageError } from '../../../../src/lib/features/images/errors.js';
import { confirmImageType, sniffImageType } from '../../../../src/lib/features/images/image-signature.js';

const bytes = (hex: string, ascii = ''): Buffer =>
  Buffer.concat([Buffer.from(hex, 'hex'), Buffer.from(ascii, 'latin1')]);
const ftyp = (brand: string): Buffer =>
  Buffer.concat([Buffer.from('00000018', 'hex'), Buffer.from(`ftyp${brand}`, 'latin1')]);

describe('sniffImageType', () => {
  it.each([
    [bytes('89504e470d0a1a0a0000000d'), 'image/png'],
    [bytes('ffd8ffe000104a4649460001'), 'image/jpeg'],
    [bytes('ffd8ffdb'), 'image/jpeg'],
    [bytes('', 'GIF89a\x01\x00\x01\x00'), 'image/gif'],
    [bytes('', 'GIF87a'), 'image/gif'],
    [bytes('', 'RIFF\x24\x00\x00\x00WEBP'), 'image/webp'],
    [ftyp('heic'), 'image/heic'],
    [ftyp('hevc'), 'image/heic'],
    [ftyp('mif1'), 'image/heif'],
    [ftyp('avif'), 'image/avif'],
    [bytes('49492a0008000000'), 'image/tiff'],
    [bytes('4d4d002a00000008'), 'image/tiff'],
    [bytes('424d3a0000000000000036000000'), 'image/bmp'],
  ])('recognizes %s as %s', (head, type) => {
    expect(sniffImageType(head)).toBe(type);
  });

  it.each([
    [bytes('89504e470d0a1a'), 'a PNG signature cut short'],
    [bytes('', '<!DOCTYPE html>'), 'HTML'],
    [bytes('', 'RIFF\x24\x00\x00\x00WAVE'), 'a RIFF that is not WebP'],
    [bytes('', '<svg xmlns='), 'SVG'],
    [bytes('424d'), 'a BMP signature cut short'],
    [bytes('', 'BMW is a car maker'), 'text that starts with BM'],
    [bytes('49492a'), 'a TIFF signature cut short'],
    [Buffer.alloc(0), 'nothing'],
  ])('does not recognize %s (%s)', (head) => {
    expect(sniffImageType(head)).toBeUndefined();
  });
});

describe('confirmImageType', () => {
  it('answers the type the bytes have, whatever was declared', () => {
    expect(confirmImageType('image/png', bytes('ffd8ffe0'), 'image')).toBe('image/jpeg');
    expect(confirmImageType('image/heif', ftyp('heic'), 'image')).toBe('image/heic');
  });

  it('refuses bytes that are no supported image with 400 invalid_image', () => {
    let error: unknown;
    try {
      confirmImageType('image/png', bytes('', '<html>'), 'styleReferenceImages.2');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SourceImageError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_image',
      details: { field: 'styleReferenceImages.2', declaredMimeType: 'image/png' },
    });
  });
});
