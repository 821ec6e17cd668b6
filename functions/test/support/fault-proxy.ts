// A TCP proxy on 127.0.0.1 in front of a real service, for fault tests: it forwards bytes both ways
// until told to stall (connections stay open, no byte moves, new connections are accepted and held:
// what a hung S3 looks like) or to crash (every connection reset, new ones refused: the service is
// gone), and it can stall by itself once a number of bytes went upstream (in the middle of an upload).
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultProxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Bytes forwarded towards the service so far. */
  readonly bytesUp: number;
  readonly stalled: boolean;
  stall(): void;
  resume(): void;
  /** Stalls once `bytes` more have gone upstream; resolves then. */
  stallAfterUpstreamBytes(bytes: number): Promise<void>;
  /** Resets every connection and refuses new ones, as a crashed service. */
  crash(): Promise<void>;
  /** Crashes once `bytes` more have gone upstream; resolves then. */
  crashAfterUpstreamBytes(bytes: number): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let stalled = false;
  let bytesUp = 0;
  let trip: { at: number; action: 'stall' | 'crash'; done: () => void } | undefined;
  let server: Server;

  const pauseAll = () => {
    for (const { client, upstream } of pairs) {
      client.pause();
      upstream.pause();
    }
  };

  const onConnection = (client: Socket): void => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    if (stalled) {
      client.pause();
      upstream.pause();
    }
    client.on('data', (data: Buffer) => {
      bytesUp += data.length;
      if (!upstream.write(data)) client.pause();
      if (trip && bytesUp >= trip.at) {
        const { action, done } = trip;
        trip = undefined;
        if (action === 'stall') {
          stalled = true;
          pauseAll();
          done();
        } else void crash().then(done);
      }
    });
    upstream.on('data', (data: Buffer) => {
      if (!client.write(data)) upstream.pause();
    });
    upstream.on('drain', () => stalled || client.resume());
    client.on('drain', () => stalled || upstream.resume());
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', drop);
  };

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });

  const crash = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    });
  };

  await listen(0);
  const port = (server!.address() as { port: number }).port;
  const arm = (bytes: number, action: 'stall' | 'crash') =>
    new Promise<void>((done) => (trip = { at: bytesUp + bytes, action, done }));

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get bytesUp() {
      return bytesUp;
    },
    get stalled() {
      return stalled;
    },
    stall() {
      stalled = true;
      pauseAll();
    },
    resume() {
      stalled = false;
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
    },
    stallAfterUpstreamBytes: (bytes) => arm(bytes, 'stall'),
    crash,
    crashAfterUpstreamBytes: (bytes) => arm(bytes, 'crash'),
    restore: () => listen(port),
    close: async () => {
      stalled = false;
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
