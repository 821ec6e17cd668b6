/**
 * Firestore triggers for the official Firestore emulator when firebase-tools does not run it.
 *
 * firebase-tools registers a function's Firestore trigger with the Firestore emulator only when it
 * started that emulator itself, and firebase-tools 15 refuses the official emulator below Java 21
 * (see /work/shared/notes/local-services.md), so the Functions emulator logs "function ignored
 * because the firestore emulator does not exist" for an onDocumentWritten function. We start the
 * official emulator with `--functions_emulator=<functions host:port>` and register the trigger the
 * way firebase-tools would (functionsEmulator.js, getV2FirestoreAttributes): then every matching
 * write is delivered as a CloudEvent to the Functions emulator, which runs the real function.
 */

/** The Functions emulator's trigger key: `<region>-<name>-<generation>` (generation 0 at start-up). */
export function functionsEmulatorTriggerKey(region: string, name: string, generation = 0): string {
  return `${region}-${name}-${generation}`;
}

export async function registerFirestoreTrigger(options: {
  firestoreHost: string;
  projectId: string;
  key: string;
  /** A document path pattern, e.g. users/{uid}. */
  document: string;
  eventType?: string;
}): Promise<void> {
  const body = {
    eventType: options.eventType ?? 'google.cloud.firestore.document.v1.written',
    database: '(default)',
    namespace: '(default)',
    document: { value: options.document, matchType: options.document.includes('{') ? 'PATH_PATTERN' : 'EXACT' },
  };
  const url = `http://${options.firestoreHost}/emulator/v1/projects/${options.projectId}/eventarcTrigger?eventarcTriggerId=${encodeURIComponent(options.key)}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`registering trigger ${options.key}: HTTP ${res.status} ${await res.text()}`);
}
