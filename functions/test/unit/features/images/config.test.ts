import { afterEach, describe, expect, it } from 'vitest';
import { getConfig, parseModelTimeouts } from '../../../../src/lib/platform/config/index.js';
import { imageTimeoutMs, sourceFetchPolicy, sourceImagePolicy } from '../../../../src/lib/features/images/config.js';
import { imageCostReservationUsd } from '../../../../src/lib/features/images/cost-reservation.js';

const saved = { ...process.env };
const NAMES = [
  'S3_BUCKET',
  'S3_REGION',
  'S3_ENDPOINT',
  'PUBLIC_URL_BASE',
  'GEMINI_IMAGE_MODEL',
  'GEMINI_IMAGE_EDIT_MODEL',
  'IMAGE_TIMEOUT_SECONDS',
  'IMAGE_MODEL_TIMEOUTS',
  'IMAGE_SOURCE_ALLOWED_HOSTS',
  'IMAGE_SOURCE_ALLOW_LOOPBACK',
  'IMAGE_MAX_OUTPUT_BYTES',
  'IMAGE_SOURCE_MAX_BYTES',
  'IMAGE_INPUT_MAX_SIDE',
  'IMAGE_INPUT_MAX_PIXELS',
];

afterEach(() => {
  process.env = { ...saved };
});

function configWith(env: Record<string, string>) {
  for (const name of NAMES) delete process.env[name];
  Object.assign(process.env, env);
  return getConfig();
}

describe('image configuration', () => {
  it('has safe defaults: bucket host only, no loopback, 25 MiB / 100 MP inputs sent at 1536 px, 40 MiB outputs', () => {
    const { images, gemini } = configWith({ S3_BUCKET: 'media', S3_REGION: 'eu-west-1' });
    expect(images).toMatchObject({
      editModel: gemini.imageModel,
      defaultTimeoutMs: 120_000,
      maxOutputBytes: 40 * 1024 * 1024,
      sourceMaxBytes: 25 * 1024 * 1024,
      inputMaxSide: 1536,
      inputMaxPixels: 100_000_000,
      sourceAllowedHosts: ['media.s3.eu-west-1.amazonaws.com'],
      sourceAllowLoopback: false,
    });
  });

  it('bounds the input settings: IMAGE_INPUT_MAX_SIDE within 256-4096 px, HEIF passthrough within 7 MiB', () => {
    expect(sourceImagePolicy(configWith({})).maxSide).toBe(1536);
    expect(sourceImagePolicy(configWith({ IMAGE_INPUT_MAX_SIDE: '1024' })).maxSide).toBe(1024);
    expect(sourceImagePolicy(configWith({ IMAGE_INPUT_MAX_SIDE: '64' })).maxSide).toBe(256);
    expect(sourceImagePolicy(configWith({ IMAGE_INPUT_MAX_SIDE: '99999' })).maxSide).toBe(4096);
    expect(sourceImagePolicy(configWith({})).passthroughMaxBytes).toBe(7 * 1024 * 1024);
    expect(sourceImagePolicy(configWith({ IMAGE_SOURCE_MAX_BYTES: '1000' }))).toMatchObject({
      maxBytes: 1000,
      passthroughMaxBytes: 1000,
      maxSide: 1536,
      maxPixels: 100_000_000,
    });
  });

  it('derives allowed hosts from PUBLIC_URL_BASE and a custom endpoint, unless listed explicitly', () => {
    const derived = configWith({
      PUBLIC_URL_BASE: 'https://CDN.example.com/img/',
      S3_ENDPOINT: 'https://store.example.net:9000',
    });
    // The endpoint's port stays on the entry: an entry without a port allows the default port only.
    expect(derived.images.sourceAllowedHosts).toEqual(['cdn.example.com', 'store.example.net:9000']);
    const listed = configWith({ IMAGE_SOURCE_ALLOWED_HOSTS: ' A.example.com, *.cdn.example.com ,' });
    expect(listed.images.sourceAllowedHosts).toEqual(['a.example.com', '*.cdn.example.com']);
  });

  it('reads the dev-only loopback flag strictly', () => {
    expect(configWith({ IMAGE_SOURCE_ALLOW_LOOPBACK: 'true' }).images.sourceAllowLoopback).toBe(true);
    expect(configWith({ IMAGE_SOURCE_ALLOW_LOOPBACK: '1' }).images.sourceAllowLoopback).toBe(true);
    expect(configWith({ IMAGE_SOURCE_ALLOW_LOOPBACK: 'no' }).images.sourceAllowLoopback).toBe(false);
    expect(sourceFetchPolicy(configWith({ IMAGE_SOURCE_MAX_BYTES: '1000' }))).toMatchObject({
      maxBytes: 1000,
      allowLoopback: false,
    });
  });

  it('picks per-model timeouts, falling back to IMAGE_TIMEOUT_SECONDS', () => {
    expect(parseModelTimeouts('a=10, b = 20,bad,c=x,d=0')).toEqual({ a: 10_000, b: 20_000 });
    const config = configWith({ IMAGE_TIMEOUT_SECONDS: '90', IMAGE_MODEL_TIMEOUTS: 'gemini-3-pro-image=200' });
    expect(imageTimeoutMs(config, 'gemini-3-pro-image')).toBe(200_000);
    expect(imageTimeoutMs(config, 'gemini-3.1-flash-image')).toBe(90_000);
  });

  it('matches per-model timeouts by family: preview and dated ids, a models/ prefix, any case', () => {
    const config = configWith({
      IMAGE_TIMEOUT_SECONDS: '90',
      IMAGE_MODEL_TIMEOUTS: 'gemini-3-pro-image=200,gemini-3-pro-image-fast=150,gemini-2.5-flash-image=60',
    });
    expect(imageTimeoutMs(config, 'gemini-3-pro-image-preview')).toBe(200_000);
    expect(imageTimeoutMs(config, 'gemini-3-pro-image-2026-01-15')).toBe(200_000);
    expect(imageTimeoutMs(config, 'models/Gemini-3-Pro-Image')).toBe(200_000);
    expect(imageTimeoutMs(config, 'gemini-3-pro-image-fast-preview')).toBe(150_000); // the longest entry wins
    expect(imageTimeoutMs(config, 'gemini-2.5-flash-image-preview')).toBe(60_000);
    // A name that merely starts with the same letters is another family.
    expect(imageTimeoutMs(config, 'gemini-3-pro-imagex')).toBe(90_000);
    expect(imageTimeoutMs(config, 'gemini-3-pro')).toBe(90_000);
    expect(configWith({ GEMINI_IMAGE_EDIT_MODEL: 'gemini-3-pro-image' }).images.editModel).toBe('gemini-3-pro-image');
  });
});

describe('imageCostReservationUsd', () => {
  it('reserves the most one call may cost: the priciest image (a 4K one) plus generous prompt and thinking', () => {
    const config = configWith({});
    // max(2,520 tokens x $60/M, $0.151) + (8,000 x $0.25 + 4,000 x $1.50) / 1M
    expect(imageCostReservationUsd(config, 'gemini-3.1-flash-image')).toBeCloseTo(0.1592, 6);
    expect(imageCostReservationUsd(config, 'gemini-3-pro-image-preview')).toBeCloseTo(0.3024 + 0.064, 6);
    expect(imageCostReservationUsd(config, 'an-unpriced-model')).toBe(0);
  });
});
