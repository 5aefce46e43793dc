import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectedClient, javaSetup } from '../../testing/grpc-test-client.js';
import { startTestServer } from '../../testing/test-server.js';

/** Guards a wait so that a missing behaviour fails the test instead of hanging it; no timing is asserted. */
const GUARD_MS = 15_000;

function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${GUARD_MS} ms`)), GUARD_MS);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** A raw loopback connection: what it received so far, and a promise of its close (with `reset` when it was reset). */
async function rawConnection(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<{ reset: boolean }> }> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.on('data', (d: Buffer) => {
    data += d.toString();
  });
  let reset = false;
  socket.on('error', () => {
    reset = true;
  });
  const closed = new Promise<{ reset: boolean }>((resolve) => socket.once('close', () => resolve({ reset })));
  return { socket, received: () => data, closed };
}

const liveness = (path: string) => `GET ${path}/v1/console/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`;

async function untilReceived(received: () => string, pattern: RegExp): Promise<void> {
  await within(
    `waiting for ${pattern}`,
    (async () => {
      while (!pattern.test(received())) await sleep(10);
    })(),
  );
}

test('a client that sends its headers one byte at a time is answered 408 and cut at the header timeout', async () => {
  const ts = await startTestServer({ headerTimeoutMs: 1_000, requestTimeoutMs: 1_000 });
  try {
    const { socket, received, closed } = await rawConnection(ts.url);
    const request = `GET ${new URL(ts.url).pathname}/v1/console/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(10_000)}`;
    let open = true;
    void closed.then(() => {
      open = false;
    });
    const drip = (async () => {
      for (let i = 0; open && i < request.length; i++) {
        socket.write(request[i]);
        await sleep(50);
      }
    })();
    await within('the slow client is cut', closed);
    await drip;
    assert.match(received(), /^HTTP\/1\.1 408/);
  } finally {
    await ts.close();
  }
});

test('an idle keep-alive connection is closed at the idle timeout', async () => {
  const ts = await startTestServer({ idleTimeoutMs: 1_000 });
  try {
    const { socket, received, closed } = await rawConnection(ts.url);
    socket.write(liveness(new URL(ts.url).pathname));
    await untilReceived(received, /\r\n\r\nOK/);
    assert.match(received(), /^HTTP\/1\.1 200/);
    assert.equal((await within('the idle connection is closed', closed)).reset, false);
  } finally {
    await ts.close();
  }
});

test('a held long poll outlasts the request timeout: only receiving the request is timed', async () => {
  const ts = await startTestServer({ headerTimeoutMs: 1_000, requestTimeoutMs: 1_000, configMinHoldMs: 100 });
  try {
    const res = await fetch(`${ts.url}/v1/cs/configs/listener`, {
      method: 'POST',
      // Held Long-Pulling-Timeout - 500 ms = 2.5 s with nothing changed, longer than the request timeout.
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'Long-Pulling-Timeout': '3000' },
      body: new URLSearchParams({ 'Listening-Configs': 'held\u0002G\u0002\u0001' }).toString(),
    });
    assert.deepEqual([res.status, await res.text()], [200, '']);
  } finally {
    await ts.close();
  }
});

test('during a shutdown a new request on an open keep-alive connection is answered 503, not reset', async () => {
  const ts = await startTestServer({ shutdownTimeoutMs: 10_000 });
  const path = new URL(ts.url).pathname;
  const { socket, received, closed } = await rawConnection(ts.url);
  socket.write(liveness(path));
  await untilReceived(received, /\r\n\r\nOK/);
  const closing = ts.close();
  // The shutdown has begun once new connections are refused.
  await within(
    'new connections are refused',
    (async () => {
      for (;;) {
        const refused = await new Promise<boolean>((resolve) => {
          const probe = connect(Number(new URL(ts.url).port), '127.0.0.1');
          probe.once('connect', () => {
            probe.destroy();
            resolve(false);
          });
          probe.once('error', () => resolve(true));
        });
        if (refused) return;
        await sleep(10);
      }
    })(),
  );
  const before = received().length;
  socket.write(liveness(path));
  const end = await within('the connection closes', closed);
  const answer = received().slice(before);
  assert.match(answer, /^HTTP\/1\.1 503/, `answered: ${JSON.stringify(answer)}`);
  assert.match(answer, /connection: close/i);
  assert.equal(end.reset, false);
  await within('the server closes', closing);
});

test('at shutdown every gRPC connection is sent a ConnectResetRequest so its client moves to another server', async () => {
  const ts = await startTestServer({ port: 0 });
  const grpcPort = ts.server.grpcPort;
  assert.ok(grpcPort);
  const { client, connectionId } = await connectedClient(grpcPort, javaSetup('naming'));
  try {
    const closing = ts.close();
    const first = await within('a message on the stream', client.next());
    assert.ok('type' in first, `the stream ended instead: ${JSON.stringify(first)}`);
    assert.equal(first.type, 'ConnectResetRequest');
    assert.equal(first.body.connectionId, connectionId);
    await within('the server closes', closing);
  } finally {
    client.close();
  }
});
