// scrubHeif on HEIF containers built box by box here: where the metadata items live (mdat, idat, split
// across extents), which image's size counts, and the containers it refuses rather than guess.
import { describe, expect, it } from 'vitest';
import { HeifError, scrubHeif } from '../../../../src/lib/features/images/heif-container.js';

const u8 = (value: number) => Buffer.from([value]);
const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const u32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};
const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
};
const fullBox = (type: string, version: number, flags: number, ...payload: Buffer[]) =>
  box(type, u8(version), Buffer.from([flags >> 16, (flags >> 8) & 0xff, flags & 0xff]), ...payload);
const infe = (id: number, type: string, contentType?: string) =>
  fullBox(
    'infe',
    2,
    0,
    u16(id),
    u16(0),
    Buffer.from(type, 'latin1'),
    Buffer.from('\0'),
    ...(contentType ? [Buffer.from(`${contentType}\0`)] : []),
  );
const ispe = (width: number, height: number) => fullBox('ispe', 0, 0, u32(width), u32(height));

interface Item {
  id: number;
  type: string;
  contentType?: string;
  /** Extents as [offset, length]; offsets are filled in for `data` placed in mdat. */
  extents?: Array<[number, number]>;
  constructionMethod?: number;
  dataReferenceIndex?: number;
}

/** ftyp + meta (pitm, iinf, iloc v1, iprp) + mdat holding `mdat`; iloc offsets are absolute. */
function heif(options: {
  items: Item[];
  primary?: number;
  properties: Buffer[];
  associations: Array<[item: number, ...indexes: number[]]>;
  idat?: Buffer;
  mdatAt: (metaEnd: number) => number;
  mdat: Buffer;
}): Buffer {
  const build = (mdatStart: number): Buffer => {
    const iloc = fullBox(
      'iloc',
      1,
      0,
      u16((4 << 12) | (4 << 8)), // offset_size 4, length_size 4, base_offset_size 0, index_size 0
      u16(options.items.length),
      ...options.items.map((item) => {
        const extents = item.extents ?? [];
        return Buffer.concat([
          u16(item.id),
          u16(item.constructionMethod ?? 0),
          u16(item.dataReferenceIndex ?? 0),
          u16(extents.length),
          ...extents.map(([offset, length]) =>
            Buffer.concat([u32((item.constructionMethod ?? 0) === 0 ? mdatStart + offset : offset), u32(length)]),
          ),
        ]);
      }),
    );
    const meta = fullBox(
      'meta',
      0,
      0,
      fullBox('hdlr', 0, 0, u32(0), Buffer.from('pict'), Buffer.alloc(12), Buffer.from('\0')),
      ...(options.primary === undefined ? [] : [fullBox('pitm', 0, 0, u16(options.primary))]),
      fullBox('iinf', 0, 0, u16(options.items.length), ...options.items.map((i) => infe(i.id, i.type, i.contentType))),
      iloc,
      box(
        'iprp',
        box('ipco', ...options.properties),
        fullBox(
          'ipma',
          0,
          0,
          u32(options.associations.length),
          ...options.associations.map(([item, ...indexes]) =>
            Buffer.concat([u16(item), u8(indexes.length), ...indexes.map((index) => u8(index))]),
          ),
        ),
      ),
      ...(options.idat ? [box('idat', options.idat)] : []),
    );
    const ftyp = box('ftyp', Buffer.from('mif1'), u32(0), Buffer.from('mif1heic'));
    return Buffer.concat([ftyp, meta, box('mdat', options.mdat)]);
  };
  const first = build(0);
  const mdatPayloadStart = first.length - options.mdat.length;
  return build(options.mdatAt(mdatPayloadStart));
}

const EXIF = Buffer.concat([u32(6), Buffer.from('Exif\0\0MM\0*\0\0\0\x08 Make TestPhone GPS 48N ', 'latin1')]);
const XMP = Buffer.from('<x:xmpmeta><rdf:Description exif:GPSLatitude="48,51N"/></x:xmpmeta>', 'latin1');
const PIXELS = Buffer.from('hevc-coded-picture-bytes', 'latin1');

function phoneLike(extra: Partial<Parameters<typeof heif>[0]> = {}): Buffer {
  const mdat = Buffer.concat([PIXELS, EXIF, XMP]);
  return heif({
    primary: 1,
    items: [
      { id: 1, type: 'hvc1', extents: [[0, PIXELS.length]] },
      { id: 2, type: 'Exif', extents: [[PIXELS.length, EXIF.length]] },
      { id: 3, type: 'mime', contentType: 'application/rdf+xml', extents: [[PIXELS.length + EXIF.length, XMP.length]] },
      { id: 4, type: 'hvc1', extents: [[0, 4]] }, // a thumbnail
    ],
    properties: [ispe(4032, 3024), ispe(320, 240)],
    associations: [
      [1, 1],
      [4, 2],
    ],
    mdatAt: (start) => start,
    mdat,
    ...extra,
  });
}

