// The child processes of bench/cold-start.ts, as plain CommonJS run by `node -e`: no tsx, no test
// helpers, nothing loaded before the code under measurement but Node itself (and, for the served
// probe, express, which the functions framework has loaded before a function's code too).
//
// LOAD_PROBE <functionsDir> <subject> <anchorModulesJson>
//   subject '@anchor' requires the anchor's modules; any other requires lib/index.js (FUNCTION_TARGET
//   comes from the environment). Prints one JSON line: { ms, files, kinds } (kinds: each export's
//   trigger kind from its deploy endpoint: 'https', 'event' or 'other').
// SERVE_PROBE <functionsDir> <name>
//   requires lib/index.js, mounts export <name> at /<name> on 127.0.0.1 with the framework's body
//   parsers (as test/support/mount.ts does), and sends { port, loadMs, modules } over IPC.
// COMPONENT_PROBE <functionsDir> <idToken> <uid>
//   in a fresh process, times the first and the second call of each one-time cost a request meets, in
//   the request's order, through the SDKs and our platform code as tsc compiled it (lib/lib/): the ID
//   token check with revocation, a Firestore read, a Redis command, the explanation cache. Prints
//   [{ component, firstMs, secondMs }].

export const LOAD_PROBE = String.raw`
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');
const [dir, subject, anchorJson] = process.argv.slice(1);
const load = createRequire(path.join(dir, 'package.json'));
const started = process.hrtime.bigint();
let exported = {};
if (subject === '@anchor') for (const id of JSON.parse(anchorJson)) load(id);
else exported = load(path.join(dir, 'lib', 'index.js'));
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const kindOf = (fn) => {
  const endpoint = fn && fn.__endpoint;
  if (endpoint && (endpoint.httpsTrigger || endpoint.callableTrigger)) return 'https';
  return endpoint && endpoint.eventTrigger ? 'event' : 'other';
};
const kinds = Object.fromEntries(Object.keys(exported).map((name) => [name, kindOf(exported[name])]));
process.stdout.write(JSON.stringify({ ms, files: Object.keys(require.cache), kinds }) + '\n');
`;

export const SERVE_PROBE = String.raw`
'use strict';
const { createRequire } = require('node:module');
const http = require('node:http');
const path = require('node:path');
const [dir, name] = process.argv.slice(1);
const load = createRequire(path.join(dir, 'package.json'));
const express = load('express');
const before = Object.keys(require.cache).length;
const started = process.hrtime.bigint();
const fn = load(path.join(dir, 'lib', 'index.js'))[name];
const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
const modules = Object.keys(require.cache).length - before;
if (typeof fn !== 'function') throw new Error('lib/index.js does not export ' + name);
const app = express();
app.set('trust proxy', true);
const keepRawBody = (req, _res, buf) => { req.rawBody = buf; };
const options = { limit: '32mb', verify: keepRawBody };
app.use(express.json(options));
app.use(express.text(options));
app.use(express.urlencoded({ ...options, extended: true }));
app.use(express.raw({ ...options, type: '*/*' }));
app.use('/' + name, (req, res, next) => { Promise.resolve(fn(req, res)).catch(next); });
const server = http.createServer(app);
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, loadMs, modules }));
process.on('disconnect', () => process.exit(0));
`;

export const COMPONENT_PROBE = String.raw`
'use strict';
const path = require('node:path');
const [dir, idToken, uid] = process.argv.slice(1);
const lib = (file) => require(path.join(dir, 'lib', 'lib', file));
const { getAdminAuth, getDb } = lib('platform/firebase.js');
const { getRedis } = lib('platform/redis.js');
const { getCache } = lib('platform/cache/index.js');
const components = [
  ['ID token check (with revocation)', () => getAdminAuth().verifyIdToken(idToken, true)],
  ['Firestore read', () => getDb().collection('users').doc(uid).get()],
  ['Redis command', () => getRedis().get('cold-start-probe')],
  ['explanation cache read', () => getCache('match-explanations').get('cold-start-probe')],
];
(async () => {
  const rows = [];
  for (const [component, call] of components) {
    const times = [];
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      await call();
      times.push(performance.now() - started);
    }
    rows.push({ component, firstMs: times[0], secondMs: times[1] });
  }
  process.stdout.write(JSON.stringify(rows) + '\n');
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;
