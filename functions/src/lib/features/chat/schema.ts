// The request body both chat functions accept (validated by the request layer before any work; the
// layer has already refused ill-formed strings, see platform/http/request-checks.ts).
import * as z from 'zod/mini';
import { documentId } from '../../platform/http/request-fields.js';
import { canonicalTimeZone, isKnownTimeZone } from '../../platform/time/index.js';

export const chatRequestBody = z.object({
  conversationId: z.optional(documentId),
  message: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
  clientMessageId: z.optional(
    z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, 'printable ASCII without spaces, at most 128')),
  ),
  /** The device's IANA zone, canonicalised; without it the profile's timeZone, else UTC. */
  timeZone: z.optional(
    z.string().check(
      z.maxLength(64),
      z.refine(isKnownTimeZone, 'an IANA time zone name, e.g. America/Los_Angeles'),
      z.overwrite((zone) => canonicalTimeZone(zone) ?? zone),
    ),
  ),
});

export type ChatRequestBody = z.output<typeof chatRequestBody>;

/** deleteConversation: which conversation (only the caller's own can be found). */
export const deleteConversationBody = z.strictObject({ conversationId: documentId });
