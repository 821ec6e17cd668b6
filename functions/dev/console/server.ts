// The local console (npm start): a small web page on 127.0.0.1 that calls every function the way an
// app would, through the typed client. Local only, never deployed. The page is one origin: this
// server serves it and forwards /fn/* to the functions emulator, /auth/* to the Auth emulator and
// /fs/* to the Firestore emulator, streaming both ways (SSE included), so the browser needs no CORS
// and a Stop in the page aborts the function's request (the forwarded request is destroyed with it).
//
// It forwards only the paths the page uses, to those fixed upstreams (proxy-routes.ts; else 404), and
// answers only requests addressed to itself: a Host other than its own loopback name and port is a
// DNS-rebinding page (403), and so is a cross-site Origin (a form another site posts here).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { consoleRoutes, ownHosts, upstreamFor } from './proxy-routes.js';

export interface ConsoleOptions {
  /** e.g. http://127.0.0.1:5001/demo-social-ai/us-central1 */
  functionsBaseUrl: string;
  /** host:port of the Auth emulator */
  authHost: string;
  /** host:port of the Firestore emulator */
  firestoreHost: string;
  projectId: string;
  /** 0 (default): any free port */
  port?: number;
  demoUser?: { email: string; password: string };
}

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

const HERE = __dirname;

/** The page's script: the console and the typed client, bundled for the browser in memory. */
async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(HERE, 'app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Forwards one request to `url` (a route's upstream), streaming both bodies. */
function forward(req: IncomingMessage, res: ServerResponse, url: URL): void {
  const headers = { ...req.headers, host: url.host };
  delete headers.origin; // same-origin for the page; the function sees a plain app call
  const upstream = httpRequest(url, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'console_proxy', message: error.message } }));
  });
  // The page pressed Stop (or went away): the function must see its client leave.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const [script, page] = await Promise.all([bundle(), readFile(path.join(HERE, 'index.html'), 'utf8')]);
  const routes = consoleRoutes(options);
  let hosts: ReadonlySet<string> = new Set();
  const config = JSON.stringify({
    projectId: options.projectId,
    functionsBaseUrl: options.functionsBaseUrl,
    demoUser: options.demoUser ?? null,
  });

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const origin = req.headers.origin;
    if (!hosts.has(req.headers.host ?? '') || (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, ''))))
      return send(403, 'text/plain', 'forbidden: not addressed to this console');
    if (url === '/' || url === '/index.html') return send(200, 'text/html; charset=utf-8', page);
    if (url === '/app.js') return send(200, 'text/javascript; charset=utf-8', script);
    if (url === '/config.json') return send(200, 'application/json', config);
    const upstream = upstreamFor(routes, url);
    if (upstream !== undefined) return forward(req, res, upstream);
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  hosts = ownHosts(port);
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
