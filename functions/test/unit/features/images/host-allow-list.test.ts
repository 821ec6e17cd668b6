import { describe, expect, it } from 'vitest';
import { isAllowedHost, parseHostRule } from '../../../../src/lib/features/images/host-allow-list.js';

describe('isAllowedHost', () => {
  it.each([
    // exact hosts and *.suffix patterns, case-insensitively
    ['https://CDN.example.com/a.png', 'cdn.example.com', true],
    ['https://a.cdn.example.com/a.png', '*.cdn.example.com', true],
    ['https://cdn.example.com/a.png', '*.cdn.example.com', false],
    ['https://evilcdn.example.com/a.png', '*.cdn.example.com', false],
    ['https://cdn.example.com.evil.test/a.png', 'cdn.example.com', false],
    ['https://cdn.example.com./a.png', 'CDN.Example.com.', true],
    // no port in the entry: the scheme's default port only
    ['https://cdn.example.com:443/a.png', 'cdn.example.com', true],
    ['https://cdn.example.com:8443/a.png', 'cdn.example.com', false],
    ['https://a.cdn.example.com:8443/a.png', '*.cdn.example.com', false],
    ['http://127.0.0.1/a.png', '127.0.0.1', true], // dev http: 80
    ['http://127.0.0.1:9000/a.png', '127.0.0.1', false],
    ['http://127.0.0.1:443/a.png', '127.0.0.1', false],
    // a port in the entry: exactly that port
    ['https://cdn.example.com:8443/a.png', 'cdn.example.com:8443', true],
    ['https://cdn.example.com/a.png', 'cdn.example.com:8443', false],
    ['https://cdn.example.com:8444/a.png', 'cdn.example.com:8443', false],
    ['https://a.cdn.example.com:8443/a.png', '*.cdn.example.com:8443', true],
    ['https://cdn.example.com/a.png', 'cdn.example.com:443', true],
    ['http://127.0.0.1:9000/a.png', '127.0.0.1:9000', true],
    ['https://[2001:db8::1]:8443/a.png', '[2001:DB8:0::1]:8443', true],
    ['https://[2001:db8::1]/a.png', '[2001:db8::1]:8443', false],
    // entries and URLs compared after the same normalization
    ['https://xn--bcher-kva.example/a.png', 'bücher.example', true],
    ['https://bücher.example/a.png', 'xn--bcher-kva.example', true],
    ['https://0x7f.1/a.png', '127.0.0.1', true],
    ['https://127.0.0.1/a.png', '2130706433', true],
    ['https://[::ffff:7f00:1]/a.png', '[::ffff:127.0.0.1]', true],
  ])('%s against %j: %s', (url, entry, expected) => {
    expect(isAllowedHost(new URL(url), [entry])).toBe(expected);
  });

  it.each([
    'https://cdn.example.com', // a URL, not a host
    'cdn.example.com/images',
    'user@cdn.example.com',
    'cdn.example.com:',
    'cdn.example.com:0',
    'cdn.example.com:65536',
    'cdn.example.com:443:443',
    'ex%41mple.com',
    'exa mple.com',
    '*.',
    '*',
    '*.[::1]',
    '::1', // an IPv6 entry needs brackets
    '[::1',
    '',
  ])('a malformed entry %j matches nothing', (entry) => {
    expect(parseHostRule(entry)).toBeUndefined();
    expect(isAllowedHost(new URL('https://cdn.example.com/a.png'), [entry])).toBe(false);
  });

  it('parses entries into host, wildcard and port', () => {
    expect(parseHostRule(' *.CDN.example.com:8443 ')).toEqual({ host: 'cdn.example.com', wildcard: true, port: 8443 });
    expect(parseHostRule('[::1]:9000')).toEqual({ host: '[::1]', wildcard: false, port: 9000 });
    expect(parseHostRule('media.s3.eu-west-1.amazonaws.com')).toEqual({
      host: 'media.s3.eu-west-1.amazonaws.com',
      wildcard: false,
      port: undefined,
    });
  });
});
