// POST /deleteAccount {} — erases everything stored about the caller and deletes their Auth user:
//   -> { deleted: {conversations, messages, images, imageObjects, attendanceLists, eventPoolEntries,
//        profileDocuments, redisKeys}, authUserDeleted: true }
// Needs a sign-in at most 5 minutes old (401 requires_recent_login). See docs/data.md.
import { onRequest } from 'firebase-functions/v2/https';
import * as z from 'zod/mini';
import { accountDataDeps, deleteAccount as deleteOwnAccount } from '../lib/account-data/index.js';
import { defineEndpoint } from '../lib/platform/http/index.js';
import { ACCOUNT_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';

export const deleteAccountBody = z.strictObject({});

export const deleteAccountHandler = defineEndpoint({
  name: 'deleteAccount',
  method: 'POST',
  body: deleteAccountBody,
  rateLimit: ACCOUNT_LIMIT,
  handle: (ctx) => deleteOwnAccount(accountDataDeps(ctx.scope.config), ctx),
});

export const deleteAccount = onRequest(RUNTIME_OPTIONS.deleteAccount, deleteAccountHandler);
