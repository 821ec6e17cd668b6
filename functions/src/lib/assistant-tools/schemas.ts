// The tools' arguments, checked with zod before a tool runs (tools.ts in chat turns a failure into an
// error the model reads). The JSON Schemas Gemini is sent are derived from these same schemas.
import { z } from 'zod';
import { isLocalTimeInput } from '../platform/time/index.js';

/** Cards per call: a chat reply shows a few, and each result is replayed as history. */
export const MAX_TOOL_LIMIT = 5;
const DEFAULT_TOOL_LIMIT = 3;

const tag = z.string().trim().min(1).max(64);
const tagList = z.array(tag).min(1).max(10);
const limit = z.number().int().min(1).max(MAX_TOOL_LIMIT).default(DEFAULT_TOOL_LIMIT);

/** A time as people write it, read in the user's zone when the tool runs (platform/time/local-input.ts). */
const localTime = z
  .string()
  .max(40)
  .refine(isLocalTimeInput, 'a date YYYY-MM-DD, a local time YYYY-MM-DDTHH:MM, or ISO 8601 with an offset');

export const findEventsArgs = z
  .object({
    query: z.string().trim().min(1).max(100).optional().describe('Words the title or a tag must contain'),
    tags: tagList.optional().describe('Event tags to look for, e.g. ["jazz"]'),
    from: localTime
      .optional()
      .describe(
        'Start of the window in the user’s time zone: a date YYYY-MM-DD (from the start of that day) or a ' +
          'local time YYYY-MM-DDTHH:MM (default now; never in the past)',
      ),
    until: localTime
      .optional()
      .describe(
        'End of the window in the user’s time zone: a date YYYY-MM-DD (to the end of that day) or YYYY-MM-DDTHH:MM',
      ),
    city: z.string().trim().min(1).max(100).optional().describe('Only events in this city'),
    limit: limit.describe('How many events, 1 to 5'),
  })
  .strict();

export const suggestPeopleArgs = z
  .object({
    interests: tagList.optional().describe('Interests to look for instead of the user’s own'),
    purposes: tagList.optional().describe('Purposes to look for, e.g. ["networking"]'),
    limit: limit.describe('How many people, 1 to 5'),
  })
  .strict();

/** As Firestore document ids: no slashes, not . or .., not __reserved__. */
export const getEventArgs = z
  .object({
    eventId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'letters, digits, _ or -, at most 128')
      .refine((id) => !/^__.*__$/.test(id), 'reserved id')
      .describe('The eventId of an event a previous tool result returned'),
  })
  .strict();

export type FindEventsArgs = z.output<typeof findEventsArgs>;
export type SuggestPeopleArgs = z.output<typeof suggestPeopleArgs>;
export type GetEventArgs = z.output<typeof getEventArgs>;
