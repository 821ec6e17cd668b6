// Chat's and matching's tuning for functions a test mounts in-process (src/handlers/options.ts): the
// harness's values, and per-test changes undone after the test, as scopedEnv does for params.
import { afterEach } from 'vitest';
import type { ChatTuning } from '../../src/lib/features/chat/index.js';
import type { MatchTuning } from '../../src/lib/features/matching/index.js';
import type { HandlerOptions } from '../../src/handlers/options.js';

export interface Tuning {
  chat: Partial<ChatTuning>;
  matching: Partial<MatchTuning>;
}

/**
 * Handler options that read `tuning` on every request. `sharedCache: false`: matching's per-instance
 * cache off, for tests that write their own people and events between requests.
 */
export function tunedOptions(tuning: Tuning, { sharedCache = true } = {}): HandlerOptions {
  return { chat: () => tuning.chat, matching: { tuning: () => tuning.matching, sharedCache } };
}

/** Registers the undo in this file's afterEach; returns the function that changes `tuning()`'s values. */
export function scopedTuning(tuning: () => Tuning): (changes: Partial<{ [K in keyof Tuning]: Tuning[K] }>) => void {
  const saved: Tuning[] = [];
  afterEach(() => {
    const first = saved.splice(0)[0];
    if (first) Object.assign(tuning(), first);
  });
  return (changes) => {
    const current = tuning();
    saved.push({ chat: current.chat, matching: current.matching });
    if (changes.chat) current.chat = { ...current.chat, ...changes.chat };
    if (changes.matching) current.matching = { ...current.matching, ...changes.matching };
  };
}
