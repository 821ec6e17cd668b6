// Finding keys by pattern and deleting the ones that really belong: what erasing a user's Redis keys
// is made of. SCAN walks the keyspace in pages (COUNT per call, one HTTP call each with Upstash), so
// memory holds one page at a time however many keys there are; the pattern only narrows the walk,
// and `belongs` decides on the exact key (a glob cannot tell uid "ab" from uid "xaby").
import type { Redis } from '@upstash/redis';

/** Keys asked for per SCAN call. */
export const SCAN_COUNT = 1000;

/** `text` as a literal inside a Redis glob pattern (*, ?, [ ] and \ escaped). */
export function globLiteral(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
}

export type ScanningRedis = Pick<Redis, 'scan' | 'del'>;

/** Deletes every key matching `pattern` for which `belongs(key)` holds; returns how many. */
export async function deleteScannedKeys(
  redis: ScanningRedis,
  pattern: string,
  belongs: (key: string) => boolean,
  count = SCAN_COUNT,
): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, { match: pattern, count });
    const ours = keys.filter(belongs);
    if (ours.length > 0) deleted += await redis.del(...ours);
    cursor = String(next);
  } while (cursor !== '0');
  return deleted;
}
