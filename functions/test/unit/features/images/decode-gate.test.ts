// DecodeGate: at most `limit` tasks at once, the rest wait in order; a waiter that gives up leaves.
import { describe, expect, it } from 'vitest';
import { DecodeGate } from '../../../../src/lib/features/images/decode-gate.js';

function deferred() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe('DecodeGate', () => {
  it('runs at most `limit` tasks at once, the next one as soon as one ends, in arrival order', async () => {
    const gate = new DecodeGate(2);
    const signal = new AbortController().signal;
    const started: number[] = [];
    const blockers = [deferred(), deferred(), deferred(), deferred()];
    const runs = blockers.map((blocker, index) =>
      gate.run(async () => {
        started.push(index);
        await blocker.done;
        return index;
      }, signal),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    blockers[1].release();
    await runs[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    blockers.forEach((blocker) => blocker.release());
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('a waiter whose request is aborted leaves the queue and never runs; a failing task frees its place', async () => {
    const gate = new DecodeGate(1);
    const blocker = deferred();
    const first = gate.run(() => blocker.done, new AbortController().signal);
    const leaving = new AbortController();
    let ran = false;
    const waiting = gate.run(async () => void (ran = true), leaving.signal);
    leaving.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    blocker.release();
    await first;
    await expect(gate.run(() => Promise.reject(new Error('bad image')), new AbortController().signal)).rejects.toThrow(
      'bad image',
    );
    expect(await gate.run(async () => 'next', new AbortController().signal)).toBe('next');
    expect(ran).toBe(false);
  });
});
