import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapStatistics } from 'node:v8';
import { HeapWatch, readHeap, recoverPercentOf } from './heap-watch.js';

const quiet = { warn() {}, info() {} };

test('the watch reads the heap once per sampleEveryChecks new entries, a batch counting each of its instances', () => {
  let reads = 0;
  let usedBytes = 10;
  const watch = new HeapWatch({ refusePercent: 85, sampleEveryMs: 1_000, sampleEveryChecks: 100 }, quiet, () => {
    reads++;
    return { usedBytes, limitBytes: 100 };
  });
  assert.equal(reads, 1, 'one sample at construction');
  usedBytes = 90;
  for (let i = 0; i < 99; i++) assert.equal(watch.pressure(), undefined);
  assert.equal(reads, 1, 'asking costs no read');
  assert.deepEqual(watch.pressure(), { usedBytes: 90, limitBytes: 100, refusePercent: 85 });
  assert.equal(reads, 2);
  assert.equal(watch.refused, 1);
  usedBytes = 10;
  assert.ok(watch.pressure(50), 'within the step, the last sample answers');
  assert.equal(reads, 2);
  assert.equal(watch.pressure(150), undefined, 'a batch of 150 is past the step: a fresh sample answers');
  assert.equal(reads, 3);
  assert.deepEqual([watch.refused, watch.underPressure], [2, false]);
});

test('recovery is 10 points under the threshold, half of it under 20 %', () => {
  assert.deepEqual([85, 50, 20, 10, 1].map(recoverPercentOf), [75, 40, 10, 5, 0.5]);
});

test('the old generation is read against its own limit, without the young generation reserve', () => {
  const { usedBytes, limitBytes } = readHeap();
  const whole = getHeapStatistics();
  assert.ok(usedBytes > 0 && usedBytes <= whole.used_heap_size);
  // 16 MB semi-spaces unless this process was started with --max-semi-space-size.
  assert.equal(whole.heap_size_limit - limitBytes, process.execArgv.some((f) => f.includes('semi-space')) ? whole.heap_size_limit - limitBytes : 48 * 1_048_576);
});
