// What every input image becomes before Gemini sees it (a phone photo, most of the time):
// - turned upright by its EXIF orientation, then stripped of ALL metadata (EXIF with its GPS position,
//   XMP, IPTC, ICC: the pixels are converted to sRGB first), by re-encoding it;
// - no longer than IMAGE_INPUT_MAX_SIDE on its long side (never enlarged);
// - in a format Gemini takes: JPEG, PNG and WebP stay what they are; GIF (its first frame) and BMP become
//   PNG (graphics: lossless, and libvips reports every GIF as transparent); TIFF and AVIF become PNG when
//   they have transparency, JPEG otherwise;
// - HEIC/HEIF go as they are (no HEVC decoder here), with their metadata blanked (heif-container.ts);
//   BMP, which libvips does not read, is decoded by bmp-decode.ts.
// Decompression bombs are refused from the header, before any pixel is decoded: width x height over
// IMAGE_INPUT_MAX_PIXELS is 413 image_too_large.
//
// Memory: libvips (sharp) reads sequentially and, for JPEG and WebP, shrinks while decoding (it decodes
// at 1/2, 1/4 or 1/8 of the size when the target allows), so a 48 MP JPEG never exists as 48 MP of
// pixels. At most INPUT_DECODES_AT_ONCE images are decoded at once per instance (decode-gate.ts).
import type { Sharp } from 'sharp';
import { sharpLib } from '../../platform/on-first-use.js';
import { SourceImageError, tooManyPixels } from './errors.js';
import { BmpError, bmpSize, decodeBmp } from './bmp-decode.js';
import { HeifError, scrubHeif } from './heif-container.js';

export interface InputImagePolicy {
  /** Longest side sent to Gemini (IMAGE_INPUT_MAX_SIDE). */
  maxSide: number;
  /** width x height above which an image is refused unread (IMAGE_INPUT_MAX_PIXELS). */
  maxPixels: number;
  /** HEIC/HEIF go unconverted: at most this many bytes (Gemini's inline image limit). */
  passthroughMaxBytes: number;
}

export interface NormalizedImage {
  mimeType: string;
  data: Buffer;
  width: number;
  height: number;
  /** What came in: its sniffed type and stored size (before orientation). */
  source: { mimeType: string; width: number; height: number; bytes: number };
}

const OUTPUT_QUALITY = 90;
/** The output format by input type; any other decodable type becomes PNG (alpha) or JPEG. */
const FIXED_FORMATS: Readonly<Record<string, 'jpeg' | 'png' | 'webp'>> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'png',
  'image/bmp': 'png',
};
const PASSTHROUGH = new Set(['image/heic', 'image/heif']);

export async function normalizeInputImage(
  bytes: Buffer,
  mimeType: string,
  policy: InputImagePolicy,
  field: string,
): Promise<NormalizedImage> {
  if (PASSTHROUGH.has(mimeType)) return passThroughHeif(bytes, mimeType, policy, field);
  const header = mimeType === 'image/bmp' ? bmpHeader(bytes, field) : await readHeader(bytes, field);
  if (header.width * header.height > policy.maxPixels) throw tooManyPixels(field, policy.maxPixels, header);
  const format = FIXED_FORMATS[mimeType] ?? (header.hasAlpha ? 'png' : 'jpeg');
  try {
    const pipeline = decoder(bytes, mimeType, policy)
      .autoOrient()
      .resize({ width: policy.maxSide, height: policy.maxSide, fit: 'inside', withoutEnlargement: true });
    const encoded =
      format === 'jpeg'
        ? pipeline.jpeg({ quality: OUTPUT_QUALITY })
        : format === 'png'
          ? pipeline.png()
          : pipeline.webp({ quality: OUTPUT_QUALITY });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return {
      mimeType: `image/${format}`,
      data,
      width: info.width,
      height: info.height,
      source: { mimeType, width: header.width, height: header.height, bytes: bytes.length },
    };
  } catch (error) {
    throw undecodable(field, error);
  }
}

/** libvips reading the bytes (sequentially, never more than maxPixels), or our BMP decoder's pixels. */
function decoder(bytes: Buffer, mimeType: string, policy: InputImagePolicy): Sharp {
  if (mimeType !== 'image/bmp') {
    return sharpLib()(bytes, { limitInputPixels: policy.maxPixels, sequentialRead: true, failOn: 'error' });
  }
  const { width, height, channels, pixels } = decodeBmp(bytes);
  return sharpLib()(pixels, { raw: { width, height, channels }, limitInputPixels: policy.maxPixels });
}

function bmpHeader(bytes: Buffer, field: string): { width: number; height: number; hasAlpha: boolean } {
  try {
    const { width, height } = bmpSize(bytes);
    return { width, height, hasAlpha: false };
  } catch (error) {
    if (error instanceof BmpError && error.unsupported) throw unsupportedBmp(field, error);
    throw undecodable(field, error);
  }
}

async function readHeader(bytes: Buffer, field: string): Promise<{ width: number; height: number; hasAlpha: boolean }> {
  try {
    // Header only: no pixel is decoded. limitInputPixels off here, so a bomb gets our 413, not an error.
    const { width, height, hasAlpha } = await sharpLib()(bytes, { limitInputPixels: false }).metadata();
    if (!width || !height) throw new Error('no dimensions');
    return { width, height, hasAlpha };
  } catch (error) {
    throw undecodable(field, error);
  }
}

function passThroughHeif(bytes: Buffer, mimeType: string, policy: InputImagePolicy, field: string): NormalizedImage {
  if (bytes.length > policy.passthroughMaxBytes) {
    throw new SourceImageError(
      413,
      'image_too_large',
      `${field}: HEIC/HEIF images are sent as they are, up to ${policy.passthroughMaxBytes} bytes; send larger ones as JPEG`,
      { field, maxBytes: policy.passthroughMaxBytes },
    );
  }
  let size;
  try {
    size = scrubHeif(bytes);
  } catch (error) {
    if (!(error instanceof HeifError)) throw error;
    throw new SourceImageError(400, 'invalid_image', `${field} is not a HEIF image we can read`, { field }, error);
  }
  if (size.width * size.height > policy.maxPixels) throw tooManyPixels(field, policy.maxPixels, size);
  return {
    mimeType,
    data: bytes,
    width: size.width,
    height: size.height,
    source: { mimeType, width: size.width, height: size.height, bytes: bytes.length },
  };
}

function unsupportedBmp(field: string, cause: BmpError): SourceImageError {
  return new SourceImageError(
    415,
    'unsupported_image_type',
    `${field}: ${cause.message} is not supported`,
    {
      field,
      mimeType: 'image/bmp',
    },
    cause,
  );
}

function undecodable(field: string, cause: unknown): SourceImageError {
  if (cause instanceof SourceImageError) return cause;
  if (cause instanceof BmpError && cause.unsupported) return unsupportedBmp(field, cause);
  return new SourceImageError(400, 'invalid_image', `${field} could not be decoded as an image`, { field }, cause);
}
