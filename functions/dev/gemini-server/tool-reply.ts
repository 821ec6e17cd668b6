// The unscripted reply when the request declares the app's tools: deterministic, and always marked as
// offline output. A question about events or people gets a find_events or suggest_people call (with a
// thought signature, as Gemini 3 sends one); a request that carries the tools' answers gets a plain
// summary of exactly what came back. No AI is involved: keywords pick the tool, a template writes the text.
// Like a model that can read the date, it reads "now" and the user's zone from the instruction
// (instruction-time.ts): a time phrase in the question ("this weekend", "tonight", "next Friday") fills
// find_events' from/until with local dates, and times are written on the user's clock. Both protocols
// (this file for Gemini, openai/default-reply.ts for Chat Completions) use the same pieces.
import { createHash } from 'node:crypto';
import { localTimeText, resolveTimePhrase, UTC_ZONE } from '../../src/lib/platform/time/index.js';
import { OFFLINE_MARK, splitIntoChunks } from './default-reply.js';
import { instructionTime, type InstructionTime } from './instruction-time.js';
import type { ContentItem, ReplyPlan } from './reply-plan.js';
import { lastUserQuestion, lastUserText, systemInstructionText, type RequestBody } from './request-body.js';

const EVENTS = /\b(events?|happening|meetups?|concerts?|gigs?|festivals?|weekend|tonight|parties|party)\b/i;
/** A question that names a day or period is about events unless it asks about people. */
const WHEN = /\b(today|tonight|tomorrow|this week|next week|(mon|tues|wednes|thurs|fri|satur|sun)days?)\b/i;
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

/** The result's own local start when it has one, else its startsAt on the user's clock. */
function when(item: Record<string, unknown>, timeZone: string): string {
  if (typeof item.localStart === 'string' && item.localStart !== '') return item.localStart;
  const ms = typeof item.startsAt === 'string' ? Date.parse(item.startsAt) : NaN;
  return Number.isNaN(ms) ? 'a date to be announced' : localTimeText(ms, timeZone);
}

function cityOf(place: unknown): string {
  return isRecord(place) && typeof place.city === 'string' ? ` in ${place.city}` : '';
}

/**
 * What a tool answered, in one sentence: the events or people it returned, or its error. Times are on
 * the clock of `timeZone`; `phrase` names the period asked about ("this weekend").
 */
export function summarise(
  name: string,
  response: Record<string, unknown>,
  timeZone: string = UTC_ZONE,
  phrase?: string,
): string {
  if (isRecord(response.error))
    return `The ${name} lookup did not work (${String(response.error.message ?? 'error')}).`;
  const result = isRecord(response.result) ? response.result : {};
  if (name === 'find_events') {
    const events = list(result.events);
    const period = phrase === undefined ? '' : ` ${phrase}`;
    if (events.length === 0) return `I found no upcoming events${period} that match.`;
    const items = events.map(
      (event) => `"${String(event.title ?? 'Untitled')}" on ${when(event, timeZone)}${cityOf(event.place)}`,
    );
    return `I found ${events.length} event${events.length === 1 ? '' : 's'} for you${period}: ${items.join('; ')}.`;
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
    return `"${String(event.title ?? 'Untitled')}" is on ${when(event, timeZone)}${cityOf(event.place)}.`;
  }
  return `The ${name} tool answered.`;
}

function signatureFor(text: string): string {
  return Buffer.from(`offline-thought-signature:${createHash('sha1').update(text).digest('hex')}`).toString('base64');
}

/**
 * The offline summary of the tools' answers (both protocols' default reply to tool results): times on
 * the clock the instruction named, the question's period, and a word when that clock is UTC by default.
 */
export function toolResultsText(
  responses: ReadonlyArray<{ name: string; response: Record<string, unknown> }>,
  now?: InstructionTime,
  question = '',
): string {
  const zone = now?.timeZone ?? UTC_ZONE;
  const phrase = now === undefined ? undefined : resolveTimePhrase(question, now.date)?.phrase;
  const summaries = responses.map(({ name, response }) => summarise(name, response, zone, phrase));
  if (now?.utcFallback) summaries.push('Times are in UTC: your time zone is not known.');
  return `${OFFLINE_MARK} ${summaries.join(' ')} No AI model was involved.`;
}

/** The tool a question calls for, by keywords (no AI): find_events or suggest_people, if declared. */
export function pickTool(tools: ReadonlySet<string>, prompt: string): string | undefined {
  const aboutEvents = EVENTS.test(prompt) || (WHEN.test(prompt) && !PEOPLE.test(prompt));
  if (tools.has('find_events') && aboutEvents) return 'find_events';
  if (tools.has('suggest_people') && PEOPLE.test(prompt)) return 'suggest_people';
  return undefined;
}

/** The arguments of the default call: the same for either protocol. */
export const DEFAULT_TOOL_ARGS = { limit: 3 };

/**
 * The default call's arguments: find_events for a question naming a period gets that period's local
 * dates (read on the instruction's date), as a model that can read the date would pass them.
 */
export function toolCallArgs(
  name: string,
  question: string,
  now: InstructionTime | undefined,
): Record<string, unknown> {
  const window = name === 'find_events' && now !== undefined ? resolveTimePhrase(question, now.date) : undefined;
  return window ? { from: window.from, until: window.until, ...DEFAULT_TOOL_ARGS } : { ...DEFAULT_TOOL_ARGS };
}

export function toolReply(body: RequestBody): ReplyPlan | undefined {
  const tools = declaredTools(body);
  if (tools.size === 0) return undefined;
  const responses = functionResponses(body);
  const now = instructionTime(systemInstructionText(body) ?? '');
  if (responses.length > 0) {
    const text = toolResultsText(responses, now, lastUserQuestion(body));
    const items: ContentItem[] = [{ type: 'text', chunks: splitIntoChunks(text, 4), thought: false }];
    return { kind: 'content', items, finishReason: 'STOP', finishInSeparateEvent: false };
  }
  if (callingMode(body) === 'NONE') return undefined;
  const prompt = lastUserText(body);
  const name = pickTool(tools, prompt);
  if (!name) return undefined;
  const args = toolCallArgs(name, prompt, now);
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
