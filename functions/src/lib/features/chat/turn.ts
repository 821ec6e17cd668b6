// One chat turn, shared by chatMessage (collects the text) and chatStream (relays each chunk):
//   prepareTurn: ids -> [claim the turn | read profile | read history] in parallel -> prompt, cache key
//                (throws 404 conversation_not_found / 409 in_progress before anything is streamed)
//   run:         stored reply (idempotent retry) | cache hit | Gemini -> reply written once -> result
// The reply is persisted however the turn ends: complete, interrupted (client left) or error.
import type { Cache } from '../../platform/cache/types.js';
import type { ChatConfig } from '../../platform/config/index.js';
import { finishReasonBlock } from '../../platform/gemini/finish-reasons.js';
import type { GeminiTokenUsage } from '../../platform/gemini/types.js';
import type { GeminiTransport } from '../../platform/gemini/streaming-client.js';
import { describeError, type Logger } from '../../platform/logging.js';
import { chatCacheKey } from './cache-key.js';
import { buildChatPrompt, profileContext, type ChatPrompt } from './context.js';
import { toChatError } from './errors.js';
import { turnIds, type TurnIds } from './ids.js';
import { ClientAbortedError, streamModelReply } from './model-stream.js';
import { splitForReplay } from './replay.js';
import type { ChatStore, ReplyStatus, StoredReply } from './store.js';
import type { ChatErrorCode, ChatRequest, ChatUsage } from './wire.js';

export interface ChatDeps {
  store: ChatStore;
  cache: Cache;
  gemini: GeminiTransport;
}

export interface TurnInput {
  uid: string;
  request: ChatRequest;
  model: string;
  settings: ChatConfig;
  log: Logger;
}

export interface TurnResult {
  reply: string;
  model: string;
  finishReason: string;
  usage?: ChatUsage;
  cached: boolean;
}

export interface PreparedTurn {
  conversationId: string;
  /** The assistant message's id. */
  messageId: string;
  /**
   * Produces the reply, calling `onText` per chunk (awaited). Resolves with the result once the
   * reply is stored; rejects with toChatError's HttpError (after storing what there was) or ClientAbortedError.
   */
  run(signal: AbortSignal, onText: (text: string) => void | Promise<void>): Promise<TurnResult>;
}

/** Cached entries: a complete reply and what produced it. */
interface CachedReply {
  text: string;
  model: string;
  finishReason: string;
  usage?: ChatUsage;
}

/** Backoff ceilings: 0-0.5 s before the 2nd attempt, 0-1 s before the 3rd, ... at most 4 s. */
const RETRY_BACKOFF = { baseDelayMs: 500, maxDelayMs: 4_000 };

/** Extra time a claim blocks duplicates beyond the model call's own deadline (writes, slow clients). */
const LEASE_MARGIN_MS = 30_000;

export function toChatUsage(usage: GeminiTokenUsage | undefined): ChatUsage | undefined {
  if (!usage) return undefined;
  return {
    promptTokens: usage.promptTokenCount,
    outputTokens: usage.candidatesTokenCount,
    totalTokens: usage.totalTokenCount,
    ...(usage.thoughtsTokenCount !== undefined ? { thoughtsTokens: usage.thoughtsTokenCount } : {}),
  };
}

export async function prepareTurn(deps: ChatDeps, input: TurnInput): Promise<PreparedTurn> {
  const { uid, request, settings } = input;
  const ids = turnIds(uid, request.conversationId, request.clientMessageId);
  // A brand-new random conversation has no history to read.
  const mayHaveHistory = !ids.newConversation || request.clientMessageId !== undefined;
  const [claim, profile, history] = await Promise.all([
    deps.store.claimTurn({
      uid,
      ids,
      message: request.message,
      clientMessageId: request.clientMessageId,
      leaseMs: settings.totalTimeoutMs + LEASE_MARGIN_MS,
    }),
    deps.store.loadProfile(uid),
    mayHaveHistory
      ? deps.store.loadHistory(ids.conversationId, settings.historyLength, [ids.userMessageId, ids.assistantMessageId])
      : Promise.resolve([]),
  ]);
  const base = { conversationId: ids.conversationId, messageId: ids.assistantMessageId };

  if (claim.kind === 'replay') {
    const stored = claim.reply;
    return {
      ...base,
      run: async (_signal, onText) => {
        await replayText(stored.text, onText);
        return {
          reply: stored.text,
          model: stored.model,
          finishReason: stored.finishReason ?? 'STOP',
          usage: stored.usage,
          cached: stored.cached,
        };
      },
    };
  }

  const prompt = buildChatPrompt({
    model: input.model,
    settings,
    profile: profileContext(profile),
    history,
    message: request.message,
  });
  const turn = new TurnRunner(deps, input, ids, claim.attemptId, prompt);
  return { ...base, run: (signal, onText) => turn.run(signal, onText) };
}

