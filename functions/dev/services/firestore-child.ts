/**
 * Child-process entry for the embedded Node Firestore emulator (@firestore-emulator/server), started by
 * firestore.ts so the emulator's memory and CPU are not those of the tests or the functions.
 *
 *   node --import tsx dev/services/firestore-child.ts --port 0
 *   -> stdout: {"ready":true,"port":41235,"controlPort":41236}
 *
 * Loopback binding: FirestoreServer.start(port) hard-codes `0.0.0.0:${port}` in its gRPC
 * `bindAsync` call and offers no host option (checked in 0.3.15, src/server/index.ts). We wrap the
 * `bindAsync` of that instance's gRPC server (its private `server` field) so the address becomes
 * 127.0.0.1, then call the public start(). If a future version renames the field, we fail loudly
 * instead of silently listening on every interface.
 *
 * Control endpoint (its own HTTP port on 127.0.0.1), shaped like the official emulator's:
 *   GET  /                                                         -> "Ok"
 *   DELETE /emulator/v1/projects/{project}/databases/{db}/documents -> clears ALL data (the Node
 *   emulator can only clear everything; the official one clears one database).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FirestoreServer } from '@firestore-emulator/server';

type BindCallback = (error: Error | null, port: number) => void;
interface GrpcServerLike {
  bindAsync(address: string, credentials: unknown, callback: BindCallback): void;
}

const CLEAR_PATH = /^\/emulator\/v1\/projects\/[^/]+\/databases\/[^/]+\/documents\/?$/;
/** How often to check that the parent is still alive (an orphan would keep its ports forever). */
const PARENT_CHECK_MS = 1_000;

function parsePort(argv: readonly string[]): number {
  const index = argv.indexOf('--port');
  const port = index >= 0 ? Number(argv[index + 1]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid --port ${argv[index + 1]}`);
  return port;
}

/** Makes the emulator's gRPC server bind loopback and reports the port it actually got. */
function forceLoopbackBind(emulator: FirestoreServer): Promise<number> {
  const grpcServer = (emulator as unknown as { server?: GrpcServerLike }).server;
  if (!grpcServer || typeof grpcServer.bindAsync !== 'function') {
    throw new Error('@firestore-emulator/server internals changed: no gRPC server to bind on 127.0.0.1');
  }
  const originalBind = grpcServer.bindAsync.bind(grpcServer);
  return new Promise((resolve, reject) => {
    grpcServer.bindAsync = (address, credentials, callback) => {
      const loopbackAddress = address.replace(/^0\.0\.0\.0:/, '127.0.0.1:');
      if (!loopbackAddress.startsWith('127.0.0.1:')) {
        reject(new Error(`refusing to bind Firestore emulator on ${address}`));
        return;
      }
      originalBind(loopbackAddress, credentials, (error, port) => {
        if (error) reject(error);
        else resolve(port);
        callback(error, port);
      });
    };
  });
}

function startControlServer(emulator: FirestoreServer): Promise<{ port: number; close(): void }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Ok');
    } else if (req.method === 'DELETE' && CLEAR_PATH.test(url.pathname)) {
      emulator.state.clear();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      });
    });
  });
}

async function main(): Promise<void> {
  const emulator = new FirestoreServer();
  const bound = forceLoopbackBind(emulator);
  await emulator.start(parsePort(process.argv.slice(2)));
  const port = await bound;
  const control = await startControlServer(emulator);

  const shutdown = (): void => {
    control.close();
    emulator.stop();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  const parentPid = process.ppid;
  setInterval(() => {
    if (process.ppid !== parentPid) shutdown();
  }, PARENT_CHECK_MS);

  process.stdout.write(`${JSON.stringify({ ready: true, port, controlPort: control.port })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `firestore emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
