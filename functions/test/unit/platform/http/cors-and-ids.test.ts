import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from '../../../../src/lib/platform/http/responses.js';
import { isJsonMediaType } from '../../../../src/lib/platform/http/request-checks.js';
import { resolveRequestId } from '../../../../src/lib/platform/http/responses.js';

describe('isOriginAllowed', () => {
  const allowed = ['https://app.example.com', 'https://*.preview.example.com', 'http://localhost:8081'];

  it('matches exact origins, case-insensitively', () => {
    expect(isOriginAllowed('https://app.example.com', allowed)).toBe(true);
    expect(isOriginAllowed('HTTPS://APP.EXAMPLE.COM', allowed)).toBe(true);
    expect(isOriginAllowed('http://localhost:8081', allowed)).toBe(true);
  });

  it('rejects other schemes, ports, hosts and look-alikes', () => {
    expect(isOriginAllowed('http://app.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('http://localhost:8082', allowed)).toBe(false);
    expect(isOriginAllowed('https://app.example.com.evil.test', allowed)).toBe(false);
  });

  it('matches exactly one subdomain label for a wildcard', () => {
    expect(isOriginAllowed('https://pr-12.preview.example.com', allowed)).toBe(true);
    expect(isOriginAllowed('https://a.b.preview.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('https://preview.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('https://evilpreview.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('http://pr-12.preview.example.com', allowed)).toBe(false);
  });

  it('allows everything with *', () => {
    expect(isOriginAllowed('https://whatever.test', ['*'])).toBe(true);
  });
});

describe('isJsonMediaType', () => {
  it('accepts application/json with parameters and +json suffixes', () => {
    expect(isJsonMediaType('application/json')).toBe(true);
    expect(isJsonMediaType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonMediaType('application/vnd.api+json')).toBe(true);
  });

  it('rejects everything else', () => {
    for (const type of [
      undefined,
      '',
      'text/plain',
      'application/x-www-form-urlencoded',
      'text/json',
      'application/jsonp',
    ]) {
      expect(isJsonMediaType(type)).toBe(false);
    }
  });
});

describe('resolveRequestId', () => {
  it('keeps a sane id (first of repeated headers)', () => {
    expect(resolveRequestId('abc-123_XYZ.9')).toBe('abc-123_XYZ.9');
    expect(resolveRequestId(['first-id-0001', 'second-id-002'])).toBe('first-id-0001');
  });

  it('generates a UUID for missing, short, long or unsafe ids', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const header of [
      undefined,
      '',
      'short',
      'x'.repeat(129),
      'has space here',
      'line\nbreak-inject',
      '<script>alert</script>',
    ]) {
      expect(resolveRequestId(header)).toMatch(uuid);
    }
    expect(resolveRequestId(undefined)).not.toBe(resolveRequestId(undefined));
  });
});
