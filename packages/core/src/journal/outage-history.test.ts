import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cause } from './causes.js';
import type { Evidence, JournalEvent } from './journal.js';
import { outageHistory, outagesWithin, summarizeOutage } from './outage-history.js';

let seq = 0;
function ev(at: number, cause: Cause, healthy: boolean | undefined, evidence: Evidence = {}): JournalEvent {
  return { seq: ++seq, at, cause, namespace: 'public', group: 'DEFAULT_GROUP', service: 'orders', ip: '10.0.0.7', port: 8080, healthy, evidence };
}

test('unhealthy, removed and registered again is one outage, from the fall to the return', () => {
  const events = [ev(0, 'INSTANCE_REGISTERED', true), ev(1_000, 'BEAT_LATE', true), ev(15_000, 'BEAT_MISSED', false), ev(30_000, 'INSTANCE_EXPIRED', false), ev(31_000, 'INSTANCE_REGISTERED', true)];
  const [outage, ...rest] = outageHistory(events);
  assert.deepEqual(rest, []);
  assert.deepEqual(summarizeOutage(outage), {
    startedAt: 15_000,
    endedAt: 31_000,
    durationMs: 16_000,
    cause: 'BEAT_MISSED',
    removedAt: 30_000,
    removedBy: 'INSTANCE_EXPIRED',
    endedBy: 'INSTANCE_REGISTERED',
  });
});

test('a removal of a healthy instance starts an outage; one that has not ended has no end', () => {
  const [outage] = outageHistory([ev(0, 'INSTANCE_REGISTERED', true), ev(5_000, 'INSTANCE_DEREGISTERED', true)]);
  assert.deepEqual(summarizeOutage(outage), {
    startedAt: 5_000,
    endedAt: null,
    durationMs: null,
    cause: 'INSTANCE_DEREGISTERED',
    removedAt: 5_000,
    removedBy: 'INSTANCE_DEREGISTERED',
    endedBy: null,
  });
});

test('arriving unhealthy is no outage, and neither are events that leave health as it was', () => {
  assert.deepEqual(
    outageHistory([
      ev(0, 'INSTANCE_REGISTERED', false),
      ev(5_000, 'PROBE_FAILED', false, { flipped: false }),
      ev(10_000, 'PROBE_RECOVERED', true),
      ev(15_000, 'PROBE_FAILED', true, { flipped: false }),
      ev(16_000, 'INSTANCE_EDITED', undefined),
      ev(17_000, 'INSTANCE_REREGISTERED', true),
    ]),
    [],
  );
});

test('where the journal window begins mid-story, only an event that reports a fall starts an outage', () => {
  // A once-a-minute failure of an instance that was already down: when it went down fell out of the window.
  assert.deepEqual(outageHistory([ev(0, 'PROBE_FAILED', false, { flipped: false }), ev(5_000, 'PROBE_RECOVERED', true)]), []);
  // A missed beat of an instance registered before the window began.
  assert.equal(outageHistory([ev(0, 'BEAT_MISSED', false), ev(5_000, 'BEAT_RESUMED', true)]).length, 1);
  assert.equal(outageHistory([ev(0, 'PROBE_FAILED', false, { flipped: true }), ev(5_000, 'PROBE_RECOVERED', true)]).length, 1);
});

test('outages are counted by when they started', () => {
  const hour = 3_600_000;
  const events = [ev(0, 'BEAT_LATE', true)];
  for (const start of [0, hour - 1, hour + 10_000, hour + 20_000]) events.push(ev(start + 1, 'BEAT_MISSED', false), ev(start + 5_001, 'BEAT_RESUMED', true));
  const outages = outageHistory(events);
  assert.equal(outages.length, 4);
  assert.equal(outagesWithin(outages, hour + 30_000), 3);
  assert.equal(outagesWithin(outages, 2 * hour + 30_000), 0);
});
