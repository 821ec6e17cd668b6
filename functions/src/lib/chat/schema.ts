// The request body both chat functions accept (validated by the request layer before any work).
import { z } from 'zod';

/** Firestore-safe ids: no slashes, no dots-only, no reserved __x__ names. */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

export const chatRequestBody = z.object({
  conversationId: z.string().regex(ID, 'letters, digits, _ or -, at most 128').optional(),
  message: z.string().trim().min(1).max(4000),
  clientMessageId: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, 'printable ASCII without spaces, at most 128')
    .optional(),
});

export type ChatRequestBody = z.output<typeof chatRequestBody>;
