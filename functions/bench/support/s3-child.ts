// A local S3-compatible server in a process of its own, so a bench process measures only itself.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export interface S3Child {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

export async function startS3(bucket = 'bench-images'): Promise<S3Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 's3-child.ts'), '--serve', bucket], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => done((JSON.parse(line) as { endpoint: string }).endpoint));
    child.once('exit', (code) => fail(new Error(`s3 child exited with ${code}`)));
  });
  return {
    endpoint,
    bucket,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

async function serve(bucket: string): Promise<void> {
  const { startS3: startLocalS3 } = await import('../../dev/services/s3.js');
  const s3 = await startLocalS3({ bucket });
  console.log(JSON.stringify({ endpoint: s3.endpoint }));
  const stop = () => void s3.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module && process.argv.includes('--serve')) {
  void serve(process.argv[process.argv.indexOf('--serve') + 1]);
}