describe('scrubHeif', () => {
  it('answers the primary image size and blanks the Exif and XMP items in place, nothing else', () => {
    const file = phoneLike();
    const before = Buffer.from(file);
    expect(scrubHeif(file)).toEqual({ width: 4032, height: 3024 });
    expect(file.length).toBe(before.length);
    expect(file.includes('TestPhone')).toBe(false);
    expect(file.includes('GPSLatitude')).toBe(false);
    expect(file.includes(PIXELS)).toBe(true); // the picture is untouched
    // The Exif item is now a valid, empty TIFF directory right after a zero offset.
    const exifAt = before.indexOf(EXIF);
    expect(file.subarray(exifAt, exifAt + 18)).toEqual(
      Buffer.from([0, 0, 0, 0, 0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0]),
    );
    expect(file.subarray(exifAt + 18, exifAt + EXIF.length).every((byte) => byte === 0)).toBe(true);
    // The XMP item is as long as it was, all spaces.
    const xmp = file.subarray(before.indexOf(XMP), before.indexOf(XMP) + XMP.length).toString('latin1');
    expect(xmp).toBe(' '.repeat(XMP.length));
    // The rest of the file is byte for byte what it was.
    const changed = [...file.keys()].filter((index) => file[index] !== before[index]);
    expect(Math.min(...changed)).toBeGreaterThanOrEqual(exifAt);
    expect(Math.max(...changed)).toBeLessThan(before.indexOf(XMP) + XMP.length);
  });

  it('finds metadata split across extents, and metadata stored in idat', () => {
    const mdat = Buffer.concat([EXIF.subarray(0, 10), PIXELS, EXIF.subarray(10)]);
    const split = heif({
      primary: 1,
      items: [
        { id: 1, type: 'hvc1', extents: [[10, PIXELS.length]] },
        {
          id: 2,
          type: 'Exif',
          extents: [
            [0, 10],
            [10 + PIXELS.length, EXIF.length - 10],
          ],
        },
      ],
      properties: [ispe(100, 50)],
      associations: [[1, 1]],
      mdatAt: (start) => start,
      mdat,
    });
    scrubHeif(split);
    expect(split.includes('TestPhone')).toBe(false);
    expect(split.includes(PIXELS)).toBe(true);

    const inIdat = heif({
      primary: 1,
      items: [
        { id: 1, type: 'hvc1', extents: [[0, PIXELS.length]] },
        { id: 2, type: 'Exif', constructionMethod: 1, extents: [[0, EXIF.length]] },
      ],
      properties: [ispe(100, 50)],
      associations: [[1, 1]],
      idat: EXIF,
      mdatAt: (start) => start,
      mdat: PIXELS,
    });
    scrubHeif(inIdat);
    expect(inIdat.includes('TestPhone')).toBe(false);
  });

  it('without a primary item, answers the largest image (what a decoder could be made to allocate)', () => {
    const file = phoneLike({ primary: undefined });
    expect(scrubHeif(file)).toEqual({ width: 4032, height: 3024 });
  });

  it.each([
    ['metadata stored in another file', { dataReferenceIndex: 1 }],
    ['metadata past the end of the file', { extents: [[10_000, 20]] as Array<[number, number]> }],
    ['an unknown construction method', { constructionMethod: 2 }],
  ])('refuses a container with %s', (_what, exif) => {
    const file = heif({
      primary: 1,
      items: [
        { id: 1, type: 'hvc1', extents: [[0, PIXELS.length]] },
        { id: 2, type: 'Exif', extents: [[PIXELS.length, EXIF.length]], ...exif },
      ],
      properties: [ispe(100, 50)],
      associations: [[1, 1]],
      mdatAt: (start) => start,
      mdat: Buffer.concat([PIXELS, EXIF]),
    });
    expect(() => scrubHeif(file)).toThrow(HeifError);
  });

  it('refuses truncated, box-overrunning and size-less containers', () => {
    const file = phoneLike();
    expect(() => scrubHeif(file.subarray(0, 60))).toThrow(HeifError);
    const overrun = Buffer.from(file);
    overrun.writeUInt32BE(0xffff, 24); // the meta box claims more than the file holds
    expect(() => scrubHeif(overrun)).toThrow(HeifError);
    const sizeless = heif({
      items: [{ id: 1, type: 'hvc1', extents: [[0, 4]] }],
      properties: [],
      associations: [],
      mdatAt: (start) => start,
      mdat: PIXELS,
    });
    expect(() => scrubHeif(sizeless)).toThrow(/no image size/);
    expect(() => scrubHeif(Buffer.from('not a heif file at all', 'latin1'))).toThrow(HeifError);
  });
});
