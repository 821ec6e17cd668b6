// The offline model's answer to a match-explanation request: for each item it was sent (the facts
// of one match: shared tags, the crowd's shared interests, purposes, the distance band or place), one
// deterministic sentence made from those facts alone, marked [offline model]. Not AI: a template
// over the request's own data, so a newcomer sees what the feature does without a model.
// The request is recognised by its shape: a JSON object {"items": [{key, kind, ...}]} in the prompt,
// and a response schema whose required properties are exactly those keys.
import { OFFLINE_MARK } from './default-reply.js';

interface Item {
  key: string;
  kind?: unknown;
  title?: unknown;
  sharedInterests?: unknown;
  crowdInterests?: unknown;
  sharedPurposes?: unknown;
  place?: unknown;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** One sentence from one item's facts. */
export function explainItem(item: Item): string {
  const interests = strings(item.sharedInterests);
  const crowd = strings(item.crowdInterests);
  const purposes = strings(item.sharedPurposes);
  const place = typeof item.place === 'string' ? item.place : undefined;
  const parts: string[] = [];
  if (item.kind === 'event') {
    const title = typeof item.title === 'string' ? `"${item.title}"` : 'This event';
    parts.push(
      interests.length > 0 ? `${title} is about ${list(interests)}, which you like` : `${title} could suit you`,
    );
    if (crowd.length > 0) parts.push(`several people going are into ${list(crowd)} too`);
    if (place !== undefined) parts.push(`it is ${place}`);
  } else {
    parts.push(interests.length > 0 ? `You share ${list(interests)}` : 'You have things in common');
    if (purposes.length > 0) parts.push(`you are both here for ${list(purposes)}`);
    if (place !== undefined) parts.push(`you are ${place}`);
  }
  return `${OFFLINE_MARK} ${parts.join('; ')}.`;
}

function promptItems(text: string): Item[] | undefined {
  const start = text.indexOf('{"items":');
  if (start === -1) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start)) as { items?: unknown };
    if (!Array.isArray(parsed.items)) return undefined;
    const items = parsed.items.filter(
      (item): item is Item => typeof item === 'object' && item !== null && typeof (item as Item).key === 'string',
    );
    return items.length === parsed.items.length ? items : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The JSON answer to an explanation request (its prompt text and response schema, in either
 * protocol), or undefined when it is not one.
 */
export function explanationAnswer(prompt: string, schema: unknown): string | undefined {
  const items = promptItems(prompt);
  const required =
    typeof schema === 'object' && schema !== null ? (schema as { required?: unknown }).required : undefined;
  if (!items || !Array.isArray(required)) return undefined;
  const keys = items.map((item) => item.key);
  if (required.length !== keys.length || !required.every((key) => keys.includes(key as string))) return undefined;
  return JSON.stringify(Object.fromEntries(items.map((item) => [item.key, explainItem(item)])));
}
