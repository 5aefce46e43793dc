import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelsOf, MAX_FACT_CHARS, MAX_LABELS } from './stream-messages.js';

test('setup labels are strings only, at most MAX_LABELS of them, keys and values clipped', () => {
  assert.deepEqual(labelsOf({ labels: { module: 'naming', AppName: 'orders', n: 1, o: null } }), { module: 'naming', AppName: 'orders' });
  assert.deepEqual(labelsOf({ labels: 'x' }), {});
  assert.deepEqual(labelsOf({}), {});
  const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`.padEnd(1000, 'k'), 'v'.repeat(100_000)]));
  const kept = labelsOf({ labels: many });
  assert.equal(Object.keys(kept).length, MAX_LABELS);
  for (const [k, v] of Object.entries(kept)) assert.ok(k.length === MAX_FACT_CHARS && v.length === MAX_FACT_CHARS);
});
