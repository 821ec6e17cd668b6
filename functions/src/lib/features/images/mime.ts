// Input image types Gemini accepts as inlineData (and that we accept from callers).
export const SUPPORTED_SOURCE_MIME_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/heic',
  'image/heif',
  'image/gif',
]);

/** `image/JPEG; charset=x` -> `image/jpeg`; `image/jpg` (common mislabel) -> `image/jpeg`. */
export function normalizeMimeType(value: string): string {
  const essence = value.split(';', 1)[0].trim().toLowerCase();
  return essence === 'image/jpg' ? 'image/jpeg' : essence;
}
