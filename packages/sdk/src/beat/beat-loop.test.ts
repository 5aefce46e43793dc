import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CairnRequestError } from '../errors.js';
import { FailureLog } from '../failure-log.js';
import { captureLogger } from '../testing/helpers.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { BeatAnswer, BeatingTransport, Registration } from '../transport/naming-transport.js';
import type { ClientStats } from '../types.js';
import { BeatLoop } from './beat-loop.js';

const reg: Registration = {
  namespace: 'public',
  group: 'DEFAULT_GROUP',
  service: 's',
  ip: '127.0.0.1',
  port: 1,
  weight: 1,
  healthy: true,
  enabled: true,
  ephemeral: true,
  clusterName: 'DEFAULT',
  metadata: {},
};

function stats(): ClientStats {
  return { beatsSent: 0, beatsOk: 0, beatFailures: {}, reRegistrations: 0, beatIntervalMs: 1000, polls: 0, pollFailures: {}, pushesReceived: 0, emptyAnswersIgnored: 0, cacheFallbacks: 0, servers: [] };
}

/** A transport whose beat does whatever the test scripted for that call. */
function scripted(steps: Array<() => BeatAnswer | Promise<BeatAnswer>>, registerFails = 0) {
  const calls: Array<{ at: number; light: boolean }> = [];
  let registers = 0;
  const clock = new ManualClock();
  const transport: BeatingTransport = {
    keeps: 'beats',
    register: async () => {
      registers++;
      if (registers <= registerFails) throw new CairnRequestError('register refused', 'refused');
    },
    deregister: async () => undefined,
    beat: (_r, light) => {
      calls.push({ at: clock.now(), light });
      const step = steps[Math.min(calls.length - 1, steps.length - 1)];
      return Promise.resolve().then(step);
    },
    list: async () => {
      throw new Error('unused');
    },
    close: () => undefined,
  };
  return { clock, transport, calls, registers: () => registers };
}

test('the loop survives every kind of failure, even non-Error throws, and backs off within the interval', async () => {
  const ok = (): BeatAnswer => ({ code: 10200, clientBeatIntervalMs: 1000, lightBeatEnabled: true });
  const failures: Array<() => BeatAnswer> = [
    () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' });
    },
    () => {
      throw new CairnRequestError('503', 'server-error');
    },
    () => {
      throw 'a string';
    },
    () => {
      throw undefined;
    },
    () => {
      throw new TypeError('bug in a transport');
    },
    () => {
      throw new CairnRequestError('timeout', 'timeout');
    },
  ];
  const f = scripted([ok, ...failures, ...failures, ok]);
  const s = stats();
  const logger = captureLogger();
  const loop = new BeatLoop(reg, f.transport, { intervalMs: 1000, followServerInterval: true, retryBaseMs: 100 }, f.clock, () => 0.5, s, new FailureLog(logger, 'heartbeat', s.beatFailures), logger);
  loop.start();
  await f.clock.advance(30_000);
  assert.ok(f.calls.length > 20, `still beating: ${f.calls.length} beats`);
  const gaps = f.calls.slice(1).map((c, i) => c.at - f.calls[i].at);
  assert.ok(
    gaps.every((g) => g > 0 && g <= 1000),
    `every gap within the interval: ${gaps.join(',')}`,
  );
  assert.deepEqual(gaps.slice(0, 4), [1000, 75, 150, 300], 'first after success, then doubling backoff with jitter');
  assert.deepEqual(s.beatFailures, { dns: 2, 'server-error': 2, other: 6, timeout: 2 });
  // 'other' was logged once although it happened six times in one outage.
  assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 4);
  await loop.stop();
  const after = f.calls.length;
  await f.clock.advance(10_000);
  assert.equal(f.calls.length, after, 'stop() ends the loop');
  assert.equal(f.clock.pending(), 0);
});

test('20404 makes the loop send the full registration; a failing re-registration is retried', async () => {
  const f = scripted(
    [
      () => ({ code: 10200, clientBeatIntervalMs: 700, lightBeatEnabled: true }),
      () => ({ code: 20404, clientBeatIntervalMs: 700, lightBeatEnabled: true }),
      () => ({ code: 20404, clientBeatIntervalMs: 700, lightBeatEnabled: true }),
      () => ({ code: 10200, clientBeatIntervalMs: 700, lightBeatEnabled: true }),
    ],
    1,
  );
  const s = stats();
  const logger = captureLogger();
  const loop = new BeatLoop(reg, f.transport, { intervalMs: 5000, followServerInterval: true, retryBaseMs: 100 }, f.clock, () => 1, s, new FailureLog(logger, 'heartbeat', s.beatFailures), logger);
  loop.start();
  await f.clock.advance(0);
  assert.deepEqual(
    f.calls.map((c) => c.light),
    [false],
    'the first beat carries the instance',
  );
  assert.equal(s.beatIntervalMs, 700, 'follows the server interval');
  await f.clock.advance(700); // 20404, the register fails (refused)
  await f.clock.advance(100); // retry: 20404 again, the register succeeds
  assert.equal(f.registers(), 2);
  assert.equal(s.reRegistrations, 1);
  assert.deepEqual(s.beatFailures, { refused: 1 });
  assert.deepEqual(
    f.calls.map((c) => c.light),
    [false, true, true],
  );
  await loop.stop();
});

test('followServerInterval false keeps the configured interval; absurd server intervals are bounded', async () => {
  const f = scripted([() => ({ code: 10200, clientBeatIntervalMs: 1, lightBeatEnabled: false })]);
  const s = stats();
  const loop = new BeatLoop(reg, f.transport, { intervalMs: 300, followServerInterval: false, retryBaseMs: 100 }, f.clock, () => 1, s, new FailureLog({}, 'heartbeat'), {});
  loop.start();
  await f.clock.advance(900);
  assert.deepEqual(
    f.calls.map((c) => c.at - f.calls[0].at),
    [0, 300, 600, 900],
  );
  assert.ok(
    f.calls.every((c) => !c.light),
    'full beats while the server does not allow light ones',
  );
  await loop.stop();
  const g = scripted([() => ({ code: 10200, clientBeatIntervalMs: 1, lightBeatEnabled: false })]);
  const loop2 = new BeatLoop(reg, g.transport, { intervalMs: 300, followServerInterval: true, retryBaseMs: 100 }, g.clock, () => 1, s, new FailureLog({}, 'heartbeat'), {});
  loop2.start();
  await g.clock.advance(200);
  assert.equal(g.calls.length, 5, 'a 1 ms server interval is raised to 50 ms');
  await loop2.stop();
});
