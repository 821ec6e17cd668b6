// The request body both chat functions accept (validated by the request layer before any work; the
// layer has already refused ill-formed strings, see platform/http/request-checks.ts).
import { z } from 'zod';
import { documentId } from '../../platform/http/request-fields.js';
import { canonicalTimeZone } from '../../platform/time/index.js';

/** Firestore-safe ids: no slashes, no dots-only (the character set), no reserved __x__ names (the refine). */
const ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Firestore reserves document ids that start and end with two underscores. */
const RESERVED_ID = /^__.*__$/;

export const chatRequestBody = z.object({
  conversationId: z
    .string()
    .regex(ID, 'letters, digits, _ or -, at most 128')
    .refine((id) => !RESERVED_ID.test(id), 'ids of the form __x__ are reserved')
    .optional(),
  message: z.string().trim().min(1).max(4000),
  clientMessageId: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, 'printable ASCII without spaces, at most 128')
    .optional(),
  /** The device's IANA zone; without it the profile's timeZone, else UTC. */
  timeZone: z
    .string()
    .max(64)
    .transform((zone, ctx) => {
      const canonical = canonicalTimeZone(zone);
      if (canonical === undefined)
        ctx.addIssue({ code: 'custom', message: 'an IANA time zone name, e.g. America/Los_Angeles' });
      return canonical ?? zone;
    })
    .optional(),
});

export type ChatRequestBody = z.output<typeof chatRequestBody>;

/** deleteConversation: which conversation (only the caller's own can be found). */
export const deleteConversationBody = z.strictObject({ conversationId: documentId });
