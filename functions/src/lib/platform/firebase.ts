// firebase-admin, initialised on first use rather than at module load: deploy discovery loads this code
// without credentials, and tests set emulator variables (FIREBASE_AUTH_EMULATOR_HOST, GCLOUD_PROJECT...)
// before the first request.
import { getApp, getApps, initializeApp, type App } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';

export function getAdminApp(): App {
  return getApps().length > 0 ? getApp() : initializeApp();
}

export function getAdminAuth(): Auth {
  return getAuth(getAdminApp());
}

export function getDb(): Firestore {
  return getFirestore(getAdminApp());
}
