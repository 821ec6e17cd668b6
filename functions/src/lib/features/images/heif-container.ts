// HEIC/HEIF inputs are sent to Gemini as they are: the prebuilt libvips decodes no HEVC (patent
// licensing), so they cannot be downscaled or re-encoded here. What this file does without decoding,
// on the ISO base media boxes (ISO/IEC 14496-12, 23008-12):
// - reads the primary image's size from its `ispe` property, so the pixel limit holds for HEIF too;
// - blanks the metadata items in place (the Exif item becomes an empty TIFF directory, an XMP item an
//   run of spaces), so a phone's GPS position never leaves with the photo. Sizes and offsets are kept,
//   so the container stays valid; orientation lives in `irot`/`imir` properties, which are kept.
// Anything it cannot account for (a metadata item outside the file, a box running past its parent) is
// refused: a photo is never sent with metadata we could not remove.

export interface HeifFacts {
  width: number;
  height: number;
}

/** Thrown for a container that cannot be read, or metadata that cannot be blanked. */
export class HeifError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeifError';
  }
}

interface Box {
  type: string;
  /** Offset of the payload (after the header). */
  start: number;
  /** Offset just past the box. */
  end: number;
}

/** A property box; an `ispe` carries the size it declares. */
type PropertyBox = Box & { facts?: HeifFacts };

interface ItemLocation {
  constructionMethod: number;
  dataReferenceIndex: number;
  extents: Array<{ offset: number; length: number }>;
}

interface MetaContents {
  primaryItem?: number;
  /** item id -> item type (4cc), and the content type of `mime` items. */
  items: Map<number, { type: string; contentType?: string }>;
  locations: Map<number, ItemLocation>;
  /** item id -> 1-based indexes into the property boxes. */
  associations: Map<number, number[]>;
  properties: PropertyBox[];
  idat?: Box;
}

/** An empty TIFF directory (big-endian header, 0 entries, no next IFD): valid Exif with no tags. */
const EMPTY_TIFF = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);

/** Size of the primary image, and its metadata blanked in `bytes` (modified in place). */
export function scrubHeif(bytes: Buffer): HeifFacts {
  const meta = readMeta(bytes);
  for (const [id, item] of meta.items) {
    const isXmp = item.type === 'mime' && /xml|rdf/i.test(item.contentType ?? '');
    if (item.type !== 'Exif' && !isXmp) continue;
    const location = meta.locations.get(id);
    if (!location) throw new HeifError('a metadata item has no location');
    blank(bytes, meta, location, item.type === 'Exif' ? exifFill : xmpFill);
  }
  return primarySize(meta);
}

function primarySize(meta: MetaContents): HeifFacts {
  const sizeOf = (id: number): HeifFacts | undefined => {
    for (const index of meta.associations.get(id) ?? []) {
      const property = meta.properties[index - 1];
      if (property?.type === 'ispe') return property.facts;
    }
    return undefined;
  };
  const primary = meta.primaryItem === undefined ? undefined : sizeOf(meta.primaryItem);
  if (primary) return primary;
  // No primary size: the largest image in the file bounds what a decoder would allocate.
  let largest: HeifFacts | undefined;
  for (const property of meta.properties) {
    const facts = property.facts;
    if (facts && (!largest || facts.width * facts.height > largest.width * largest.height)) largest = facts;
  }
  if (!largest) throw new HeifError('no image size (ispe) in the container');
  return largest;
}

type Fill = (target: Buffer) => void;

function exifFill(target: Buffer): void {
  target.fill(0);
  // 4-byte offset to the TIFF header (0: it follows at once), then the empty directory.
  if (target.length >= 4 + EMPTY_TIFF.length) EMPTY_TIFF.copy(target, 4);
}

/** Whitespace: the padding XMP packets are made to carry, and no statement at all. */
function xmpFill(target: Buffer): void {
  target.fill(0x20);
}

/** Fills the item's bytes, joined across its extents, with `fill`'s output, written back in place. */
function blank(bytes: Buffer, meta: MetaContents, location: ItemLocation, fill: Fill): void {
  if (location.dataReferenceIndex !== 0) throw new HeifError('a metadata item is stored outside the file');
  let base: number;
  if (location.constructionMethod === 0) base = 0;
  else if (location.constructionMethod === 1 && meta.idat) base = meta.idat.start;
  else throw new HeifError('a metadata item uses an unsupported construction method');
  const limit = location.constructionMethod === 1 ? meta.idat!.end : bytes.length;
  const ranges = location.extents.map(({ offset, length }) => {
    const start = base + offset;
    const end = length === 0 ? limit : start + length; // length 0: to the end of the data
    if (start < base || end > limit || end < start) throw new HeifError('a metadata item runs past its data');
    return { start, end };
  });
  const joined = Buffer.alloc(ranges.reduce((sum, range) => sum + range.end - range.start, 0));
  fill(joined);
  let at = 0;
  for (const { start, end } of ranges) {
    joined.copy(bytes, start, at, at + (end - start));
    at += end - start;
  }
}

// ---------------------------------------------------------------- box reading

function readMeta(bytes: Buffer): MetaContents {
  const top = children(bytes, 0, bytes.length);
  if (top[0]?.type !== 'ftyp') throw new HeifError('not an ISO base media file');
  const metaBoxes = top.filter((box) => box.type === 'meta');
  if (metaBoxes.length !== 1) throw new HeifError('expected one meta box');
  const meta = metaBoxes[0];
  const contents: MetaContents = {
    items: new Map(),
    locations: new Map(),
    associations: new Map(),
    properties: [],
  };
  for (const box of children(bytes, meta.start + 4, meta.end)) {
    const reader = new Reader(bytes, box.start, box.end);
    if (box.type === 'pitm') {
      const version = reader.u8();
      reader.skip(3);
      contents.primaryItem = version === 0 ? reader.u16() : reader.u32();
    } else if (box.type === 'iinf') readItemInfos(bytes, box, contents);
    else if (box.type === 'iloc') readLocations(reader, contents);
    else if (box.type === 'iprp') readProperties(bytes, box, contents);
    else if (box.type === 'idat') contents.idat = box;
  }
  return contents;
}

