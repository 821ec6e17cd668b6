// The unscripted reply when the request declares the app's tools: deterministic, and always marked as
// offline output. A question about events or people gets a find_events or suggest_people call (with a
// thought signature, as Gemini 3 sends one); a request that carries the tools' answers gets a plain
// summary of exactly what came back. No AI is involved: keywords pick the tool, a template writes the text.
import { createHash } from 'node:crypto';
import { OFFLINE_MARK, splitIntoChunks } from './default-reply.js';
import type { ContentItem, ReplyPlan } from './reply-plan.js';
import { lastUserText, type RequestBody } from './request-body.js';

const EVENTS = /\b(events?|happening|meetups?|concerts?|gigs?|festivals?|weekend|tonight|parties|party)\b/i;
const PEOPLE = /\b(people|person|someone|somebody|meet|friends?|connect|partners?|who)\b/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function declaredTools(body: RequestBody): Set<string> {
  const names = new Set<string>();
  for (const tool of Array.isArray(body.tools) ? body.tools : []) {
    const declarations = isRecord(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : [];
    for (const declaration of declarations) {
      if (isRecord(declaration) && typeof declaration.name === 'string') names.add(declaration.name);
    }
  }
  return names;
}

function callingMode(body: RequestBody): string {
  const config = isRecord(body.toolConfig) ? body.toolConfig.functionCallingConfig : undefined;
  return isRecord(config) && typeof config.mode === 'string' ? config.mode.toUpperCase() : 'AUTO';
}

function functionResponses(body: RequestBody): Array<{ name: string; response: Record<string, unknown> }> {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  const last: unknown = contents[contents.length - 1];
  const parts = isRecord(last) && Array.isArray(last.parts) ? last.parts : [];
  return parts.flatMap((part: unknown) => {
    const call = isRecord(part) ? part.functionResponse : undefined;
    if (!isRecord(call) || typeof call.name !== 'string') return [];
    return [{ name: call.name, response: isRecord(call.response) ? call.response : {} }];
  });
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function when(iso: unknown): string {
  const date = typeof iso === 'string' ? new Date(iso) : undefined;
  if (!date || Number.isNaN(date.getTime())) return 'a date to be announced';
  return date.toLocaleString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  });
}

function cityOf(place: unknown): string {
  return isRecord(place) && typeof place.city === 'string' ? ` in ${place.city}` : '';
}

/** What a tool answered, in one sentence: the events or people it returned, or its error. */
export function summarise(name: string, response: Record<string, unknown>): string {
  if (isRecord(response.error))
    return `The ${name} lookup did not work (${String(response.error.message ?? 'error')}).`;
  const result = isRecord(response.result) ? response.result : {};
  if (name === 'find_events') {
    const events = list(result.events);
    if (events.length === 0) return 'I found no upcoming events that match.';
    const items = events.map(
      (event) => `"${String(event.title ?? 'Untitled')}" on ${when(event.startsAt)}${cityOf(event.place)}`,
    );
    return `I found ${events.length} event${events.length === 1 ? '' : 's'} for you: ${items.join('; ')}.`;
  }
  if (name === 'suggest_people') {
    const people = list(result.people);
    if (people.length === 0) return 'I found nobody to suggest right now.';
    const items = people.map((person) => {
      const interests: unknown[] = Array.isArray(person.matchedInterests) ? person.matchedInterests : [];
      const shared = interests.filter((item): item is string => typeof item === 'string');
      return `${String(person.displayName ?? 'Someone')}${shared.length > 0 ? ` (you share ${shared.join(', ')})` : ''}`;
    });
    return `You could meet ${people.length} ${people.length === 1 ? 'person' : 'people'}: ${items.join('; ')}.`;
  }
  if (isRecord(result.event)) {
    const event = result.event;
    return `"${String(event.title ?? 'Untitled')}" is on ${when(event.startsAt)}${cityOf(event.place)}.`;
  }
  return `The ${name} tool answered.`;
}

function signatureFor(text: string): string {
  return Buffer.from(`offline-thought-signature:${createHash('sha1').update(text).digest('hex')}`).toString('base64');
}

/** The offline summary of the tools' answers (both protocols' default reply to tool results). */
export function toolResultsText(responses: ReadonlyArray<{ name: string; response: Record<string, unknown> }>): string {
  return `${OFFLINE_MARK} ${responses.map(({ name, response }) => summarise(name, response)).join(' ')} No AI model was involved.`;
}

/** The tool a question calls for, by keywords (no AI): find_events or suggest_people, if declared. */
export function pickTool(tools: ReadonlySet<string>, prompt: string): string | undefined {
  if (tools.has('find_events') && EVENTS.test(prompt)) return 'find_events';
  if (tools.has('suggest_people') && PEOPLE.test(prompt)) return 'suggest_people';
  return undefined;
}

/** The arguments of the default call: the same for either protocol. */
export const DEFAULT_TOOL_ARGS = { limit: 3 };

export function toolReply(body: RequestBody): ReplyPlan | undefined {
  const tools = declaredTools(body);
  if (tools.size === 0) return undefined;
  const responses = functionResponses(body);
  if (responses.length > 0) {
    const items: ContentItem[] = [
      { type: 'text', chunks: splitIntoChunks(toolResultsText(responses), 4), thought: false },
    ];
    return { kind: 'content', items, finishReason: 'STOP', finishInSeparateEvent: false };
  }
  if (callingMode(body) === 'NONE') return undefined;
  const prompt = lastUserText(body);
  const name = pickTool(tools, prompt);
  if (!name) return undefined;
  const args = DEFAULT_TOOL_ARGS;
  const items: ContentItem[] = [
    {
      type: 'functionCall',
      name,
      args,
      thoughtSignature: signatureFor(`${name}|${prompt}`),
      sameChunk: false,
      repeatInLaterChunk: false,
    },
  ];
  return { kind: 'content', items, finishReason: 'STOP', finishInSeparateEvent: false };
}
