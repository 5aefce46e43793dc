import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatClock } from './format.js';
import { serviceSentence } from './service-sentence.js';

const summary = { ipCount: 3, healthyInstanceCount: 2, unhealthyInstanceCount: 1, disabledInstanceCount: 1, protectThreshold: 0.8, reachProtectionThreshold: false };

test('counts, then the last change that mattered (late beats do not count as a change)', () => {
  const events = [
    { at: 5000, cause: 'BEAT_LATE', ip: '10.0.0.2', port: 80 },
    { at: 4000, cause: 'BEAT_MISSED', ip: '10.0.0.1', port: 80 },
  ];
  assert.equal(serviceSentence(summary, events), `2 of 3 instances healthy; 1 unhealthy, 1 offline. Last change at ${formatClock(4000)}: 10.0.0.1:80 turned unhealthy (no heartbeat).`);
});

test('a tripped threshold is said; a missing service and an empty one too', () => {
  assert.match(serviceSentence({ ...summary, reachProtectionThreshold: true }, []), /protect threshold \(80 %\) is reached/);
  assert.match(serviceSentence(undefined, []), /does not exist now/);
  assert.equal(serviceSentence({ ...summary, ipCount: 0, healthyInstanceCount: 0, unhealthyInstanceCount: 0, disabledInstanceCount: 0 }, []), 'No instances.');
});

test('an instance removed with its gRPC connection is the last change', () => {
  const events = [{ at: 7000, cause: 'CONNECTION_INSTANCE_REMOVED', ip: '10.0.0.3', port: 80 }];
  assert.match(serviceSentence(summary, events), /Last change at .*: 10\.0\.0\.3:80 removed with its gRPC connection\.$/);
});
