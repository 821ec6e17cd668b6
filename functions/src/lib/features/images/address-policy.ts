// Which IP addresses an input-image fetch may connect to: public unicast only.
// IPv4: everything but the special-purpose ranges in BLOCKED_V4.
// IPv6: an address that routes to an IPv4 address inside it is judged by that IPv4 address
// (IPv4-mapped, IPv4-translated, IPv4-compatible, NAT64 well-known prefix, 6to4). Everything else
// must be global unicast (2000::/3, fail-closed for whatever IANA assigns later) and outside the
// special blocks in BLOCKED_V6. Teredo and local-use NAT64 are refused whole: their embedded IPv4
// cannot be judged reliably (see docs/images.md, "Input image URLs", for every form and why).
import { isIP } from 'node:net';

export interface AddressPolicy {
  /** Dev only: 127.0.0.0/8 and ::1 are allowed too. */
  allowLoopback: boolean;
}

type Range = readonly [prefix: readonly number[], bits: number];

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

/** Everything outside it (ULA, link-local, multicast, discard, ::/8, 64:ff9b::/32, ...) is refused. */
const GLOBAL_UNICAST_V6: Range = [[0x20], 3];

/** Special blocks inside 2000::/3. */
const BLOCKED_V6: readonly Range[] = [
  [[0x20, 0x01, 0x00, 0x00], 23], // IETF protocol assignments, incl. Teredo 2001::/32 and benchmarking
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0x3f, 0xff, 0x00], 20], // documentation (RFC 9637)
];

const LOOPBACK_V4: Range = [[127, 0, 0, 0], 8];

/** Where an IPv4 address sits inside an IPv6 address that routes to it. */
interface Embedding {
  prefix: Range;
  /** Byte offset of the IPv4 address. */
  at: number;
}

const EMBEDDINGS: readonly Embedding[] = [
  { prefix: [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 96], at: 12 }, // IPv4-mapped ::ffff:a.b.c.d
  { prefix: [[0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0], 96], at: 12 }, // IPv4-translated ::ffff:0:a.b.c.d
  { prefix: [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 96], at: 12 }, // IPv4-compatible ::a.b.c.d (deprecated)
  { prefix: [[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96], at: 12 }, // NAT64 64:ff9b::a.b.c.d
  { prefix: [[0x20, 0x02], 16], at: 2 }, // 6to4 2002:AABB:CCDD::
];

export function isAllowedAddress(address: string, policy: AddressPolicy): boolean {
  const family = isIP(address);
  if (family === 4) return isAllowedV4(parseV4(address), policy);
  if (family === 6) return isAllowedV6(parseV6(address), policy);
  return false;
}

function isAllowedV4(bytes: readonly number[], policy: AddressPolicy): boolean {
  if (policy.allowLoopback && inRange(bytes, LOOPBACK_V4)) return true;
  return !BLOCKED_V4.some((range) => inRange(bytes, range));
}

function isAllowedV6(bytes: readonly number[], policy: AddressPolicy): boolean {
  // ::1 first: it is also in the IPv4-compatible range (as 0.0.0.1), which is refused.
  if (bytes.slice(0, 15).every((byte) => byte === 0) && bytes[15] === 1) return policy.allowLoopback;
  const embedding = EMBEDDINGS.find(({ prefix }) => inRange(bytes, prefix));
  if (embedding) return isAllowedV4(bytes.slice(embedding.at, embedding.at + 4), policy);
  return inRange(bytes, GLOBAL_UNICAST_V6) && !BLOCKED_V6.some((range) => inRange(bytes, range));
}

function inRange(bytes: readonly number[], [prefix, bits]: Range): boolean {
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
