// The tools' arguments, checked with zod before a tool runs (tools.ts in chat turns a failure into an
// error the model reads). The JSON Schemas Gemini is sent are derived from these same schemas.
import * as z from 'zod/mini';
import { documentId } from '../platform/http/request-fields.js';
import { isLocalTimeInput } from '../platform/time/index.js';

/** Cards per call: a chat reply shows a few, and each result is replayed as history. */
export const MAX_TOOL_LIMIT = 5;
const DEFAULT_TOOL_LIMIT = 3;

/** An optional argument with the description the model reads. */
const described = <S extends z.core.$ZodType>(schema: S, description: string) =>
  z.optional(schema).check(z.describe(description));

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const tagList = z.array(text(64)).check(z.minLength(1), z.maxLength(10));
const limit = (description: string) =>
  z._default(z.int().check(z.gte(1), z.lte(MAX_TOOL_LIMIT)), DEFAULT_TOOL_LIMIT).check(z.describe(description));

/** A time as people write it, read in the user's zone when the tool runs (platform/time/local-input.ts). */
const localTime = z
  .string()
  .check(
    z.maxLength(40),
    z.refine(isLocalTimeInput, 'a date YYYY-MM-DD, a local time YYYY-MM-DDTHH:MM, or ISO 8601 with an offset'),
  );

export const findEventsArgs = z.strictObject({
  query: described(text(100), 'Words the title or a tag must contain'),
  tags: described(tagList, 'Event tags to look for, e.g. ["jazz"]'),
  from: described(
    localTime,
    'Start of the window in the user’s time zone: a date YYYY-MM-DD (from the start of that day) or a ' +
      'local time YYYY-MM-DDTHH:MM (default now; never in the past)',
  ),
  until: described(
    localTime,
    'End of the window in the user’s time zone: a date YYYY-MM-DD (to the end of that day) or YYYY-MM-DDTHH:MM',
  ),
  city: described(text(100), 'Only events in this city'),
  limit: limit('How many events, 1 to 5'),
});

export const suggestPeopleArgs = z.strictObject({
  interests: described(tagList, 'Interests to look for instead of the user’s own'),
  purposes: described(tagList, 'Purposes to look for, e.g. ["networking"]'),
  limit: limit('How many people, 1 to 5'),
});

/** As Firestore document ids: no slashes, not . or .., not __reserved__. */
export const getEventArgs = z.strictObject({
  eventId: documentId.check(z.describe('The eventId of an event a previous tool result returned')),
});

export type FindEventsArgs = z.output<typeof findEventsArgs>;
export type SuggestPeopleArgs = z.output<typeof suggestPeopleArgs>;
export type GetEventArgs = z.output<typeof getEventArgs>;
