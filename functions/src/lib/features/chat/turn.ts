// One chat turn, shared by chatMessage (collects the text) and chatStream (relays each chunk):
//   prepareTurn: ids -> [claim the turn | read profile | read history] in parallel -> prompt, cache key
//                (throws 404 conversation_not_found / 409 in_progress before anything is streamed)
//   run:         stored reply (idempotent retry) | cache hit | the model -> reply written once -> result
// The reply is persisted however the turn ends: complete, interrupted (client left) or error; a reply
// that could not be stored ends the turn with 503 unavailable, never a result (reply-saver.ts).
import type { Cache } from '../../platform/cache/types.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { CHAT_TUNING, type ChatTuning } from './tuning.js';
import type { ChatConfig } from '../../platform/config/index.js';
import { describeError } from '../../platform/logging.js';
import { callPricer, type CallPricer } from '../../platform/pricing/pricer.js';
import type { RequestScope } from '../../platform/request-scope.js';
import type { ChatModel, ChatPrompt } from './backends/chat-model.js';
import { chatCacheKey } from './cache-key.js';
import { profileContext, type HistoryMessage } from './prompt.js';
import { toChatError } from './errors.js';
import { turnIds, type TurnIds } from './ids.js';
import { ClientAbortedError } from './model-stream.js';
import { replyNotStored, storeReply, type SaveOutcome } from './reply-saver.js';
import { splitForReplay } from './replay.js';
import type { ChatStore, StoredReply } from './store.js';
import { sentStamp, sentToTheHour, turnTime, type SentStamp, type TurnTime } from './time-context.js';
import { newToolLoopProgress, runToolLoop, type ToolLoopProgress } from './tool-loop.js';
import type { AnyChatTool } from './tools.js';
import type { ChatMessageResponse, ChatRequest, ChatTimeZoneSource, ChatToolCall, ChatUsage } from './api-types.js';

export interface ChatDeps {
  store: ChatStore;
  cache: Cache;
  /** Gemini or an OpenAI-compatible server (TEXT_BACKEND): the turn does not know which. */
  model: ChatModel;
  /** The model it is asked for (the text backend's: GEMINI_TEXT_MODEL or OPENAI_MODEL). */
  modelName: string;
  /** The assistant's tools (src/lib/assistant-tools); none: plain replies. */
  tools?: readonly AnyChatTool[];
  /** "Now" for the turn's local date and time; default the system clock. */
  clock?: Clock;
  /** Replaces parts of CHAT_TUNING (tests: shorter timeouts, fewer attempts). */
  tuning?: Partial<ChatTuning>;
}

/** What a turn reports as it goes (chatStream relays each; chatMessage needs none). */
export interface TurnEvents {
  /** Each answer chunk; awaited (backpressure). */
  onText(text: string): void | Promise<void>;
  onToolCall?(call: Pick<ChatToolCall, 'id' | 'name' | 'args'>): void | Promise<void>;
  onToolResult?(call: ChatToolCall): void | Promise<void>;
}

/** Tool calls run per model response; more in one response are answered with an error. */
const MAX_CALLS_PER_STEP = 5;

/** What a turn produced: chatMessage's answer but for the turn's ids and zone (PreparedTurn has those). */
export type TurnResult = Pick<
  ChatMessageResponse,
  'reply' | 'model' | 'finishReason' | 'usage' | 'cached' | 'toolCalls'
>;

