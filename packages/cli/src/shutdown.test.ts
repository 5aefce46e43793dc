import { spawnServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';

/** Guards the wait for the exit so that a server that never exits fails the test; no timing is asserted. */
const GUARD_MS = 20_000;

function open(url: string, first: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1', () => {
      socket.write(first);
      resolve(socket);
    });
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

test('SIGTERM with slow clients connected exits 0 within the shutdown deadline, logging what was cut', async () => {
  const server = await spawnServer(['--shutdown-timeout-ms', '1000']);
  const path = new URL(server.url).pathname;
  // One client still sending its headers, one with a request whose body never comes, one idle after a request.
  const slowHeaders = await open(server.url, `GET ${path}/v1/console/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a`);
  const slowBody = await open(server.url, `POST ${path}/v1/ns/instance HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nserviceName=s`);
  const drip = setInterval(() => {
    slowHeaders.write('a');
    slowBody.write('a');
  }, 100);
  try {
    // Let the server read the body's request head (the test only needs it in flight when the deadline comes).
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      server.exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no exit within ${GUARD_MS} ms:\n${server.output()}`)), GUARD_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    assert.equal(code, 0, server.output());
    assert.match(server.output(), /shutdown deadline \(--shutdown-timeout-ms 1000\) reached: \d+ HTTP connection\(s\) cut/);
    assert.match(server.output(), /"state":"request in flight"/);
  } finally {
    clearInterval(drip);
    slowHeaders.destroy();
    slowBody.destroy();
    await server.stop();
  }
});
