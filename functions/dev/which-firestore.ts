/**
 * Prints which Firestore emulator the tests and `npm start` will run on this machine, in one line:
 *
 *   node --import tsx dev/which-firestore.ts     (in functions/)
 */
import { findOfficialFirestoreEmulator } from './services/firestore-official.js';

const lookup = findOfficialFirestoreEmulator();
console.log(
  lookup.found
    ? `Firestore: the official Cloud Firestore emulator, ${lookup.emulator.jar} (${lookup.emulator.source}) on Java ${lookup.emulator.javaMajor}`
    : `Firestore: the Node stand-in, because the official emulator is ${lookup.reason}; the security-rules suite will be skipped`,
);