export interface PreparedTurn {
  conversationId: string;
  /** The assistant message's id. */
  messageId: string;
  /** The zone the turn's dates and times are in, and where it came from (UTC by default). */
  timeZone: string;
  timeZoneSource: ChatTimeZoneSource;
  /**
   * Produces the reply, reporting text chunks and tool calls as they happen (awaited). Resolves with
   * the result once the reply is stored; rejects with toChatError's HttpError (after storing what there
   * was) or ClientAbortedError.
   */
  run(signal: AbortSignal, events: TurnEvents): Promise<TurnResult>;
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

/** A whole turn, every model and tool call: under chatMessage's 60 s function timeout, with room to store the reply. */
const TURN_TIMEOUT_MS = 55_000;

/** A cached reply serves a repeated question for an hour: the app data it may cite changes within a day. */
const REPLY_CACHE_TTL_SECONDS = 3600;

/** What a turn runs with besides its request: the scope's parts it reads, settled once. */
interface TurnInput {
  scope: RequestScope;
  request: ChatRequest;
  settings: ChatConfig;
  /** Prices the turn's model calls (usage.costUsd, the cost budget). */
  pricer: CallPricer;
}

/**
 * Prepares the caller's turn (`scope`: who asks, the log, the budgets charged after every model call,
 * the chat settings and prices); nothing is streamed yet.
 */
export async function prepareTurn(deps: ChatDeps, scope: RequestScope, request: ChatRequest): Promise<PreparedTurn> {
  const { uid } = scope;
  const settings = scope.config.chat;
  const input: TurnInput = { scope, request, settings, pricer: callPricer(scope.config.pricing.table) };
  const ids = turnIds(uid, request.conversationId, request.clientMessageId);
  // A brand-new random conversation has no history to read.
  const mayHaveHistory = !ids.newConversation || request.clientMessageId !== undefined;
  const [claim, profile, history] = await Promise.all([
    deps.store.claimTurn({
      uid,
      ids,
      message: request.message,
      clientMessageId: request.clientMessageId,
      leaseMs: TURN_TIMEOUT_MS + LEASE_MARGIN_MS,
    }),
    deps.store.loadProfile(uid),
    mayHaveHistory
      ? deps.store.loadHistory(ids.conversationId, settings.historyLength, [ids.userMessageId, ids.assistantMessageId])
      : Promise.resolve([]),
  ]);
  const time = turnTime((deps.clock ?? systemClock)(), request.timeZone, profile?.timeZone);
  const base = {
    conversationId: ids.conversationId,
    messageId: ids.assistantMessageId,
    timeZone: time.moment.timeZone,
    timeZoneSource: time.source,
  };

  if (claim.kind === 'replay') {
    const stored = claim.reply;
    return {
      ...base,
      run: async (_signal, events) => {
        const toolCalls = stored.toolCalls ?? [];
        for (const call of toolCalls) {
          await events.onToolCall?.({ id: call.id, name: call.name, args: call.args });
          await events.onToolResult?.(call);
        }
        await replayText(stored.text, events.onText);
        return {
          reply: stored.text,
          model: stored.model,
          finishReason: stored.finishReason ?? 'STOP',
          usage: stored.usage,
          cached: stored.cached,
          toolCalls,
        };
      },
    };
  }

  const tools = settings.toolsEnabled ? (deps.tools ?? []) : [];
  const promptAt = (at: TurnTime, replayed: HistoryMessage[]) =>
    deps.model.prompt({
      model: deps.modelName,
      settings,
      profile: profileContext(profile),
      history: replayed,
      message: request.message,
      toolNames: tools.map((tool) => tool.name),
      time: at,
    });
  // The cache key holds local dates and hours, not minutes, for this turn and for the replayed
  // messages' stamps alike: a cached reply may be replayed within the hour it was written, never on
  // another day or in another zone, and the same history is the same whatever minute it was sent in.
  const hourly = promptAt(
    { ...time, moment: { ...time.moment, minute: 0 } },
    history.map((message) => (message.sent ? { ...message, sent: sentToTheHour(message.sent) } : message)),
  );
  const cacheKey = chatCacheKey(uid, ids.conversationId, hourly);
  const plan = { prompt: promptAt(time, history), cacheKey, time };
  const turn = new TurnRunner(deps, input, ids, claim.attemptId, plan, tools);
  return { ...base, run: (signal, events) => turn.run(signal, events) };
}

/** What a turn runs with: the prompt, the reply cache's key for it, and its moment. */
interface TurnPlan {
  prompt: ChatPrompt;
  cacheKey: string;
  time: TurnTime;
}

async function replayText(text: string, onText: (text: string) => void | Promise<void>): Promise<void> {
  for (const piece of splitForReplay(text)) await onText(piece);
}

class TurnRunner {
  private readonly cacheKey: string;
  private readonly prompt: ChatPrompt;
  private readonly sent: SentStamp;
  private readonly timeZone: string;
  private readonly tools: ReadonlyMap<string, AnyChatTool>;
  /** The reply was written (it is written once, whatever happens after). */
  private saved = false;

  constructor(
    private readonly deps: ChatDeps,
    private readonly input: TurnInput,
    private readonly ids: TurnIds,
    private readonly attemptId: string,
    plan: TurnPlan,
    tools: readonly AnyChatTool[],
  ) {
    this.cacheKey = plan.cacheKey;
    this.prompt = plan.prompt;
    this.sent = sentStamp(plan.time);
    this.timeZone = plan.time.moment.timeZone;
    this.tools = new Map(tools.map((tool) => [tool.name, tool]));
  }

