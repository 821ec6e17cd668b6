// The request layer logs one JSON line per request; a bench prints its own figures only.
export function dropRequestLogs(): void {
  const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && chunk.startsWith('{"severity"')
      ? true
      : write(chunk, ...rest)) as typeof process.stdout.write;
}
