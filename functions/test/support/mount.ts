// Serve exported HTTPS functions in-process on 127.0.0.1, parsing bodies the way the functions
// framework / emulator does before a function runs (checked against firebase-tools 15's emulator):
// json, text, urlencoded (extended) and raw for every other type, 32 MB limit each, `req.rawBody` kept by
// a verify hook. Malformed JSON is answered by Express's default error handler (400, HTML) and the
// function never runs, exactly as under the emulator; bodies over 32 MB likewise get a framework 413.
// Each function is mounted at /<name>; whatever follows the name is its req.url / req.path.
// Known difference: a GET without a body has req.body undefined here ({} under the emulator).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';

/** What `onRequest` returns is callable like this. */
export type MountableFunction = (req: Request & { rawBody: Buffer }, res: Response) => unknown;

export interface MountedFunctions {
  /** Base URL of one function, e.g. http://127.0.0.1:PORT/chatMessage */
  url(name: string): string;
  close(): Promise<void>;
}

const FRAMEWORK_BODY_LIMIT = '32mb';

function keepRawBody(req: IncomingMessage, _res: unknown, buf: Buffer): void {
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
}

export async function mountFunctions(fns: Record<string, MountableFunction>): Promise<MountedFunctions> {
  const app = express();
  app.set('trust proxy', true);
  const options = { limit: FRAMEWORK_BODY_LIMIT, verify: keepRawBody };
  app.use(express.json(options));
  app.use(express.text(options));
  app.use(express.urlencoded({ ...options, extended: true }));
  app.use(express.raw({ ...options, type: '*/*' }));

  for (const [name, fn] of Object.entries(fns)) {
    app.use(`/${name}`, (req: Request, res: Response, next: NextFunction) => {
      Promise.resolve(fn(req as Request & { rawBody: Buffer }, res)).catch(next);
    });
  }

  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: (name) => {
      if (!(name in fns)) throw new Error(`No function named ${name} is mounted`);
      return `http://127.0.0.1:${port}/${name}`;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
