/**
 * The local Upstash REST endpoint, driven by the real @upstash/redis and @upstash/ratelimit clients
 * against a real redis-server. Starts its own services (they are cheap: ~70 ms) so it does not
 * depend on the shared integration setup.
 */
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerAvailable, startRedis, type RedisServer } from '../../dev/services/redis.js';
import { startUpstashRest, type CommandEvent, type UpstashRestServer } from '../../dev/services/upstash-rest.js';

const TOKEN = 'local-test-token';
const hasRedis = redisServerAvailable();
if (!hasRedis) console.warn('upstash-rest.test: redis-server not on PATH (apt-get install -y redis-server); skipping');

/** A redis-server with an endpoint in front, plus the commands the endpoint executed. */
interface Stack {
  redis: RedisServer;
  rest: UpstashRestServer;
  events: CommandEvent[];
  stop(): Promise<void>;
}

async function startStack(): Promise<Stack> {
  const redis = await startRedis();
  const events: CommandEvent[] = [];
  const rest = await startUpstashRest({ redisUrl: redis.url, token: TOKEN, onCommand: (event) => events.push(event) });
  const stop = async () => {
    await rest.stop();
    await redis.stop();
  };
  return { redis, rest, events, stop };
}

/** A raw protocol request, to check the wire format the clients rely on. */
async function post(stack: Stack, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.rest.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

/** Keeps a burst of limit() calls inside one window, so a bucket edge cannot reset the count midway. */
async function awayFromWindowEdge(windowMs: number, marginMs = 1_000): Promise<void> {
  const untilEdge = windowMs - (Date.now() % windowMs);
  if (untilEdge < marginMs) await new Promise((resolve) => setTimeout(resolve, untilEdge + 20));
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe.skipIf(!hasRedis)('local Upstash REST endpoint', () => {
  let stack: Stack;
  let client: Redis;

  beforeAll(async () => {
    stack = await startStack();
    client = new Redis({ url: stack.rest.url, token: TOKEN });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('@upstash/redis client (auto-pipelining on)', () => {
    it('round-trips JSON values with an expiry', async () => {
      const profile = { name: 'Ada', tags: ['math', 'engines'], age: 36 };
      expect(await client.set('profile:1', profile, { ex: 60 })).toBe('OK');
      expect(await client.get('profile:1')).toEqual(profile);
      const ttl = await client.ttl('profile:1');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
      expect(await client.get('profile:missing')).toBeNull();
    });

    it('keeps non-ASCII text intact in base64 and plain encodings', async () => {
      const text = 'héllo ✓ 🚀 日本';
      const plain = new Redis({ url: stack.rest.url, token: TOKEN, responseEncoding: false });
      await client.set('text:1', text);
      expect(await client.get('text:1')).toBe(text);
      expect(await plain.get('text:1')).toBe(text);
    });

    it('counts and expires with incr / expire / ttl', async () => {
      expect(await client.incr('counter:1')).toBe(1);
      expect(await client.incrby('counter:1', 4)).toBe(5);
      expect(await client.expire('counter:1', 100)).toBe(1);
      const ttl = await client.ttl('counter:1');
      expect(ttl).toBeGreaterThan(90);
      expect(ttl).toBeLessThanOrEqual(100);
      expect(await client.ttl('counter:none')).toBe(-2);
    });

    it('stores hashes and sorted sets', async () => {
      expect(await client.hset('hash:1', { title: 'Picnic', seats: 12 })).toBe(2);
      expect(await client.hgetall('hash:1')).toEqual({ title: 'Picnic', seats: 12 });
      expect(await client.hgetall('hash:none')).toBeNull();

      await client.zadd('z:1', { score: 3, member: 'c' }, { score: 1, member: 'a' }, { score: 2, member: 'b' });
      expect(await client.zrange('z:1', 0, -1)).toEqual(['a', 'b', 'c']);
      expect(await client.zrange('z:1', 0, 0, { withScores: true })).toEqual(['a', 1]);
    });

    it('deletes keys and reads several with mget', async () => {
      await client.set('m:1', 'one');
      await client.set('m:2', { two: 2 });
      expect(await client.mget('m:1', 'm:2', 'm:3')).toEqual(['one', { two: 2 }, null]);
      expect(await client.del('m:1', 'm:2', 'm:3')).toBe(2);
      expect(await client.mget('m:1', 'm:2')).toEqual([null, null]);
    });

    it('runs an explicit pipeline, keeping a failed command in its slot', async () => {
      const pipeline = client.pipeline();
      pipeline.set('p:1', 'a').get('p:1').incr('p:1').del('p:1');
      const results = await pipeline.exec({ keepErrors: true });
      expect(results.map((r) => r.result)).toEqual(['OK', 'a', undefined, 1]);
      expect(results[2].error).toMatch(/not an integer/);
    });

    it('runs a multi-exec transaction', async () => {
      const results = await client.multi().set('tx:1', 10).incrby('tx:1', 5).get('tx:1').exec();
      expect(results).toEqual(['OK', 15, 15]);
    });

    it('surfaces command errors as errors, with and without auto-pipelining', async () => {
      await client.hset('wrongtype:1', { a: 1 });
      await expect(client.incr('wrongtype:1')).rejects.toThrow(/WRONGTYPE/);
      const direct = new Redis({ url: stack.rest.url, token: TOKEN, enableAutoPipelining: false });
      await expect(direct.incr('wrongtype:1')).rejects.toThrow(/WRONGTYPE/);
    });

    it('rejects a wrong token', async () => {
      const intruder = new Redis({ url: stack.rest.url, token: 'not-the-token', enableAutoPipelining: false });
      await expect(intruder.get('profile:1')).rejects.toThrow(/Unauthorized/);
    });

    it('maps shas of flagged scripts for SCRIPT LOAD / EXISTS / EVALSHA', async () => {
      const script = '#!lua flags=allow-key-locking\nreturn redis.call("INCRBY", KEYS[1], ARGV[1])';
      const sha = await client.scriptLoad(script);
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(await client.scriptExists(sha, '0'.repeat(40))).toEqual([1, 0]);
      expect(await client.evalsha(sha, ['lua:1'], [7])).toBe(7);
      expect(await client.eval(script, ['lua:1'], [3])).toBe(10);
    });
  });

  describe('wire format', () => {
    it('base64-encodes every string, recursively, only when asked to', async () => {
      await post(stack, '/', ['RPUSH', 'wire:list', 'x', 'ÿ']);
      const encoded = await post(
        stack,
        '/pipeline',
        [
          ['LRANGE', 'wire:list', 0, -1],
          ['LLEN', 'wire:list'],
          ['GET', 'wire:none'],
        ],
        {
          'upstash-encoding': 'base64',
        },
      );
      expect(encoded).toEqual({
        status: 200,
        json: [{ result: [b64('x'), b64('ÿ')] }, { result: 2 }, { result: null }],
      });
      expect(await post(stack, '/', ['LRANGE', 'wire:list', 0, -1])).toEqual({
        status: 200,
        json: { result: ['x', 'ÿ'] },
      });
    });

    it('answers a failed single command with HTTP 400 and an Upstash error body', async () => {
      const reply = await post(stack, '/', ['GET']);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ error: expect.stringMatching(/^ERR wrong number of arguments/) });
    });

    it('discards a whole transaction when a command cannot be queued', async () => {
      const reply = await post(stack, '/multi-exec', [
        ['SET', 'tx:aborted', '1'],
        ['HGET', 'only-a-key'],
      ]);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ error: expect.stringMatching(/^EXECABORT/) });
      expect(await client.get('tx:aborted')).toBeNull();
    });

    it('rejects missing auth, oversized bodies and connection-state commands', async () => {
      const noAuth = await fetch(`${stack.rest.url}/`, { method: 'POST', body: '["PING"]' });
      expect(noAuth.status).toBe(401);
      expect(await noAuth.json()).toEqual({ error: 'Unauthorized' });

      const huge = await post(stack, '/', ['SET', 'big', 'x'.repeat(1024 * 1024 + 1)]);
      expect(huge.status).toBe(413);
      expect(await client.exists('big')).toBe(0);

      const select = await post(stack, '/', ['SELECT', 1]);
      expect(select.status).toBe(400);
      expect(select.json).toEqual({ error: expect.stringMatching(/not supported/) });
    });

    it('accepts the path form for quick manual checks', async () => {
      await client.set('path:1', 'value 1');
      const response = await fetch(`${stack.rest.url}/get/path%3A1`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(await response.json()).toEqual({ result: 'value 1' });
    });
  });

  describe('@upstash/ratelimit', () => {
    const limiters = {
      slidingWindow: () => Ratelimit.slidingWindow(5, '10 s'),
      fixedWindow: () => Ratelimit.fixedWindow(5, '10 s'),
    };

    for (const [name, limiter] of Object.entries(limiters)) {
      it(`${name}(5, '10 s') lets 5 through and blocks the 6th`, async () => {
        // No ephemeral cache: the 6th decision must come from Redis, not from local memory.
        const ratelimit = new Ratelimit({
          redis: client,
          limiter: limiter(),
          ephemeralCache: false,
          prefix: `rl-${name}`,
        });
        await awayFromWindowEdge(10_000);
        const startedAt = Date.now();
        const results = [];
        for (let i = 0; i < 6; i++) results.push(await ratelimit.limit('user-1'));

        expect(results.map((r) => r.success)).toEqual([true, true, true, true, true, false]);
        expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
        for (const result of results) {
          expect(result.reason).toBeUndefined(); // not "timeout": the endpoint really answered
          expect(result.limit).toBe(5);
          expect(result.reset).toBeGreaterThan(startedAt);
          expect(result.reset).toBeLessThanOrEqual(startedAt + 10_000);
        }
        // Another identifier has its own budget.
        expect((await ratelimit.limit('user-2')).remaining).toBe(4);
      });
    }

    it('falls back from EVALSHA to EVAL on a fresh redis, then stays on EVALSHA', async () => {
      const fresh = await startStack();
      try {
        const ratelimit = new Ratelimit({
          redis: new Redis({ url: fresh.rest.url, token: TOKEN }),
          limiter: Ratelimit.fixedWindow(5, '10 s'),
          ephemeralCache: false,
        });
        await awayFromWindowEdge(10_000);
        const first = await ratelimit.limit('user-1');
        expect(first).toMatchObject({ success: true, remaining: 4 });
        expect(fresh.events.map((e) => `${e.command}:${e.ok}`)).toEqual(['EVALSHA:false', 'EVAL:true']);
        expect(fresh.events[0].error).toMatch(/^NOSCRIPT/);

        fresh.events.length = 0;
        const second = await ratelimit.limit('user-1');
        expect(second).toMatchObject({ success: true, remaining: 3 });
        expect(fresh.events.map((e) => `${e.command}:${e.ok}`)).toEqual(['EVALSHA:true']);
      } finally {
        await fresh.stop();
      }
    });
  });
});
