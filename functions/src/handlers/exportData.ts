// GET /exportData — everything stored about the caller as one JSON download, streamed while it is
// read (lib/account-data/export.ts has the shape, and the chunks a callable .stream() caller gets;
// docs/data.md what it covers). A document that does not end with "complete": true was cut short
// (the connection or a read failed): request it again.
import { onRequest } from 'firebase-functions/v2/https';
import { accountExportDeps, exportAccount, type ExportDeps } from '../lib/account-data/index.js';
import { defineEndpoint, type EndpointDeps } from '../lib/platform/http/index.js';
import { ACCOUNT_LIMIT } from '../lib/platform/rate-limit/buckets.js';
import { RUNTIME_OPTIONS } from '../runtime-options.js';

/** The bench (bench/account-data.ts) mounts it with a fake ID-token verifier and no Auth backend. */
export function createExportDataHandler(
  endpointDeps: Partial<EndpointDeps> = {},
  exportDeps: () => ExportDeps = accountExportDeps,
) {
  return defineEndpoint(
    {
      name: 'exportData',
      method: 'GET',
      rateLimit: ACCOUNT_LIMIT,
      handle: async (ctx) => {
        const { counts, result } = await exportAccount(exportDeps(), ctx);
        ctx.scope.log.info('data exported', { ...counts });
        return result;
      },
    },
    endpointDeps,
  );
}

export const exportDataHandler = createExportDataHandler();

export const exportData = onRequest(RUNTIME_OPTIONS.exportData, exportDataHandler);
