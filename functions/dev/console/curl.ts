// "Copy as curl" for a call the console made: the function's own URL (not the console's forwarding
// path), the headers that matter, the JSON body. Pure, so it is unit-tested.

export interface RecordedRequest {
  method: string;
  /** The function's URL as an app would call it. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Headers worth repeating by hand; the browser adds the rest. */
const KEPT_HEADERS = new Set(['authorization', 'content-type', 'accept', 'x-firebase-appcheck']);

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(request: RecordedRequest): string {
  const parts = ['curl', '-sS'];
  if (request.headers.accept === 'text/event-stream') parts.push('-N');
  if (request.method !== 'GET') parts.push('-X', request.method);
  parts.push(quote(request.url));
  for (const [name, value] of Object.entries(request.headers)) {
    if (KEPT_HEADERS.has(name.toLowerCase())) parts.push('-H', quote(`${name}: ${value}`));
  }
  if (request.body !== undefined) parts.push('-d', quote(request.body));
  return parts.join(' ');
}
