// Support for the image integration tests: an S3 server of their own (dev/services/s3.ts: it answers
// AbortMultipartUpload and exposes pending uploads and stored keys), and an SSE reader for the
// functions' progress streams.
import { startS3, type S3Server } from '../../dev/services/s3.js';
import { parseSseStream } from '../../src/lib/platform/sse/parse.js';

/** The local S3 server of the stack, whose on-disk state the tests inspect. */
export type InspectableS3 = S3Server;

export function startInspectableS3(bucket: string): Promise<InspectableS3> {
  return startS3({ bucket });
}

export interface ReceivedSseEvent {
  event: string;
  id?: string;
  data: unknown;
}

/** Reads an SSE response with our own parser, calling `onEvent` per event (return true to stop reading). */
export async function readSse(
  response: Response,
  onEvent: (event: ReceivedSseEvent) => boolean | void = () => undefined,
): Promise<ReceivedSseEvent[]> {
  const events: ReceivedSseEvent[] = [];
  for await (const message of parseSseStream(response.body!)) {
    if (message.data === undefined || !message.event) continue; // the functions send small, named events
    const event = { event: message.event, id: message.id, data: JSON.parse(message.data) as unknown };
    events.push(event);
    if (onEvent(event) === true) break; // leaving the loop releases the body
  }
  return events;
}
