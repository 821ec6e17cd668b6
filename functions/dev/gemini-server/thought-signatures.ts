// Gemini 3's rule for tool calls, enforced the way the real API does: a function call the server sent
// with a thoughtSignature must come back with that signature when the client sends the conversation
// again within the same turn (the contents after the user's last message). Otherwise the request is
// refused with 400 INVALID_ARGUMENT. Calls sent without a signature (a Gemini 2.5-style scenario) are
// not checked.
import type { ContentPlan } from './reply-plan.js';
import type { RequestBody } from './request-body.js';

/** Issued calls remembered; the oldest are forgotten first (a test run issues far fewer). */
const MAX_REMEMBERED = 10_000;

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function callKey(call: { name?: unknown; args?: unknown; id?: unknown }): string {
  return `${String(call.name)}|${typeof call.id === 'string' ? call.id : ''}|${stableJson(call.args ?? {})}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function partsOf(content: unknown): Record<string, unknown>[] {
  return isRecord(content) && Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
}

export class ThoughtSignatures {
  private readonly issued = new Map<string, string>();

  /** Remembers the signed calls of a reply about to be sent. */
  record(plan: ContentPlan): void {
    for (const item of plan.items) {
      if (item.type !== 'functionCall' || !item.thoughtSignature) continue;
      this.issued.set(callKey(item), item.thoughtSignature);
      if (this.issued.size > MAX_REMEMBERED) this.issued.delete(this.issued.keys().next().value as string);
    }
  }

  /** The real API's message when a signed call of the current turn comes back without its signature. */
  check(body: RequestBody): string | undefined {
    const contents = Array.isArray(body.contents) ? body.contents : [];
    // The current turn starts after the last user content that is not a functionResponse turn.
    let start = 0;
    contents.forEach((content, index) => {
      const role = isRecord(content) ? content.role : undefined;
      const responses = partsOf(content).some((part) => isRecord(part.functionResponse));
      if ((role === undefined || role === 'user') && !responses) start = index + 1;
    });
    for (let index = start; index < contents.length; index++) {
      const content = contents[index];
      if (!isRecord(content) || content.role !== 'model') continue;
      let position = 0;
      for (const part of partsOf(content)) {
        position++;
        if (!isRecord(part.functionCall)) continue;
        const expected = this.issued.get(callKey(part.functionCall));
        if (expected !== undefined && part.thoughtSignature !== expected) {
          return (
            'Function call is missing a thought_signature in functionCall parts. This is required for tools to ' +
            `work correctly. Additional data, function call \`default_api:${String(part.functionCall.name)}\` , ` +
            `position ${position}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`
          );
        }
      }
    }
    return undefined;
  }

  clear(): void {
    this.issued.clear();
  }
}
