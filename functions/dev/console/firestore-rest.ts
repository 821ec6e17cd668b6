// Firestore REST documents (what the emulator's REST API returns to the console, under the rules) as
// plain values. Pure, so it is unit-tested.

export type FirestoreValue = Record<string, unknown>;

export function fromFirestoreValue(value: FirestoreValue | undefined): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('integerValue' in value) return Number(value.integerValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('booleanValue' in value) return value.booleanValue;
  if ('nullValue' in value) return null;
  if ('timestampValue' in value) return value.timestampValue;
  if ('arrayValue' in value) {
    const values = (value.arrayValue as { values?: FirestoreValue[] }).values ?? [];
    return values.map(fromFirestoreValue);
  }
  if ('mapValue' in value) return fromFields((value.mapValue as { fields?: Record<string, FirestoreValue> }).fields);
  return undefined;
}

export function fromFields(fields: Record<string, FirestoreValue> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields ?? {})) out[key] = fromFirestoreValue(value);
  return out;
}

export interface RestDocument {
  name: string;
  fields?: Record<string, FirestoreValue>;
}

/** The document's id (last path segment) and its fields. */
export function fromDocument(doc: RestDocument): { id: string } & Record<string, unknown> {
  return { id: doc.name.slice(doc.name.lastIndexOf('/') + 1), ...fromFields(doc.fields) };
}
