// One log line per matching request: documents read, queries, candidates and the explanation
// outcome, for cost monitoring. The read count is NOT sent to the caller: it counts profiles that
// are read and then dropped (discoverable: false, blocked), so as a response header it let anyone
// probe for hidden people with a given tag or city (docs/security.md).
import type { Logger } from '../../platform/logging.js';
import type { MatchRunStats } from './service.js';

export const MATCH_RUN_LOG_MESSAGE = 'matching';

export function reportMatchRun(log: Logger, stats: MatchRunStats): void {
  log.info(MATCH_RUN_LOG_MESSAGE, {
    documentsRead: stats.reads.documents,
    queries: stats.reads.queries,
    billedReads: stats.reads.billed,
    candidates: stats.candidates,
    ...stats.explain,
  });
}
