// Server-owned account states. `users/{uid}.accountState` is written only by the server (the rules
// keep it out of the user-owned fields); `suspended` and `deleted` take a person out of every
// suggestion surface: matchUsers, suggestions, the assistant's people suggestions, the prepared
// pool and the attendee signal of events. Missing, or any other value, means active.
export const HIDDEN_ACCOUNT_STATES: ReadonlySet<string> = new Set(['suspended', 'deleted']);

export function isHiddenAccountState(value: unknown): boolean {
  return typeof value === 'string' && HIDDEN_ACCOUNT_STATES.has(value);
}
