// What openSourceImage does with strings that are neither a valid data URI nor a valid URL: a 400
// with a machine-readable code, decided before any connection is attempted.
import { describe, expect, it } from 'vitest';
import { SourceImageError } from '../../../../src/lib/features/images/errors.js';
import { openSourceImage } from '../../../../src/lib/features/images/source-image.js';

const policy = { allowedHosts: ['images.example.test'], allowLoopback: false, maxBytes: 1000 };

async function refusal(value: string): Promise<SourceImageError> {
  const error = await openSourceImage(value, policy, 'image', AbortSignal.timeout(5_000)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceImageError);
  return error as SourceImageError;
}

describe('openSourceImage', () => {
  it.each([
    ['https://\uD800.example.test/a.png', 'a lone surrogate in the host'],
    ['https://images.example.test\uDFFF/a.png', 'a lone trail surrogate after the host'],
    ['https://[fe80::1%25eth0]/a.png', 'an IPv6 zone id (not valid in URLs)'],
    ['https://exa mple.test/a.png', 'a space in the host'],
    ['https://images.example.test:99999/a.png', 'a port past 65535'],
    ['https://[::1/a.png', 'an unclosed IPv6 bracket'],
  ])('refuses %j (%s) with 400 invalid_image', async (value) => {
    const error = await refusal(value);
    expect([error.status, error.code]).toEqual([400, 'invalid_image']);
    expect(error.details).toEqual({ field: 'image' });
  });

  it('refuses a well-formed URL off the allow-list, or on another port, with 400 source_not_allowed', async () => {
    expect((await refusal('https://elsewhere.example.test/a.png')).code).toBe('source_not_allowed');
    expect((await refusal('https://images.example.test:8443/a.png')).code).toBe('source_not_allowed');
  });

  it('opens a data URI without any fetch, with the type its bytes have', async () => {
    const jpeg = Buffer.from('ffd8ffe000104a464946', 'hex').toString('base64');
    const opened = await openSourceImage(`data:image/png;base64,${jpeg}`, policy, 'image', AbortSignal.timeout(5_000));
    expect(opened).toMatchObject({ mimeType: 'image/jpeg', data: jpeg, failure: undefined });
  });
});