async function replayText(text: string, onText: (text: string) => void | Promise<void>): Promise<void> {
  for (const piece of splitForReplay(text)) await onText(piece);
}

class TurnRunner {
  private readonly cacheKey: string;
  /** The reply was written (it is written once, whatever happens after). */
  private saved = false;

  constructor(
    private readonly deps: ChatDeps,
    private readonly input: TurnInput,
    private readonly ids: TurnIds,
    private readonly attemptId: string,
    private readonly prompt: ChatPrompt,
  ) {
    this.cacheKey = chatCacheKey(input.uid, prompt);
  }

  async run(signal: AbortSignal, onText: (text: string) => void | Promise<void>): Promise<TurnResult> {
    const hit = await this.cacheGet();
    if (hit) {
      await replayText(hit.text, onText);
      const result: TurnResult = {
        reply: hit.text,
        model: hit.model,
        finishReason: hit.finishReason,
        usage: hit.usage,
        cached: true,
      };
      await this.save({ ...hit, status: 'complete', cached: true });
      return result;
    }

    const parts: string[] = [];
    const { settings, log } = this.input;
    try {
      const end = await streamModelReply({
        client: this.deps.gemini,
        prompt: this.prompt,
        signal,
        timeouts: {
          firstChunkMs: settings.firstChunkTimeoutMs,
          idleMs: settings.idleTimeoutMs,
          totalMs: settings.totalTimeoutMs,
        },
        retry: { ...RETRY_BACKOFF, maxAttempts: settings.retryMaxAttempts, budgetMs: settings.retryBudgetMs },
        onText: (text) => {
          parts.push(text);
          return onText(text);
        },
        onRetry: ({ attempt, delayMs, error }) =>
          log.warn('gemini attempt failed, retrying', {
            attempt,
            delayMs,
            error: describeError(error, { stack: false }),
          }),
      });
      const text = parts.join('');
      const model = end.modelVersion ?? this.prompt.model;
      const finishReason = end.finishReason ?? 'FINISH_REASON_UNSPECIFIED';
      const usage = toChatUsage(end.usage);
      const blocked = finishReasonBlock(finishReason);
      if (blocked) {
        await this.save({ text, status: 'error', model, finishReason, usage, cached: false, errorCode: 'blocked' });
        throw blocked; // 422 blocked, through toChatError below
      }
      const reply: CachedReply = { text, model, finishReason, usage };
      // Only a reply that ended normally is worth replaying to the same question.
      await Promise.all([
        this.save({ ...reply, status: 'complete', cached: false }),
        finishReason === 'STOP' ? this.cacheSet(reply) : undefined,
      ]);
      return { reply: text, model, finishReason, usage, cached: false };
    } catch (error) {
      if (error instanceof ClientAbortedError) {
        await this.saveFailure(parts, 'interrupted', undefined);
        throw error;
      }
      const chatError = toChatError(error);
      if (!this.saved) await this.saveFailure(parts, 'error', chatError.code);
      throw chatError;
    }
  }

  private async saveFailure(parts: string[], status: ReplyStatus, errorCode: ChatErrorCode | undefined): Promise<void> {
    await this.save({ text: parts.join(''), status, model: this.prompt.model, cached: false, errorCode });
  }

  /** Storing never turns a delivered reply into a failure: it is logged (with the ids) instead. */
  private async save(reply: StoredReply): Promise<void> {
    this.saved = true;
    try {
      await this.deps.store.saveReply({
        uid: this.input.uid,
        ids: this.ids,
        attemptId: this.attemptId,
        clientMessageId: this.input.request.clientMessageId,
        reply,
      });
    } catch (error) {
      this.input.log.error('chat reply not stored', {
        conversationId: this.ids.conversationId,
        messageId: this.ids.assistantMessageId,
        status: reply.status,
        error: describeError(error),
      });
    }
  }

  private async cacheGet(): Promise<CachedReply | undefined> {
    try {
      const value = await this.deps.cache.get<CachedReply>(this.cacheKey);
      return value && typeof value.text === 'string' && typeof value.finishReason === 'string' ? value : undefined;
    } catch (error) {
      this.input.log.warn('chat cache read failed', { error: describeError(error, { stack: false }) });
      return undefined;
    }
  }

  private async cacheSet(reply: CachedReply): Promise<void> {
    try {
      await this.deps.cache.set(this.cacheKey, reply, this.input.settings.cacheTtlSeconds);
    } catch (error) {
      this.input.log.warn('chat cache write failed', { error: describeError(error, { stack: false }) });
    }
  }
}
