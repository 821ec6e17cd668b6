import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../src/lib/platform/http/errors.js';
import { imageModelCapabilities } from '../../../../src/lib/features/images/models.js';
import { assertModelSupports, editImageBody, generateImageBody } from '../../../../src/lib/features/images/schemas.js';

describe('image model capabilities', () => {
  it('matches families across prefixes and suffixes', () => {
    expect(imageModelCapabilities('gemini-3-pro-image').family).toBe('gemini-3-pro-image');
    expect(imageModelCapabilities('models/gemini-3-pro-image-preview').family).toBe('gemini-3-pro-image');
    expect(imageModelCapabilities('gemini-2.5-flash-image').imageSizes).toEqual([]);
    expect(imageModelCapabilities('gemini-3.1-flash-image').aspectRatios).toContain('8:1');
    expect(imageModelCapabilities('gemini-3-pro-image').aspectRatios).not.toContain('8:1');
    expect(imageModelCapabilities('gemini-3-pro-imagex').family).toBe('unknown');
  });
});

describe('assertModelSupports', () => {
  const issuesOf = (model: string, body: Parameters<typeof assertModelSupports>[1]) => {
    try {
      assertModelSupports(model, body);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).code).toBe('invalid_request');
      return ((error as HttpError).details as { issues: { path: string[] }[] }).issues.map((issue) =>
        issue.path.join('.'),
      );
    }
  };

  it('accepts what the model supports', () => {
    expect(issuesOf('gemini-3-pro-image', { aspectRatio: '21:9', imageSize: '4K' })).toEqual([]);
    expect(issuesOf('gemini-3.1-flash-image', { aspectRatio: '1:8', imageSize: '2K' })).toEqual([]);
    expect(issuesOf('gemini-2.5-flash-image', { aspectRatio: '16:9' })).toEqual([]);
  });

  it('names each unsupported field', () => {
    expect(issuesOf('gemini-2.5-flash-image', { aspectRatio: '4:1', imageSize: '2K' })).toEqual([
      'aspectRatio',
      'imageSize',
    ]);
    expect(issuesOf('gemini-3-pro-image', { aspectRatio: '1:4' })).toEqual(['aspectRatio']);
    expect(issuesOf('some-future-model', { aspectRatio: '1:1', imageSize: '1K' })).toEqual(['imageSize']);
  });
});

describe('request schemas', () => {
  it('validates generateImage bodies', () => {
    expect(generateImageBody.safeParse({ prompt: ' a cat ', aspectRatio: '1:1' }).data?.prompt).toBe('a cat');
    expect(generateImageBody.safeParse({ prompt: '', aspectRatio: '1:1' }).success).toBe(false);
    expect(generateImageBody.safeParse({ prompt: 'x'.repeat(2001), aspectRatio: '1:1' }).success).toBe(false);
    expect(generateImageBody.safeParse({ prompt: 'x', aspectRatio: '7:3' }).success).toBe(false);
    expect(generateImageBody.safeParse({ prompt: 'x', aspectRatio: '1:1', imageSize: '8K' }).success).toBe(false);
    const four = Array(4).fill('data:image/png;base64,AAAA');
    expect(generateImageBody.safeParse({ prompt: 'x', aspectRatio: '1:1', styleReferenceImages: four }).success).toBe(
      false,
    );
    expect(
      generateImageBody.safeParse({ prompt: 'x', aspectRatio: '1:1', styleReferenceImages: ['ftp://host/a.png'] })
        .success,
    ).toBe(false);
  });

  it('validates editImage bodies', () => {
    expect(
      editImageBody.safeParse({ image: 'https://cdn.example.test/a.png', editPrompt: 'make it blue' }).success,
    ).toBe(true);
    expect(editImageBody.safeParse({ image: 'file:///etc/passwd', editPrompt: 'x' }).success).toBe(false);
    expect(editImageBody.safeParse({ image: 'data:image/png;base64,AAAA' }).success).toBe(false);
  });
});
