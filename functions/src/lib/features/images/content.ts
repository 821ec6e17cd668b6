// The generateContent request bodies of the two functions. Images go first, then the instruction:
// Gemini's image models follow "reference images, then what to do with them" most reliably.
//
// Style references follow Gemini's image-generation prompting guide (multi-image composition and style
// transfer): each image is named before it is given ("Style reference 1 of 2"), the instruction says
// what to take from the named images (their medium, palette, lighting, texture) and what the new image
// is, and it is phrased as what to make, not as a list of things to avoid.
import type { GenerateContentRequestBody, StreamingPart } from '../../platform/gemini/request-body.js';
import type { GeminiSafetySetting } from '../../platform/gemini/safety.js';
import type { AspectRatio, ImageSize } from './models.js';
import type { SourceImage } from './source-image.js';

export interface GenerateContentInput {
  prompt: string;
  aspectRatio: AspectRatio;
  imageSize?: ImageSize;
  styleReferences: readonly SourceImage[];
  /** IMAGE_SAFETY (config.images.safetySettings). */
  safetySettings?: readonly GeminiSafetySetting[];
}

export function styleReferenceLabel(index: number, count: number): string {
  return `Style reference ${index + 1} of ${count}:`;
}

export function styleInstruction(count: number): string {
  const images = count === 1 ? 'the style reference image above' : `the ${count} style reference images above`;
  return (
    `Create a new image in the visual style of ${images}: take their medium, colour palette, lighting, ` +
    'texture and brushwork, and give the new image its own subject and composition, as described next.'
  );
}

export function buildGenerateRequest(input: GenerateContentInput): GenerateContentRequestBody {
  const count = input.styleReferences.length;
  const parts: StreamingPart[] = input.styleReferences.flatMap((image, index) => [
    { text: styleReferenceLabel(index, count) },
    toInlinePart(image),
  ]);
  if (count > 0) parts.push({ text: styleInstruction(count) });
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
  image: SourceImage;
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

function toInlinePart(source: SourceImage): StreamingPart {
  return { inlineData: { mimeType: source.mimeType, data: source.data } };
}
