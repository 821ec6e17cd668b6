// What a caller may change in a handler that production leaves at its constants (the tests mount
// handlers built with shorter timeouts, fewer attempts, matching's instance cache off). Getters are
// read per request, so a test can change them between requests.
import type { ChatTuning } from '../lib/features/chat/index.js';
import type { MatchingOptions } from '../lib/features/matching/index.js';

export interface HandlerOptions {
  chat?: () => Partial<ChatTuning>;
  matching?: MatchingOptions;
}
