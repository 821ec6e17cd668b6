// The generateContent request bodies of the two functions. Images go first, then the instruction:
// Gemini's image models follow "reference images, then what to do with them" most reliably.
import type { GenerateContentRequestBody, StreamingPart } from '../../platform/gemini/request-body.js';
import type { GeminiSafetySetting } from '../../platform/gemini/safety.js';
import type { AspectRatio, ImageSize } from './models.js';
import type { OpenedSourceImage } from './source-image.js';

export interface GenerateContentInput {
  prompt: string;
  aspectRatio: AspectRatio;
  imageSize?: ImageSize;
  styleReferences: readonly OpenedSourceImage[];
  /** IMAGE_SAFETY_* (config.images.safetySettings). */
  safetySettings?: readonly GeminiSafetySetting[];
}

const STYLE_REFERENCE_NOTE =
  'Use the attached image(s) only as style reference (palette, medium, mood); do not copy their content.';

export function buildGenerateRequest(input: GenerateContentInput): GenerateContentRequestBody {
  const parts: StreamingPart[] = input.styleReferences.map(toInlinePart);
  if (input.styleReferences.length > 0) parts.push({ text: STYLE_REFERENCE_NOTE });
  parts.push({ text: input.prompt });
  return {
    contents: [{ role: 'user', parts }],
    generationConfig: {
      responseModalities: ['TEXT', 'IMAGE'],
      imageConfig: {
        aspectRatio: input.aspectRatio,
        ...(input.imageSize ? { imageSize: input.imageSize } : {}),
      },
    },
    ...safety(input.safetySettings),
  };
}

export function buildEditRequest(input: {
  editPrompt: string;
  image: OpenedSourceImage;
  safetySettings?: readonly GeminiSafetySetting[];
}): GenerateContentRequestBody {
  return {
    contents: [{ role: 'user', parts: [toInlinePart(input.image), { text: input.editPrompt }] }],
    generationConfig: { responseModalities: ['TEXT', 'IMAGE'] },
    ...safety(input.safetySettings),
  };
}

function safety(
  settings: readonly GeminiSafetySetting[] | undefined,
): Pick<GenerateContentRequestBody, 'safetySettings'> {
  return settings && settings.length > 0 ? { safetySettings: [...settings] } : {};
}

function toInlinePart(source: OpenedSourceImage): StreamingPart {
  return { inlineData: { mimeType: source.mimeType, data: source.data } };
}