  async run(signal: AbortSignal, events: TurnEvents): Promise<TurnResult> {
    const hit = await this.cacheGet();
    if (hit) {
      await replayText(hit.text, events.onText);
      const result: TurnResult = {
        reply: hit.text,
        model: hit.model,
        finishReason: hit.finishReason,
        usage: hit.usage,
        cached: true,
        toolCalls: [],
      };
      if ((await this.save({ ...hit, status: 'complete', cached: true })) === 'unstored') throw replyNotStored();
      return result;
    }

    const progress = newToolLoopProgress();
    const { log, uid, budget } = this.input.scope;
    const tuning = { ...CHAT_TUNING, ...this.deps.tuning };
    try {
      const end = await runToolLoop(
        {
          model: this.deps.model,
          prompt: this.prompt,
          tools: this.tools,
          uid,
          timeZone: this.timeZone,
          signal,
          log,
          timeouts: {
            firstChunkMs: tuning.firstChunkTimeoutMs,
            idleMs: tuning.idleTimeoutMs,
            totalMs: tuning.totalTimeoutMs,
          },
          retry: { ...RETRY_BACKOFF, maxAttempts: tuning.retryMaxAttempts, budgetMs: tuning.retryBudgetMs },
          limits: {
            maxModelCalls: tuning.maxModelCalls,
            maxCallsPerStep: MAX_CALLS_PER_STEP,
            toolTimeoutMs: tuning.toolTimeoutMs,
            turnTimeoutMs: TURN_TIMEOUT_MS,
          },
          onText: events.onText,
          onToolCall: events.onToolCall,
          onToolResult: events.onToolResult,
          budget,
          pricer: this.input.pricer,
          onRetry: ({ attempt, delayMs, error }) =>
            log.warn('model attempt failed, retrying', {
              attempt,
              delayMs,
              error: describeError(error, { stack: false }),
            }),
        },
        progress,
      );
      const text = progress.text.join('');
      const model = end.model ?? this.prompt.model;
      const finishReason = end.finishReason ?? 'FINISH_REASON_UNSPECIFIED';
      const { usage, toolCalls } = progress;
      const blocked = end.blocked;
      if (blocked) {
        await this.save({
          ...this.partial(progress),
          status: 'error',
          model,
          finishReason,
          errorCode: 'blocked',
        });
        throw blocked; // 422 blocked, through toChatError below
      }
      const reply: CachedReply = { text, model, finishReason, usage };
      // Only a reply that ended normally is worth replaying to the same question, and never one built
      // on tool results: those are live data (events fill up, people change), so it would go stale.
      const cacheable = finishReason === 'STOP' && toolCalls.length === 0;
      // Cached only once stored: a reply whose conversation was deleted meanwhile leaves nothing behind.
      const saved = await this.save({
        ...reply,
        status: 'complete',
        cached: false,
        toolCalls,
        exchange: progress.exchange,
      });
      if (saved === 'unstored') throw replyNotStored(); // never `done` for a reply Firestore did not take
      if (cacheable && saved === 'stored') await this.cacheSet(reply);
      return { reply: text, model, finishReason, usage, cached: false, toolCalls };
    } catch (error) {
      if (error instanceof ClientAbortedError) {
        await this.save({ ...this.partial(progress), status: 'interrupted' });
        throw error;
      }
      const chatError = toChatError(error);
      if (!this.saved) await this.save({ ...this.partial(progress), status: 'error', errorCode: chatError.code });
      throw chatError;
    }
  }

  /** What a turn that did not complete had done: its text and finished tool calls (no replayable exchange). */
  private partial(progress: ToolLoopProgress): Omit<StoredReply, 'status'> {
    return {
      text: progress.text.join(''),
      model: this.prompt.model,
      usage: progress.usage,
      cached: false,
      toolCalls: progress.toolCalls,
    };
  }

  /** Stores the reply once (reply-saver.ts says what each outcome means). */
  private async save(reply: StoredReply): Promise<SaveOutcome> {
    this.saved = true;
    return storeReply(
      this.deps.store,
      {
        uid: this.input.scope.uid,
        ids: this.ids,
        attemptId: this.attemptId,
        clientMessageId: this.input.request.clientMessageId,
        reply,
        sent: this.sent,
      },
      this.input.scope.log,
    );
  }

  private async cacheGet(): Promise<CachedReply | undefined> {
    try {
      const value = await this.deps.cache.get<CachedReply>(this.cacheKey);
      return value && typeof value.text === 'string' && typeof value.finishReason === 'string' ? value : undefined;
    } catch (error) {
      this.input.scope.log.warn('chat cache read failed', { error: describeError(error, { stack: false }) });
      return undefined;
    }
  }

  private async cacheSet(reply: CachedReply): Promise<void> {
    try {
      await this.deps.cache.set(this.cacheKey, reply, REPLY_CACHE_TTL_SECONDS);
    } catch (error) {
      this.input.scope.log.warn('chat cache write failed', { error: describeError(error, { stack: false }) });
    }
  }
}
