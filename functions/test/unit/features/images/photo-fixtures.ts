// Input images as phones and other tools make them, built here so every test knows exactly what is in
// them: JPEGs with an EXIF orientation and a GPS position, a BMP, a HEIF container with Exif and XMP
// items. The pictures are two halves (red left, blue right) so orientation can be read from pixels.
import sharp from 'sharp';

export const RED = [220, 30, 30] as const;
export const BLUE = [30, 30, 220] as const;

/** width x height raw RGB pixels: the left half red, the right half blue. */
export function halvesPixels(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.set(x < width / 2 ? RED : BLUE, (y * width + x) * 3);
  }
  return pixels;
}

export function halves(width: number, height: number): sharp.Sharp {
  return sharp(halvesPixels(width, height), { raw: { width, height, channels: 3 } });
}

export interface ExifFields {
  /** EXIF orientation 1-8. */
  orientation?: number;
  /** Adds a GPS IFD with latitude 48° 51' 29.52" N (a position in Paris). */
  gps?: boolean;
}

/** The APP1 Exif segment for `fields` (big-endian TIFF, IFD0 with Orientation and a GPS pointer). */
export function exifSegment(fields: ExifFields): Buffer {
  const entries: Array<[tag: number, type: number, count: number, value: number]> = [];
  if (fields.orientation) entries.push([0x0112, 3, 1, fields.orientation << 16]); // SHORT, left-justified
  const ifd0Size = 2 + 12 * (entries.length + (fields.gps ? 1 : 0)) + 4;
  const gpsAt = 8 + ifd0Size;
  const gpsSize = 2 + 12 * 2 + 4;
  const rationalsAt = gpsAt + gpsSize;
  if (fields.gps) entries.push([0x8825, 4, 1, gpsAt]); // GPSInfo: LONG offset
  const tiff = Buffer.alloc(fields.gps ? rationalsAt + 24 : 8 + ifd0Size);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  writeIfd(
    tiff,
    8,
    entries.sort((a, b) => a[0] - b[0]),
  );
  if (fields.gps) {
    // GPSLatitudeRef "N\0" inline, GPSLatitude 3 RATIONALs at rationalsAt.
    writeIfd(tiff, gpsAt, [
      [0x0001, 2, 2, 0x4e000000],
      [0x0002, 5, 3, rationalsAt],
    ]);
    [48, 1, 51, 1, 2952, 100].forEach((value, index) => tiff.writeUInt32BE(value, rationalsAt + index * 4));
  }
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

function writeIfd(tiff: Buffer, at: number, entries: Array<[number, number, number, number]>): void {
  tiff.writeUInt16BE(entries.length, at);
  entries.forEach(([tag, type, count, value], index) => {
    const entry = at + 2 + index * 12;
    tiff.writeUInt16BE(tag, entry);
    tiff.writeUInt16BE(type, entry + 2);
    tiff.writeUInt32BE(count, entry + 4);
    tiff.writeUInt32BE(value, entry + 8);
  });
  tiff.writeUInt32BE(0, at + 2 + entries.length * 12);
}

/** A JPEG whose stored pixels are `halves(width, height)`, carrying `fields` in an Exif segment. */
export async function phoneJpeg(width: number, height: number, fields: ExifFields, quality = 90): Promise<Buffer> {
  const jpeg = await halves(width, height).jpeg({ quality }).toBuffer();
  return Buffer.concat([jpeg.subarray(0, 2), exifSegment(fields), jpeg.subarray(2)]); // right after SOI
}

/** A 24-bit bottom-up BMP of `halves(width, height)`. */
export function makeBmp(width: number, height: number): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const bmp = Buffer.alloc(54 + rowBytes * height);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  const pixels = halvesPixels(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = 54 + (height - 1 - y) * rowBytes + x * 3;
      bmp[to] = pixels[from + 2];
      bmp[to + 1] = pixels[from + 1];
      bmp[to + 2] = pixels[from];
    }
  }
  return bmp;
}

export const XMP_WITH_GPS =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.492N"/></rdf:RDF></x:xmpmeta>';

/**
 * A HEIF container (major brand `mif1`: image/heif) with an Exif item (Make "TestPhone") and an XMP
 * item carrying a GPS latitude. libvips writes it with an AV1 image (it has no HEVC encoder); the
 * boxes around the image are what HEIC files from phones have too.
 */
export async function heifWithMetadata(width = 64, height = 48): Promise<Buffer> {
  const avif = await halves(width, height)
    .withExif({ IFD0: { Make: 'TestPhone' } })
    .withXmp(XMP_WITH_GPS)
    .avif()
    .toBuffer();
  if (avif.toString('latin1', 4, 12) !== 'ftypavif') throw new Error('unexpected AVIF header');
  avif.write('mif1', 8, 'latin1');
  return avif;
}

/** The RGB of the pixel at (x, y) of an encoded image. */
export async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

/** Whether `pixel` is within `tolerance` of `color` on every channel (lossy formats shift colours). */
export function near(pixel: readonly number[], color: readonly number[], tolerance = 40): boolean {
  return pixel.every((value, index) => Math.abs(value - color[index]) <= tolerance);
}
