// A cache entry that belongs to one user carries the uid in its key, at a fixed place and with its
// length, so that erasing a user (or one of their conversations) can find every entry of theirs and
// nobody else's, whatever characters a uid holds (a custom-token uid may contain ':' or '*'):
//
//   u<uid length>:<uid>:<rest>            e.g. u28:Zk3…9q:cL0mX…:v3:<digest>
export interface OwnedCacheKey {
  uid: string;
  rest: string;
}

export function userCacheKey(uid: string, rest: string): string {
  return `u${uid.length}:${uid}:${rest}`;
}

/** The owner of a cache key made by userCacheKey, or undefined for any other key. */
export function ownerOfCacheKey(key: string): OwnedCacheKey | undefined {
  const match = /^u(\d{1,4}):/.exec(key);
  if (!match) return undefined;
  const start = match[0].length;
  const length = Number(match[1]);
  if (key.length < start + length + 1 || key[start + length] !== ':') return undefined;
  return { uid: key.slice(start, start + length), rest: key.slice(start + length + 1) };
}

/** Whether `key` belongs to `uid` (and, with `restPrefix`, its rest starts with that). */
export function isUserCacheKey(key: string, uid: string, restPrefix = ''): boolean {
  const owned = ownerOfCacheKey(key);
  return owned !== undefined && owned.uid === uid && owned.rest.startsWith(restPrefix);
}
