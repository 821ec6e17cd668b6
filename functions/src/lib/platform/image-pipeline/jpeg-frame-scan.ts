// A JPEG's width and height, found by walking its segments as the bytes stream past, in constant
// memory: the frame header (SOFn) may follow any amount of metadata (EXIF, XMP, ICC profiles, C2PA
// manifests of content credentials), more than a size probe would buffer. Each segment says its length,
// so the walk skips segments without keeping them and reads only the frame header's five bytes it needs.

export interface JpegFrameSize {
  width: number;
  height: number;
}

/** SOF0-3, 5-7, 9-11, 13-15: the frame headers (C4 DHT, C8 JPG and CC DAC are not). */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Markers that stand alone, with no length after them: TEM, RST0-7, SOI. */
function standsAlone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

type State =
  | { at: 'soi'; seen: number }
  | { at: 'ff' }
  | { at: 'marker' }
  | { at: 'length'; marker: number; bytes: number[] }
  | { at: 'skip'; remaining: number }
  | { at: 'frame'; bytes: number[] }
  | { at: 'done'; result: JpegFrameSize | Error };

/**
 * Feed it the image's bytes in order; `push` returns the size once the frame header has passed, an
 * Error once the bytes cannot be a JPEG with a frame header (scan data or the end came first), and
 * undefined while it needs more.
 */
export class JpegFrameScanner {
  private state: State = { at: 'soi', seen: 0 };

  push(chunk: Uint8Array): JpegFrameSize | Error | undefined {
    let i = 0;
    while (i < chunk.length) {
      const state = this.state;
      switch (state.at) {
        case 'done':
          return state.result;
        case 'soi':
          if (chunk[i++] !== (state.seen === 0 ? 0xff : 0xd8)) return this.finish(new Error('not a JPEG'));
          if (++state.seen === 2) this.state = { at: 'ff' };
          break;
        case 'ff':
          if (chunk[i++] !== 0xff) return this.finish(new Error('a JPEG segment does not start with 0xFF'));
          this.state = { at: 'marker' };
          break;
        case 'marker': {
          const marker = chunk[i++];
          if (marker === 0xff) break; // fill bytes may precede a marker
          if (marker === 0xd9 || marker === 0xda) {
            return this.finish(new Error('no JPEG frame header before the image data'));
          }
          this.state = standsAlone(marker) ? { at: 'ff' } : { at: 'length', marker, bytes: [] };
          break;
        }
        case 'length': {
          state.bytes.push(chunk[i++]);
          if (state.bytes.length < 2) break;
          const length = (state.bytes[0] << 8) | state.bytes[1]; // counts its own two bytes
          if (length < 2) return this.finish(new Error('a JPEG segment length is below 2'));
          if (isFrameHeader(state.marker)) {
            if (length < 8) return this.finish(new Error('a JPEG frame header is too short'));
            this.state = { at: 'frame', bytes: [] };
          } else {
            this.state = length === 2 ? { at: 'ff' } : { at: 'skip', remaining: length - 2 };
          }
          break;
        }
        case 'skip': {
          const skipped = Math.min(state.remaining, chunk.length - i);
          i += skipped;
          state.remaining -= skipped;
          if (state.remaining === 0) this.state = { at: 'ff' };
          break;
        }
        case 'frame': {
          state.bytes.push(chunk[i++]);
          if (state.bytes.length < 5) break;
          const [, heightHigh, heightLow, widthHigh, widthLow] = state.bytes; // after the sample precision
          const height = (heightHigh << 8) | heightLow;
          const width = (widthHigh << 8) | widthLow;
          // A height of 0 defers it to a DNL marker after the first scan: not worth following.
          if (width === 0 || height === 0) return this.finish(new Error('a JPEG frame header without a size'));
          return this.finish({ width, height });
        }
      }
    }
    return this.state.at === 'done' ? this.state.result : undefined;
  }

  /** The bytes ended: the size if it was found, else why not. */
  end(): JpegFrameSize | Error {
    if (this.state.at === 'done') return this.state.result;
    return this.finish(new Error('the JPEG ended before its frame header'));
  }

  private finish(result: JpegFrameSize | Error): JpegFrameSize | Error {
    this.state = { at: 'done', result };
    return result;
  }
}
