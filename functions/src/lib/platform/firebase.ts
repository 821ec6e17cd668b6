// firebase-admin, initialised on first use rather than at module load: deploy discovery loads this code
// without credentials, and tests set emulator variables (FIREBASE_AUTH_EMULATOR_HOST, GCLOUD_PROJECT...)
// before the first request.
import { getApp, getApps, initializeApp, type App } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';

/** The default app. Not just "any app": a Firestore trigger's event decoding in firebase-functions
 * initialises an app of its own, and getApp() then throws for the missing default one. */
export function getAdminApp(): App {
  return getApps().some((app) => app.name === '[DEFAULT]') ? getApp() : initializeApp();
}

export function getAdminAuth(): Auth {
  return getAuth(getAdminApp());
}

export function getDb(): Firestore {
  return getFirestore(getAdminApp());
}
