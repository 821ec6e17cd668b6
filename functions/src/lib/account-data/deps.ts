// The production collaborators of the erasure and the export: Firestore, the image bucket (the S3
// client the image features use), Redis when configured, Firebase Auth, the system clock.
import { s3ImageStore } from '../features/images/storage.js';
import { systemClock } from '../platform/clock.js';
import type { AppConfig } from '../platform/config/index.js';
import { getAdminAuth, getDb } from '../platform/firebase.js';
import { getRedis } from '../platform/redis.js';
import type { DeleteAccountDeps } from './delete-account.js';
import type { ExportDeps } from './export.js';

export function accountDataDeps(config: AppConfig): DeleteAccountDeps {
  return {
    db: getDb(),
    objects: s3ImageStore(config.s3),
    redis: getRedis(),
    clock: systemClock,
    deleteAuthUser: (uid) => getAdminAuth().deleteUser(uid),
  };
}

export function accountExportDeps(): ExportDeps {
  return {
    db: getDb(),
    clock: systemClock,
    authUser: (uid) =>
      getAdminAuth()
        .getUser(uid)
        .catch((error: unknown) => {
          if ((error as { code?: unknown } | null)?.code === 'auth/user-not-found') return undefined;
          throw error;
        }),
  };
}
