import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServerAddress } from '../address.js';
import { ServerPool } from './server-pool.js';

test('a failing server goes behind the healthy ones until its cooldown ends, then is tried first again', () => {
  let now = 0;
  const [a, b, c] = ['10.0.0.1:1', '10.0.0.2:1', '10.0.0.3:1'].map(parseServerAddress);
  const pool = new ServerPool(
    [a, b, c],
    () => now,
    () => 0,
  );
  assert.deepEqual(pool.order(), [a, b, c]);
  pool.failed(a, 'refused', () => 0.5); // cooldown 1 s
  assert.deepEqual(pool.order(), [b, c, a]);
  pool.succeeded(b); // sticks to the server that answered
  assert.deepEqual(pool.order(), [b, c, a]);
  pool.failed(a, 'refused', () => 0.5); // second failure: 2 s
  now += 1500;
  assert.deepEqual(pool.order(), [b, c, a], 'still cooling down');
  now += 600;
  assert.deepEqual(pool.order(), [b, c, a], 'ready again, after the preferred server');
  pool.failed(b, 'timeout', () => 0.5);
  assert.deepEqual(pool.order(), [c, a, b]);
  assert.deepEqual(
    pool.health().map((h) => [h.address, h.healthy, h.consecutiveFailures, h.lastFailure]),
    [
      ['10.0.0.1:1', false, 2, 'refused'],
      ['10.0.0.2:1', false, 1, 'timeout'],
      ['10.0.0.3:1', true, 0, undefined],
    ],
  );
});

test('when every server is cooling down all are still tried, soonest first', () => {
  let now = 0;
  const [a, b] = ['10.0.0.1:1', '10.0.0.2:1'].map(parseServerAddress);
  const pool = new ServerPool(
    [a, b],
    () => now,
    () => 0,
  );
  pool.failed(a, 'refused', () => 0.5);
  pool.failed(a, 'refused', () => 0.5);
  pool.failed(b, 'refused', () => 0.5);
  assert.deepEqual(pool.order(), [b, a]);
  now = 100_000;
  pool.succeeded(a);
  assert.deepEqual(pool.order(), [a, b]);
});
