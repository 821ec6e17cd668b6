/**
 * Firestore triggers for the official Firestore emulator when firebase-tools does not run it.
 *
 * firebase-tools registers a function's Firestore trigger with the Firestore emulator only when it
 * started that emulator itself, and firebase-tools 15 refuses the official emulator below Java 21
 * (it needs Java 21), so the Functions emulator logs "function ignored
 * because the firestore emulator does not exist" for an onDocumentWritten function. We start the
 * official emulator with `--functions_emulator=<functions host:port>` and register the trigger the
 * way firebase-tools would (functionsEmulator.js, getV2FirestoreAttributes): then every matching
 * write is delivered as a CloudEvent to the Functions emulator, which runs the real function.
 * wireFirestoreTriggers does that for every Firestore trigger the Functions emulator loaded.
 */
import { FUNCTIONS_REGION } from './firebase-emulators.js';

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
  /** Default: PATH_PATTERN when the document has a {wildcard}, else EXACT. */
  matchType?: 'EXACT' | 'PATH_PATTERN';
  eventType?: string;
  database?: string;
  namespace?: string;
}): Promise<void> {
  const body = {
    eventType: options.eventType ?? 'google.cloud.firestore.document.v1.written',
    database: options.database ?? '(default)',
    namespace: options.namespace ?? '(default)',
    document: {
      value: options.document,
      matchType: options.matchType ?? (options.document.includes('{') ? 'PATH_PATTERN' : 'EXACT'),
    },
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

/** A function definition as the Functions emulator lists it (GET /backends), the fields read here. */
export interface FunctionDefinition {
  name?: string;
  region?: string;
  platform?: string;
  eventTrigger?: {
    eventType?: string;
    eventFilters?: Record<string, string>;
    eventFilterPathPatterns?: Record<string, string>;
  };
}

export interface FirestoreTrigger {
  /** The exported function, e.g. matchProfileSync. */
  name: string;
  region: string;
  eventType: string;
  database: string;
  namespace: string;
  /** The document path or pattern, e.g. users/{uid}. */
  document: string;
  matchType: 'EXACT' | 'PATH_PATTERN';
}

const FIRESTORE_V2_EVENT = /^google\.cloud\.firestore\.document\.v1\./;

/**
 * The 2nd-gen Firestore triggers among the definitions, read the way firebase-tools reads them
 * (getV2FirestoreAttributes): a path pattern wins over an exact document. 1st-gen Firestore triggers
 * use another registration API; this project has none, so they are left out.
 */
export function firestoreTriggersIn(definitions: readonly FunctionDefinition[]): FirestoreTrigger[] {
  const triggers: FirestoreTrigger[] = [];
  for (const def of definitions) {
    const trigger = def.eventTrigger;
    if (def.platform !== 'gcfv2' || !def.name || !trigger?.eventType || !FIRESTORE_V2_EVENT.test(trigger.eventType))
      continue;
    const pattern = trigger.eventFilterPathPatterns?.document;
    const document = pattern ?? trigger.eventFilters?.document;
    if (!document) continue;
    triggers.push({
      name: def.name,
      region: def.region ?? FUNCTIONS_REGION,
      eventType: trigger.eventType,
      database: trigger.eventFilters?.database ?? '(default)',
      namespace: trigger.eventFilters?.namespace ?? '(default)',
      document,
      matchType: pattern ? 'PATH_PATTERN' : 'EXACT',
    });
  }
  return triggers;
}

/**
 * Every function the Functions emulator loaded from the built code. It lists them once it has
 * loaded the source, which can trail its "ready" line: poll until the list is not empty.
 */
export async function functionsEmulatorDefinitions(
  functionsOrigin: string,
  timeoutMs = 15_000,
): Promise<FunctionDefinition[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${functionsOrigin}/backends`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`listing the Functions emulator's functions: HTTP ${res.status}`);
    const body = (await res.json()) as { backends?: { functionTriggers?: FunctionDefinition[] }[] };
    const definitions = (body.backends ?? []).flatMap((backend) => backend.functionTriggers ?? []);
    if (definitions.length > 0 || Date.now() >= deadline) return definitions;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Registers every Firestore trigger the Functions emulator loaded with the official Firestore
 * emulator (which must have been started with --functions_emulator=<that emulator>). Call it once
 * the Functions emulator is ready, before its first reload: the keys carry generation 0.
 */
export async function wireFirestoreTriggers(options: {
  firestoreHost: string;
  projectId: string;
  /** e.g. http://127.0.0.1:5001 */
  functionsOrigin: string;
}): Promise<FirestoreTrigger[]> {
  const triggers = firestoreTriggersIn(await functionsEmulatorDefinitions(options.functionsOrigin));
  for (const trigger of triggers) {
    await registerFirestoreTrigger({
      firestoreHost: options.firestoreHost,
      projectId: options.projectId,
      key: functionsEmulatorTriggerKey(trigger.region, trigger.name),
      document: trigger.document,
      matchType: trigger.matchType,
      eventType: trigger.eventType,
      database: trigger.database,
      namespace: trigger.namespace,
    });
  }
  return triggers;
}
