// A document id taken from a request (a conversation, an image): Firestore-safe by construction, so
// it can never name another path (no '/'), a dot segment or a reserved __x__ id, and stays short.
import { z } from 'zod';

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const RESERVED_ID = /^__.*__$/;

export const documentId = z
  .string()
  .regex(ID, 'letters, digits, _ or -, at most 128')
  .refine((id) => !RESERVED_ID.test(id), 'ids of the form __x__ are reserved');
