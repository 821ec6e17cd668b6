// FIFO of scripted scenarios. A request takes the first scenario whose filter it matches; a scenario
// with `times: N` serves N requests before it is used up.
import { parseScenarios } from './scenario-schema.js';
import type { Scenario, ServerAction } from './types.js';

interface QueuedScenario {
  scenario: Scenario;
  remaining: number;
}

function serves(scenario: Scenario, model: string, action: ServerAction): boolean {
  const match = scenario.match ?? {};
  if (match.model !== undefined && match.model !== model) return false;
  // countTokens is only served by scenarios that name it: a queued reply is meant for generation.
  if (match.action === undefined) return action !== 'countTokens';
  return match.action === action;
}

export class ScenarioQueue {
  private queue: QueuedScenario[] = [];

  /** Validates and appends one scenario or an array; throws with the validation message if malformed. */
  add(input: unknown): number {
    const parsed = parseScenarios(input);
    if ('error' in parsed) throw new Error(parsed.error);
    for (const scenario of parsed.scenarios) {
      this.queue.push({ scenario, remaining: scenario.times ?? 1 });
    }
    return parsed.scenarios.length;
  }

  /** Takes (consumes one use of) the first scenario serving this request, if any. */
  take(model: string, action: ServerAction): Scenario | undefined {
    const index = this.queue.findIndex((entry) => serves(entry.scenario, model, action));
    if (index === -1) return undefined;
    const entry = this.queue[index];
    entry.remaining--;
    if (entry.remaining <= 0) this.queue.splice(index, 1);
    return entry.scenario;
  }

  /** Scenarios still queued, with the uses they have left. */
  pending(): Array<Scenario & { remaining: number }> {
    return this.queue.map((entry) => ({ ...structuredClone(entry.scenario), remaining: entry.remaining }));
  }

  clear(): void {
    this.queue = [];
  }
}
