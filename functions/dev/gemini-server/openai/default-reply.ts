// The unscripted Chat Completions reply: deterministic, derived from the request, always marked as
// offline output, and the same as the Gemini side's (default-reply.ts, tool-reply.ts): a question about
// events or people gets a find_events or suggest_people call when the tools are declared and
// tool_choice is not "none"; tool results get a plain summary of what came back; a response_format
// json_schema gets schema-conforming JSON; `max_tokens` truncates with finish_reason "length".
import { digest, OFFLINE_MARK, offlineReplyText, splitIntoChunks } from '../default-reply.js';
import type { ContentItem, ContentPlan } from '../reply-plan.js';
import { sampleFromSchema } from '../schema-sample.js';
import { explanationAnswer } from '../explanation-reply.js';
import { instructionTime } from '../instruction-time.js';
import { pickTool, toolCallArgs, toolResultsText } from '../tool-reply.js';
import {
  contentText,
  declaredTools,
  lastUserText,
  messagesOf,
  trailingToolResults,
  userTurnCount,
  type ChatBody,
} from './request.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(chunks: string[]): ContentItem {
  return { type: 'text', chunks, thought: false };
}

function structuredText(body: ChatBody): string | undefined {
  const format = isRecord(body.response_format) ? body.response_format : undefined;
  if (format?.type === 'json_object')
    return JSON.stringify({ reply: offlineReplyText(lastUserText(body), userTurnCount(body)) });
  if (format?.type !== 'json_schema') return undefined;
  const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
  const prompt = lastUserText(body);
  return explanationAnswer(prompt, schema) ?? JSON.stringify(sampleFromSchema(schema ?? {}, digest(prompt)));
}

/** The system messages' text: where chat states the current local time. */
function systemText(body: ChatBody): string {
  return messagesOf(body)
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => contentText(message.content))
    .join('\n');
}

export function defaultChatReply(body: ChatBody): ContentPlan {
  const tools = declaredTools(body);
  const plan = (items: ContentItem[], finishReason = 'STOP'): ContentPlan => ({
    kind: 'content',
    items,
    finishReason,
    finishInSeparateEvent: false,
  });
  const results = trailingToolResults(body);
  const prompt = lastUserText(body);
  const now = instructionTime(systemText(body));
  if (tools.size > 0 && results.length > 0)
    return plan([text(splitIntoChunks(toolResultsText(results, now, prompt), 4))]);
  const tool = tools.size > 0 && body.tool_choice !== 'none' ? pickTool(tools, prompt) : undefined;
  if (tool) {
    const args = toolCallArgs(tool, prompt, now);
    return plan([{ type: 'functionCall', name: tool, args, sameChunk: false, repeatInLaterChunk: false }]);
  }
  const structured = structuredText(body);
  if (structured !== undefined) {
    const size = Math.max(1, Math.ceil(structured.length / 3));
    return plan([
      text([structured.slice(0, size), structured.slice(size, 2 * size), structured.slice(2 * size)].filter(Boolean)),
    ]);
  }
  let reply = offlineReplyText(prompt, userTurnCount(body));
  let finishReason = 'STOP';
  const limit = typeof body.max_tokens === 'number' ? body.max_tokens : undefined;
  if (limit !== undefined && Math.ceil(reply.length / 4) > limit) {
    reply = reply.slice(0, Math.max(OFFLINE_MARK.length, limit * 4));
    finishReason = 'MAX_TOKENS';
  }
  return plan([text(splitIntoChunks(reply, 4))], finishReason);
}
