// Runs one bench in a fresh Node process (clean heap and RSS high-water mark) and reads the
// JSON result it prints on its last stdout line.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface ChildBenchOptions {
  /** bench module path, relative to functions/bench */
  script: string;
  args?: string[];
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface ChildBenchOutcome<T> {
  ok: boolean;
  result?: T;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

export async function runBenchChild<T>(opts: ChildBenchOptions): Promise<ChildBenchOutcome<T>> {
  const script = resolve(__dirname, '..', opts.script);
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...(opts.nodeFlags ?? []), '--import', 'tsx', script, ...(opts.args ?? [])],
    { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (code, sig) => done([code, sig])),
  );
  clearTimeout(timer);
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  let result: T | undefined;
  try {
    result = JSON.parse(lastLine) as T;
  } catch {
    result = undefined;
  }
  return { ok: exitCode === 0 && result !== undefined, result, exitCode, signal, stderrTail: stderr };
}
