import { describe, expect, it } from 'vitest';
import { isAllowedAddress } from '../../../src/lib/images/address-policy';

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
    expect(isAllowedAddress('10.0.0.1', dev)).toBe(false);
    expect(isAllowedAddress('169.254.169.254', dev)).toBe(false);
    expect(isAllowedAddress('::', dev)).toBe(false);
  });
});
