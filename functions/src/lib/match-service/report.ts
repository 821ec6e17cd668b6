// One log line per matching request (documents read, explanation outcome) and the same read count
// as a response header, so clients, tests and the bench can see the retrieval cost.
import type { Response } from 'express';
import type { Logger } from '../logging.js';
import type { MatchRunStats } from './service.js';

export const DOCUMENTS_READ_HEADER = 'X-Documents-Read';

export function reportMatchRun(res: Response, log: Logger, stats: MatchRunStats): void {
  res.setHeader(DOCUMENTS_READ_HEADER, String(stats.reads.documents));
  log.info('matching', {
    documentsRead: stats.reads.documents,
    queries: stats.reads.queries,
    billedReads: stats.reads.billed,
    candidates: stats.candidates,
    ...(stats.reads.skippedSources.length > 0 ? { skippedSources: stats.reads.skippedSources } : {}),
    ...stats.explain,
  });
}
