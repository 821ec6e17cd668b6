// App Check on the AI endpoints: the request layer's rule (gate.ts) over a verifier
// interface (verifier.ts; production = firebase-admin).
export { APP_CHECK_HEADER, checkAppCheck, type AppCheckFailure, type AppCheckOutcome } from './gate.js';
export { firebaseAppCheckVerifier, type AppCheckVerdict, type AppCheckVerifier } from './verifier.js';
