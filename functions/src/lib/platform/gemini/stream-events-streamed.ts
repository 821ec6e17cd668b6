// Reads one response chunk that arrives as a streamed SSE event (too large to buffer): the JSON is
// parsed incrementally, every value is built except candidates[*].content.parts[*].inlineData.data,
// whose base64 goes straight to the image deduplicator in arrival-sized slices.
//
// Key order: Gemini writes `mimeType` before `data` and `thought` after `inlineData` (proto field
// order). So the mimeType is normally known when the data starts (else it is sniffed), while a
// thought image is normally recognised only after its data has streamed: it is then reported in
// done.thoughtImageIndexes. A `thought: true` that comes first makes the data be drained unseen.
import { GeminiProtocolError } from './errors.js';
import { isJsonObject, type GeminiEventAssembler } from './stream-events-assembler.js';
import { JsonStreamParser, type JsonContainer, type JsonPath, type JsonStreamHooks } from './json-stream-parser.js';

/** candidates[c].content.parts[p].inlineData.data */
function isInlineDataPath(path: JsonPath): boolean {
  return (
    path.length === 7 &&
    path[6] === 'data' &&
    path[5] === 'inlineData' &&
    path[3] === 'parts' &&
    path[2] === 'content' &&
    path[0] === 'candidates'
  );
}

/** candidates[c].content.parts[p].inlineData */
function isInlineDataObjectPath(path: JsonPath): boolean {
  return (
    path.length === 6 &&
    path[5] === 'inlineData' &&
    path[3] === 'parts' &&
    path[2] === 'content' &&
    path[0] === 'candidates'
  );
}

/** candidates[0].content.parts[p] */
function isFirstCandidatePartPath(path: JsonPath): boolean {
  return path.length === 5 && path[1] === 0 && path[3] === 'parts' && path[2] === 'content' && path[0] === 'candidates';
}

export class StreamedResponseReader implements JsonStreamHooks {
  private readonly parser = new JsonStreamParser(this);
  /** chunks of the current streamed string belong to an emitted image (else they are drained) */
  private imageOpen = false;
  /** the image the current part's data went to */
  private partImage: number | undefined;

  constructor(private readonly assembler: GeminiEventAssembler) {
    assembler.images.startEvent();
  }

  write(chunk: string): void {
    this.parser.write(chunk);
  }

  end(): void {
    const response = this.parser.end();
    if (!isJsonObject(response))
      throw new GeminiProtocolError('PROTOCOL_INVALID_JSON', 'Gemini event data is not a JSON object');
    this.assembler.finishResponse(response);
  }

  streamString(path: JsonPath): boolean {
    return isInlineDataPath(path);
  }

  onStringStart(path: JsonPath, containers: readonly JsonContainer[]): void {
    if (path[1] !== 0) return; // other candidates are drained
    const part = containers[5] as Record<string, unknown>;
    if (part.thought === true) return; // a thought image announced up front: drained
    const inline = containers[6] as Record<string, unknown>;
    this.imageOpen = true;
    this.assembler.images.beginImage(typeof inline.mimeType === 'string' ? inline.mimeType : undefined);
  }

  onStringChunk(chunk: string): void {
    if (this.imageOpen) this.assembler.images.write(chunk);
  }

  onContainerEnd(path: JsonPath, value: JsonContainer): void {
    if (this.imageOpen && isInlineDataObjectPath(path) && isJsonObject(value)) {
      // Ended here rather than at the end of the string: a mimeType after `data` is known now.
      this.imageOpen = false;
      this.partImage = this.assembler.images.endImage(typeof value.mimeType === 'string' ? value.mimeType : undefined);
      return;
    }
    if (!isFirstCandidatePartPath(path) || !isJsonObject(value)) return;
    const image = this.partImage;
    this.partImage = undefined;
    if (image === undefined) {
      this.assembler.handlePart(value); // text, a drained thought image, or another kind of part
    } else if (value.thought === true) {
      this.assembler.noteLateThoughtImage(image);
      this.assembler.images.noteOtherPart();
    }
  }
}
