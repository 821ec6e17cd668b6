// Chat's timeouts, retries and tool limits: fixed in code, each with its reason (they follow the
// model's streaming behaviour and the function timeout, which is code too, not a deploy's choice).
// ChatDeps.tuning replaces some of them for a test (shorter timeouts, fewer attempts).

export interface ChatTuning {
  firstChunkTimeoutMs: number;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
  retryMaxAttempts: number;
  retryBudgetMs: number;
  maxModelCalls: number;
  toolTimeoutMs: number;
}

export const CHAT_TUNING: ChatTuning = {
  /** Per attempt, until the model's first event: a thinking model can take this long to start. */
  firstChunkTimeoutMs: 20_000,
  /** Longest silence between events once the reply streams: past it the stream is stuck, not slow. */
  idleTimeoutMs: 20_000,
  /** One model call with its retries: under chatMessage's 60 s function timeout. */
  totalTimeoutMs: 55_000,
  /** Attempts before the first token (429, 503, a dropped connection): after that, the error. */
  retryMaxAttempts: 3,
  /** No new attempt starts after this (backoff waits included): the user is still waiting. */
  retryBudgetMs: 15_000,
  /** Model calls per turn with tools, the last one answering in text: bounds a turn's tokens. */
  maxModelCalls: 4,
  /** One tool call (bounded Firestore reads): a slower one is answered as failed, the turn goes on. */
  toolTimeoutMs: 2_000,
};
