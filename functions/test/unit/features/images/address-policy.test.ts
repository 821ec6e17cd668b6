import { describe, expect, it } from 'vitest';
import { isAllowedAddress } from '../../../../src/lib/features/images/address-policy.js';

const strict = { allowLoopback: false };
const dev = { allowLoopback: true };

describe('isAllowedAddress', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '52.216.1.2',
    '2606:4700:4700::1111',
    '2a00:1450:4001:82a::200e',
    '::ffff:8.8.8.8',
    '::ffff:0:8.8.8.8', // IPv4-translated
    '::ffff:0:808:808',
    '::8.8.8.8', // IPv4-compatible
    '64:ff9b::8.8.8.8', // NAT64, well-known prefix
    '64:FF9B::808:808',
    '2002:808:808::1', // 6to4
    '2001:200::1', // just past 2001::/23
    '3ffe::1', // just below 3fff::/20
  ])('allows the public address %s', (address) => {
    expect(isAllowedAddress(address, strict)).toBe(true);
  });

  it.each([
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT upper edge'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback range'],
    ['169.254.169.254', 'link-local (metadata)'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private upper edge'],
    ['192.168.1.1', 'private'],
    ['192.0.2.5', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified v6'],
    ['::1', 'loopback v6'],
    ['fe80::1', 'link-local v6'],
    ['fd00::1', 'unique local v6'],
    ['ff02::1', 'multicast v6'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback (hex form)'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['2002:c0a8:0101::1', '6to4 of 192.168.1.1'],
    ['2001:db8::1', 'documentation v6'],
    // IPv4-translated (RFC 2765/6145), dotted and hex, upper case: judged by the IPv4 inside
    ['::ffff:0:127.0.0.1', 'IPv4-translated loopback'],
    ['::ffff:0:7f00:1', 'IPv4-translated loopback (hex form)'],
    ['::FFFF:0:A9FE:A9FE', 'IPv4-translated metadata (upper case)'],
    ['0:0:0:0:ffff:0:10.0.0.1', 'IPv4-translated private (uncompressed)'],
    // IPv4-compatible (deprecated): every ::a.b.c.d, incl. the 0.0.0.0/8 ones next to :: and ::1
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::a9fe:a9fe', 'IPv4-compatible metadata (hex form)'],
    ['::2', 'IPv4-compatible 0.0.0.2'],
    ['::0.0.1.0', 'IPv4-compatible 0.0.1.0'],
    // NAT64
    ['64:ff9b::127.0.0.1', 'NAT64 of loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address (hex form)'],
    ['64:ff9b:1::8.8.8.8', 'local-use NAT64 (RFC 8215): refused whatever it holds'],
    ['64:ff9b:1:808:8:800::', 'local-use NAT64 in the /48 layout'],
    ['64:ff9b:0:0:1::8.8.8.8', 'inside 64:ff9b::/32 but outside the /96'],
    // 6to4 and Teredo
    ['2002:7f00:1::', '6to4 of loopback'],
    ['2002:a9fe:a9fe::1', '6to4 of the metadata address'],
    ['2002:c058:6301::', '6to4 of the 6to4 relay anycast'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo (RFC 4380 example)'],
    ['2001::f7ff:fffe', 'Teredo, client 8.0.0.1'],
    ['2001:0:808:808::f7f7:f7f7', 'Teredo, even with a public server and client (8.8.8.8)'],
    ['2001:2::1', 'benchmarking (2001::/23)'],
    // not global unicast (outside 2000::/3)
    ['100::1', 'discard-only'],
    ['fec0::1', 'site-local (deprecated)'],
    ['5f00::1', 'SRv6 SIDs'],
    ['4000::1', 'unassigned'],
    ['::1:0:0:1', 'undefined embedding in ::/8'],
    ['::ffff:1:808:808', 'undefined embedding next to ::ffff:0:0/96'],
    ['3fff::1', 'documentation v6 (RFC 9637)'],
    ['fe80::1%eth0', 'link-local with zone'],
    ['not-an-ip', 'not an address'],
  ])('refuses %s (%s)', (address) => {
    expect(isAllowedAddress(address, strict)).toBe(false);
  });

  it('keeps ranges next to the blocked ones public', () => {
    expect(isAllowedAddress('100.128.0.1', strict)).toBe(true); // just past CGNAT
    expect(isAllowedAddress('172.32.0.1', strict)).toBe(true); // just past 172.16/12
    expect(isAllowedAddress('11.0.0.1', strict)).toBe(true);
  });

  it('allows loopback, and only loopback, in the dev mode', () => {
    expect(isAllowedAddress('127.0.0.1', dev)).toBe(true);
    expect(isAllowedAddress('::1', dev)).toBe(true);
    expect(isAllowedAddress('::ffff:127.0.0.1', dev)).toBe(true);
    expect(isAllowedAddress('::ffff:0:127.0.0.1', dev)).toBe(true);
    expect(isAllowedAddress('::ffff:0:10.0.0.1', dev)).toBe(false);
    expect(isAllowedAddress('fe80::1', dev)).toBe(false);
    expect(isAllowedAddress('10.0.0.1', dev)).toBe(false);
    expect(isAllowedAddress('169.254.169.254', dev)).toBe(false);
    expect(isAllowedAddress('::', dev)).toBe(false);
  });
});
