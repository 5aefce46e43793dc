import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowState, serviceHealth, stillBeating } from './instance-state.js';

const base = { healthy: true, enabled: true, ephemeral: true, lastBeatAt: 10_000, instanceHeartBeatInterval: 5000 };

test('offline wins over unhealthy, unhealthy over late', () => {
  assert.equal(rowState({ ...base, enabled: false, healthy: false }, 10_000), 'offline');
  assert.equal(rowState({ ...base, healthy: false }, 10_000), 'unhealthy');
  assert.equal(rowState(base, 10_000 + 7501), 'late');
  assert.equal(rowState(base, 10_000 + 7500), 'healthy');
});

test('a list up to one poll old does not make a fast-beating client look late', () => {
  const fast = { ...base, instanceHeartBeatInterval: 200 };
  assert.equal(rowState(fast, 10_000 + 656), 'late', 'without the grace, one poll of staleness reads as late');
  assert.equal(rowState(fast, 10_000 + 656, 1000), 'healthy');
  assert.equal(rowState(fast, 10_000 + 1301, 1000), 'late');
});

test('persistent instances are never late: they do not beat', () => {
  assert.equal(rowState({ healthy: true, enabled: true, ephemeral: false }, 1e12), 'healthy');
});

test('an ephemeral, healthy instance with a recent beat is still beating; others are not', () => {
  assert.equal(stillBeating(base, 12_000), true);
  assert.equal(stillBeating(base, 10_000 + 15_001), false);
  assert.equal(stillBeating({ ...base, healthy: false }, 10_000), false);
  assert.equal(stillBeating({ ...base, ephemeral: false }, 10_000), false);
  // Data polled up to a second ago: a beat may have come since, so the allowance grows by the poll period.
  assert.equal(stillBeating(base, 10_000 + 15_500, 1_000), true);
  assert.equal(stillBeating(base, 10_000 + 16_001, 1_000), false);
});

test('service badge: tripped threshold first, then empty, down, degraded, healthy', () => {
  assert.equal(serviceHealth({ ipCount: 3, healthyInstanceCount: 3, reachProtectionThreshold: true }), 'protected');
  assert.equal(serviceHealth({ ipCount: 0, healthyInstanceCount: 0 }), 'empty');
  assert.equal(serviceHealth({ ipCount: 2, healthyInstanceCount: 0 }), 'down');
  assert.equal(serviceHealth({ ipCount: 2, healthyInstanceCount: 1 }), 'degraded');
  assert.equal(serviceHealth({ ipCount: 2, healthyInstanceCount: 2 }), 'healthy');
});
