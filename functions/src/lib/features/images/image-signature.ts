// What an input image really is, judged by its first bytes. Without this check, bytes that are not
// an image (an HTML error page served as image/png, a truncated or made-up data URI) reach Gemini,
// which refuses them with a 400 that the caller would only see as 502 upstream_error, after a paid
// upstream round trip. Mislabeled images of a supported type are handled as their real type.
import { SourceImageError } from './errors.js';

const SUPPORTED_NAMES = 'JPEG, PNG, WebP, HEIC, HEIF, AVIF, GIF, BMP or TIFF';

/** Enough leading bytes for every signature below. */
export const SIGNATURE_BYTES = 12;

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['heif', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** The supported type the bytes start like, or undefined. */
export function sniffImageType(head: Uint8Array): string | undefined {
  const ascii = (from: number, to: number): string => String.fromCharCode(...head.subarray(from, to));
  const startsWith = (...bytes: number[]): boolean => bytes.every((byte, index) => head[index] === byte);
  if (startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (startsWith(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (HEIC_BRANDS.has(brand)) return 'image/heic';
    if (AVIF_BRANDS.has(brand)) return 'image/avif';
    if (HEIF_BRANDS.has(brand)) return 'image/heif';
  }
  if (startsWith(0x49, 0x49, 0x2a, 0x00) || startsWith(0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  // "BM", the file size, then 4 reserved bytes that are zero: "BM" alone starts too much text.
  if (ascii(0, 2) === 'BM' && head.length >= 10 && head.subarray(6, 10).every((byte) => byte === 0)) {
    return 'image/bmp';
  }
  return undefined;
}

/**
 * The mime type to send for an image declared as `declared` whose first bytes are `head`:
 * the sniffed one. Throws 400 invalid_image when the bytes are no supported image at all.
 */
export function confirmImageType(declared: string, head: Uint8Array, field: string): string {
  const actual = sniffImageType(head);
  if (!actual) {
    throw new SourceImageError(400, 'invalid_image', `${field} is not a ${SUPPORTED_NAMES} image`, {
      field,
      declaredMimeType: declared,
    });
  }
  return actual;
}
