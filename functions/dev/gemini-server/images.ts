// Image payloads for replies, kept as base64 (ASCII bytes in a Buffer) because that is what goes on the
// wire. Sized images are cached so a benchmark can ask for the same 40 MB of base64 many times cheaply.
import { makeJpeg } from './jpeg.js';
import { makePng } from './png.js';

export interface ImageSpec {
  mimeType: string;
  width?: number;
  height?: number;
  imageBytes?: number;
  /** JPEG only: APP11 metadata bytes before the frame header. */
  metadataBytes?: number;
  seed: number;
}

export interface GeneratedImage {
  mimeType: string;
  width: number;
  height: number;
  /** Decoded size. */
  bytes: number;
  /** The base64 text as ASCII bytes, ready to slice into socket writes. */
  base64: Buffer;
}

const MAX_CACHE_ENTRIES = 8;
const MAX_CACHE_BASE64_BYTES = 320 * 1024 * 1024;
const cache = new Map<string, GeneratedImage>();

function encode(spec: ImageSpec): { bytes: Buffer; width: number; height: number } {
  const dims = { width: spec.width, height: spec.height, targetBytes: spec.imageBytes };
  return spec.mimeType === 'image/jpeg'
    ? makeJpeg({ ...dims, metadataBytes: spec.metadataBytes })
    : makePng({ ...dims, seed: spec.seed });
}

function remember(key: string, image: GeneratedImage): void {
  cache.set(key, image);
  let total = 0;
  for (const entry of cache.values()) total += entry.base64.length;
  // Evict oldest first (Map keeps insertion order; hits are re-inserted below).
  for (const [oldKey, entry] of cache) {
    if (cache.size <= MAX_CACHE_ENTRIES && total <= MAX_CACHE_BASE64_BYTES) break;
    if (oldKey === key) continue;
    cache.delete(oldKey);
    total -= entry.base64.length;
  }
}

export function generateImage(spec: ImageSpec): GeneratedImage {
  const size = `${spec.width ?? ''}x${spec.height ?? ''}|${spec.imageBytes ?? ''}|${spec.metadataBytes ?? ''}`;
  const key = `${spec.mimeType}|${size}|${spec.seed}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const encoded = encode(spec);
  const image: GeneratedImage = {
    mimeType: spec.mimeType,
    width: encoded.width,
    height: encoded.height,
    bytes: encoded.bytes.length,
    base64: Buffer.from(encoded.bytes.toString('base64'), 'latin1'),
  };
  remember(key, image);
  return image;
}

/** Pixel size for an `imageConfig.aspectRatio` such as "16:9": the short side is `shortSide`. */
export function dimensionsForAspectRatio(
  aspectRatio: string | undefined,
  shortSide: number,
): { width: number; height: number } | undefined {
  if (aspectRatio === undefined) return { width: shortSide, height: shortSide };
  const match = /^(\d{1,2}):(\d{1,2})$/.exec(aspectRatio);
  if (!match) return undefined;
  const w = Number(match[1]);
  const h = Number(match[2]);
  if (w === 0 || h === 0) return undefined;
  return w >= h
    ? { width: Math.round((shortSide * w) / h), height: shortSide }
    : { width: shortSide, height: Math.round((shortSide * h) / w) };
}
