// Which IP addresses an input-image fetch may connect to: public unicast only. Refused: private,
// loopback, link-local, CGNAT, multicast, unspecified, reserved/documentation ranges, and IPv6
// forms that embed one of those IPv4 addresses (IPv4-mapped, IPv4-compatible, NAT64, 6to4).
import { isIP } from 'node:net';

export interface AddressPolicy {
  /** Dev only: 127.0.0.0/8 and ::1 are allowed too. */
  allowLoopback: boolean;
}

type Range = readonly [prefix: number[], bits: number];

// [network bytes, prefix length]
const BLOCKED_V4: readonly Range[] = [
  [[0, 0, 0, 0], 8], // "this network", incl. 0.0.0.0
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10], // CGNAT
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16], // link-local (cloud metadata lives here)
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // 6to4 relay anycast
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, incl. broadcast
];

const BLOCKED_V6: readonly Range[] = [
  [[0xfc], 7], // unique local
  [[0xfe, 0x80], 10], // link-local
  [[0xfe, 0xc0], 10], // site-local (deprecated)
  [[0xff], 8], // multicast
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0x20, 0x01, 0x00, 0x00], 32], // Teredo (tunnels to arbitrary IPv4)
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64], // discard-only
];

const LOOPBACK_V4: Range = [[127, 0, 0, 0], 8];

export function isAllowedAddress(address: string, policy: AddressPolicy): boolean {
  const family = isIP(address);
  if (family === 4) return isAllowedV4(parseV4(address), policy);
  if (family === 6) return isAllowedV6(parseV6(address), policy);
  return false;
}

function isAllowedV4(bytes: number[], policy: AddressPolicy): boolean {
  if (policy.allowLoopback && inRange(bytes, LOOPBACK_V4)) return true;
  return !BLOCKED_V4.some((range) => inRange(bytes, range));
}

function isAllowedV6(bytes: number[], policy: AddressPolicy): boolean {
  const embedded = embeddedV4(bytes);
  if (embedded) return isAllowedV4(embedded, policy);
  const allZeroPrefix = bytes.slice(0, 15).every((byte) => byte === 0);
  if (allZeroPrefix && bytes[15] === 0) return false; // ::
  if (allZeroPrefix && bytes[15] === 1) return policy.allowLoopback; // ::1
  return !BLOCKED_V6.some((range) => inRange(bytes, range));
}

/** The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d (NAT64) or 2002:AABB:CCDD:: (6to4). */
function embeddedV4(bytes: number[]): number[] | undefined {
  const zeros = (from: number, to: number): boolean => bytes.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  if (zeros(0, 12) && !zeros(12, 15)) return bytes.slice(12); // IPv4-compatible (deprecated); not :: or ::1
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return bytes.slice(12);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && bytes[4] === 0 && bytes[5] === 1) {
    return bytes.slice(12); // 64:ff9b:1::/48, local-use NAT64
  }
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6);
  return undefined;
}

function inRange(bytes: number[], [prefix, bits]: Range): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const remaining = Math.min(8, bits - bit);
    const mask = (0xff << (8 - remaining)) & 0xff;
    const index = bit / 8;
    if ((bytes[index] & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

function parseV4(address: string): number[] {
  return address.split('.').map(Number);
}

/** 16 bytes of a valid IPv6 literal (isIP already said it is one); handles `::`, a zone and a dotted tail. */
function parseV6(address: string): number[] {
  let text = address.split('%', 1)[0].toLowerCase();
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = parseV4(dotted[1]);
    text = `${text.slice(0, -dotted[1].length)}0:0`; // placeholder groups, replaced below
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups];
  const bytes = groups.flatMap((group) => {
    const value = parseInt(group || '0', 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}
