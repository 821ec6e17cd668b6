// Input image types we take from callers (data URI types, URL Content-Types), judged again by their
// bytes (image-signature.ts). Gemini takes JPEG, PNG, WebP, HEIC and HEIF as inlineData: the others
// are converted before they are sent (input-normalize.ts).
export const SUPPORTED_SOURCE_MIME_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/heic',
  'image/heif',
  'image/avif',
  'image/gif',
  'image/bmp',
  'image/tiff',
]);

/** Common aliases of the types above. */
const ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-ms-bmp': 'image/bmp',
  'image/x-bmp': 'image/bmp',
  'image/tif': 'image/tiff',
};

/** `image/JPEG; charset=x` -> `image/jpeg`; `image/jpg` (common mislabel) -> `image/jpeg`. */
export function normalizeMimeType(value: string): string {
  const essence = value.split(';', 1)[0].trim().toLowerCase();
  return ALIASES[essence] ?? essence;
}