function readItemInfos(bytes: Buffer, box: Box, contents: MetaContents): void {
  const reader = new Reader(bytes, box.start, box.end);
  const version = reader.u8();
  reader.skip(3);
  const count = version === 0 ? reader.u16() : reader.u32();
  const entries = children(bytes, reader.at, box.end).filter((entry) => entry.type === 'infe');
  if (entries.length !== count) throw new HeifError('item info count does not match its entries');
  for (const entry of entries) {
    const item = new Reader(bytes, entry.start, entry.end);
    const entryVersion = item.u8();
    item.skip(3);
    if (entryVersion < 2) continue; // pre-HEIF entries carry no item type
    const id = entryVersion === 2 ? item.u16() : item.u32();
    item.skip(2); // item_protection_index
    const type = item.fourcc();
    item.cstring(); // item_name
    contents.items.set(id, type === 'mime' ? { type, contentType: item.cstring() } : { type });
  }
}

function readLocations(reader: Reader, contents: MetaContents): void {
  const version = reader.u8();
  reader.skip(3);
  const sizes = reader.u16();
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 0xf;
  const baseOffsetSize = (sizes >> 4) & 0xf;
  const indexSize = version === 1 || version === 2 ? sizes & 0xf : 0;
  const count = version < 2 ? reader.u16() : reader.u32();
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? reader.u16() : reader.u32();
    const constructionMethod = version === 1 || version === 2 ? reader.u16() & 0xf : 0;
    const dataReferenceIndex = reader.u16();
    const baseOffset = reader.uint(baseOffsetSize);
    const extentCount = reader.u16();
    const extents: ItemLocation['extents'] = [];
    for (let e = 0; e < extentCount; e++) {
      reader.uint(indexSize);
      const offset = baseOffset + reader.uint(offsetSize);
      extents.push({ offset, length: reader.uint(lengthSize) });
    }
    contents.locations.set(id, { constructionMethod, dataReferenceIndex, extents });
  }
}

function readProperties(bytes: Buffer, box: Box, contents: MetaContents): void {
  for (const child of children(bytes, box.start, box.end)) {
    if (child.type === 'ipco') {
      contents.properties = children(bytes, child.start, child.end).map((property) => {
        if (property.type !== 'ispe') return property;
        const reader = new Reader(bytes, property.start, property.end);
        reader.skip(4); // version, flags
        return { ...property, facts: { width: reader.u32(), height: reader.u32() } };
      });
    } else if (child.type === 'ipma') {
      const reader = new Reader(bytes, child.start, child.end);
      const version = reader.u8();
      const flags = reader.u24();
      const count = reader.u32();
      for (let i = 0; i < count; i++) {
        const id = version < 1 ? reader.u16() : reader.u32();
        const associations = reader.u8();
        const indexes: number[] = [];
        for (let a = 0; a < associations; a++) {
          indexes.push(flags & 1 ? reader.u16() & 0x7fff : reader.u8() & 0x7f);
        }
        contents.associations.set(id, [...(contents.associations.get(id) ?? []), ...indexes]);
      }
    }
  }
}

/** The boxes laid end to end in [start, end). */
function children(bytes: Buffer, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let at = start;
  while (at + 8 <= end) {
    let size = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) throw new HeifError('a box header runs past its parent');
      const large = bytes.readBigUInt64BE(at + 8);
      if (large > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeifError('a box is too large');
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = end - at; // to the end of the parent
    }
    if (size < header || at + size > end) throw new HeifError(`box ${JSON.stringify(type)} runs past its parent`);
    boxes.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

/** Big-endian reads that never leave [at, end). */
class Reader {
  constructor(
    private readonly bytes: Buffer,
    public at: number,
    private readonly end: number,
  ) {}

  private take(count: number): number {
    if (this.at + count > this.end) throw new HeifError('a box is shorter than its fields');
    const at = this.at;
    this.at += count;
    return at;
  }

  skip(count: number): void {
    this.take(count);
  }

  u8(): number {
    return this.bytes.readUInt8(this.take(1));
  }

  u16(): number {
    return this.bytes.readUInt16BE(this.take(2));
  }

  u24(): number {
    return this.bytes.readUIntBE(this.take(3), 3);
  }

  u32(): number {
    return this.bytes.readUInt32BE(this.take(4));
  }

  /** An unsigned field of 0, 4 or 8 bytes (iloc's sizes). */
  uint(size: number): number {
    if (size === 0) return 0;
    if (size === 4) return this.u32();
    if (size === 8) {
      const value = this.bytes.readBigUInt64BE(this.take(8));
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new HeifError('an offset is too large');
      return Number(value);
    }
    throw new HeifError(`unsupported field size ${size}`);
  }

  fourcc(): string {
    return this.bytes.toString('latin1', this.take(4), this.at);
  }

  /** A NUL-terminated string (or the rest of the box when the NUL is missing). */
  cstring(): string {
    const nul = this.bytes.indexOf(0, this.at);
    const stop = nul < 0 || nul >= this.end ? this.end : nul;
    const text = this.bytes.toString('utf8', this.at, stop);
    this.at = Math.min(this.end, stop + 1);
    return text;
  }
}
