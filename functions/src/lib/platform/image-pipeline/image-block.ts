// What uploadImageChunks hands on: each image, once uploaded, as an ImageBlock (where it is stored and
// what it is); every other Gemini stream event unchanged. The storage side of the pipeline owns these
// types; the Gemini module never sees them.
import type { DoneEvent, TextBlock, TextDeltaEvent, ThoughtBlock } from '../gemini/types.js';

/** One image, fully uploaded. */
export interface ImageBlock {
  type: 'image';
  url: string;
  key: string;
  bucket: string;
  width: number;
  height: number;
  format: string;
  contentType: string;
  contentLength: number;
}

export type AfterUploadEvent = ImageBlock | TextDeltaEvent | DoneEvent;

/** collectText over uploadImageChunks: the documented pipeline's final blocks. */
export type GeminiOutputBlock = ImageBlock | TextBlock | ThoughtBlock | DoneEvent;
