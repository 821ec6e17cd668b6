// Client for the /__control/ endpoints, so a benchmark or the dev stack drives a server running in
// another process the same way tests drive the in-process one.
import type { RequestFilter, RequestRecord, RequestStage, Scenario } from './types.js';

function query(filter: RequestFilter & { stage?: RequestStage; timeoutMs?: number }): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class GeminiServerControl {
  private readonly base: string;

  /** `serverUrl` is the server's base URL, e.g. http://127.0.0.1:8123 */
  constructor(serverUrl: string) {
    this.base = `${serverUrl.replace(/\/+$/, '')}/__control`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}/${path}`, {
      method,
      // No keep-alive: control calls are rare, and a pooled socket the server closed while idle
      // would fail the next POST ("other side closed"), which fetch does not retry.
      headers: { connection: 'close', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T & { error?: string };
    if (!response.ok)
      throw new Error(`gemini-server control ${method} ${path}: ${response.status} ${json.error ?? ''}`);
    return json;
  }

  async queue(...scenarios: Scenario[]): Promise<void> {
    await this.call('POST', 'scenarios', scenarios);
  }

  pendingScenarios(): Promise<Array<Scenario & { remaining: number }>> {
    return this.call('GET', 'scenarios');
  }

  requests(filter: RequestFilter = {}): Promise<RequestRecord[]> {
    return this.call('GET', `requests${query(filter)}`);
  }

  /** The first request matching `filter` that reached `stage` (default 'settled'). */
  waitForRequest(
    filter: RequestFilter,
    opts: { stage?: RequestStage; timeoutMs?: number } = {},
  ): Promise<RequestRecord> {
    return this.call('GET', `requests/wait${query({ ...filter, ...opts })}`);
  }

  async waitForAbort(id: number, timeoutMs?: number): Promise<RequestRecord> {
    const record = await this.waitForRequest({ id }, { timeoutMs });
    if (!record.aborted) throw new Error(`request ${id} ended as "${record.outcome}", not aborted`);
    return record;
  }

  async reset(): Promise<void> {
    await this.call('POST', 'reset');
  }

  async health(): Promise<boolean> {
    const result = await this.call<{ ok: boolean }>('GET', 'health');
    return result.ok;
  }
}
