// The stand-in's summary of an inline image: its size from the header, and whether it still carries
// metadata. Tests of the image functions rely on both, so both must be able to say no and yes.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { summariseBody } from '../../../../dev/gemini-server/request-body.js';
import { scrubHeif } from '../../../../src/lib/features/images/heif-container.js';
import { heifWithMetadata, phoneJpeg, XMP_WITH_GPS } from '../../features/images/photo-fixtures.js';

function summaryOf(bytes: Buffer, mimeType = 'image/jpeg') {
  const body = { contents: [{ role: 'user', parts: [{ inlineData: { mimeType, data: bytes.toString('base64') } }] }] };
  return summariseBody(body).contents[0].inlineData[0];
}

describe('inline image summary', () => {
  it('reads the size from the header and sees Exif (with or without GPS) and XMP', async () => {
    const withExif = await phoneJpeg(60, 40, { orientation: 6, gps: true });
    expect(summaryOf(withExif)).toMatchObject({ width: 60, height: 40, hasMetadata: true });
    expect(summaryOf(await phoneJpeg(60, 40, { orientation: 1 }))).toMatchObject({ hasMetadata: true });
    const xmpOnly = await sharp(await phoneJpeg(20, 10, {}))
      .withXmp(XMP_WITH_GPS)
      .jpeg()
      .toBuffer();
    expect(summaryOf(xmpOnly)).toMatchObject({ hasMetadata: true });
    const clean = await sharp(withExif).jpeg().toBuffer();
    expect(summaryOf(clean)).toMatchObject({ width: 60, height: 40, hasMetadata: false });
  });

  it('sees a HEIF Exif item with entries, and not the empty directory a scrubbed one holds', async () => {
    const heif = await heifWithMetadata();
    expect(summaryOf(heif, 'image/heif').hasMetadata).toBe(true);
    scrubHeif(heif);
    expect(summaryOf(heif, 'image/heif').hasMetadata).toBe(false);
  });
});
