// The console's forwarding, on real loopback HTTP: three recording upstreams stand where the
// Functions, Auth and Firestore emulators would, and a fourth service (like the local Gemini
// server's control API) must stay out of reach. Each allowed path arrives at its upstream under its
// base; every other path is 404 and reaches nobody; a request whose Host is not the console's own
// (DNS rebinding), or whose Origin is another site, is 403 and reaches nobody.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type RunningConsole } from '../../../../dev/console/server.js';

interface Recorder {
  server: Server;
  host: string;
  seen: Array<{ method: string; url: string; authorization?: string; host?: string }>;
}

async function recorder(): Promise<Recorder> {
  const seen: Recorder['seen'] = [];
  const server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      host: req.headers.host,
    });
    req.resume();
    req.on('end', () => res.end('upstream'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

let functions: Recorder;
let auth: Recorder;
let firestore: Recorder;
let other: Recorder;
let console_: RunningConsole;
let port: number;

beforeAll(async () => {
  [functions, auth, firestore, other] = await Promise.all([recorder(), recorder(), recorder(), recorder()]);
  console_ = await startConsole({
    functionsBaseUrl: `http://${functions.host}/demo-console/us-central1`,
    authHost: auth.host,
    firestoreHost: firestore.host,
    projectId: 'demo-console',
  });
  port = Number(new URL(console_.url).port);
}, 30_000);

afterAll(async () => {
  await console_?.close();
  for (const r of [functions, auth, firestore, other]) r?.server.close();
});

/** A raw request (fetch cannot set Host), answering status and body. */
function send(
  path: string,
  options: { host?: string; method?: string; origin?: string } = {},
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {
    host: options.host ?? `127.0.0.1:${port}`,
    authorization: 'Bearer page-token',
  };
  if (options.origin !== undefined) headers.origin = options.origin;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function total(): number {
  return functions.seen.length + auth.seen.length + firestore.seen.length + other.seen.length;
}

describe('the console forwards only to its fixed upstreams, under their prefixes', () => {
  it('forwards what the page uses, each to its own upstream and base, with the page token', async () => {
    expect(await send('/fn/chatStream', { method: 'POST', origin: `http://127.0.0.1:${port}` })).toEqual({
      status: 200,
      body: 'upstream',
    });
    expect(functions.seen.at(-1)).toEqual({
      method: 'POST',
      url: '/demo-console/us-central1/chatStream',
      authorization: 'Bearer page-token',
      host: functions.host,
    });
    for (const name of ['deleteConversation', 'deleteImage', 'exportData', 'deleteAccount']) {
      expect((await send(`/fn/${name}`, { method: 'POST', origin: `http://127.0.0.1:${port}` })).status, name).toBe(
        200,
      );
      expect(functions.seen.at(-1)?.url).toBe(`/demo-console/us-central1/${name}`);
    }
    expect((await send('/fn/suggestions/u1')).status).toBe(200);
    expect(functions.seen.at(-1)?.url).toBe('/demo-console/us-central1/suggestions/u1');

    expect(
      (await send('/auth/identitytoolkit.googleapis.com/v1/accounts:signUp?key=local-console', { method: 'POST' }))
        .status,
    ).toBe(200);
    expect(auth.seen.at(-1)?.url).toBe('/identitytoolkit.googleapis.com/v1/accounts:signUp?key=local-console');

    const docs = '/v1/projects/demo-console/databases/(default)/documents';
    expect((await send(`/fs${docs}:runQuery`, { method: 'POST' })).status).toBe(200);
    expect((await send(`/fs${docs}/conversations/c1/messages?pageSize=50`)).status).toBe(200);
    expect(firestore.seen.map((s) => s.url).slice(-2)).toEqual([
      `${docs}:runQuery`,
      `${docs}/conversations/c1/messages?pageSize=50`,
    ]);
    // The page may also be opened as localhost.
    expect((await send('/fn/matchUsers', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('answers 404 for anything else, and forwards nothing', async () => {
    const before = total();
    const elsewhere = `http://${other.host}`;
    const refused = [
      `/fn/${elsewhere}/control/scenarios`, // an absolute URL: the old proxy followed it anywhere
      `/auth/${elsewhere}/x`,
      `/fs/${elsewhere}/x`,
      `/fn//${other.host}/x`, // protocol-relative
      '/fn/../../other-project/us-central1/chatStream', // out of the base
      '/fn/%2e%2e/%2e%2e/x',
      '/fn/chatStream/..%2f..%2fx',
      '/fn/notAFunction',
      '/auth/emulator/v1/projects/demo-console/accounts', // the Auth emulator's admin routes
      '/auth/identitytoolkit.googleapis.com/v1/projects/demo-console/accounts:delete',
      '/fs/emulator/v1/projects/demo-console/databases/(default)/documents', // DELETE clears the database
      '/fs/v1/projects/other/databases/(default)/documents:runQuery', // another project
      '/fs/v1/projects/demo-console/databases/(default)/documents/../../x',
      '/elsewhere',
    ];
    for (const path of refused) {
      const answer = await send(path, { method: 'DELETE' });
      expect(answer.status, path).toBe(404);
    }
    expect(total()).toBe(before);
    expect(other.seen).toEqual([]);
  });

  it('answers 403 to a Host that is not its own (DNS rebinding) and to another site, and forwards nothing', async () => {
    const before = total();
    for (const host of [`evil.example:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `rebound.test:${port}`])
      expect((await send('/fn/chatStream', { host, method: 'POST' })).status, host).toBe(403);
    expect((await send('/', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await send('/config.json', { host: `evil.example:${port}` })).status).toBe(403);
    for (const origin of ['http://evil.example', `https://127.0.0.1:${port}`, 'null'])
      expect((await send('/fn/chatStream', { method: 'POST', origin })).status, origin).toBe(403);
    expect(total()).toBe(before);
    expect((await send('/')).status).toBe(200);
  });
});
