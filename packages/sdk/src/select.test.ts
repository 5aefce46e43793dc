import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickWeighted } from './select.js';

test('weighted choice follows the weights and skips zero weights', () => {
  const items = [
    { id: 'a', weight: 1 },
    { id: 'z', weight: 0 },
    { id: 'b', weight: 3 },
  ];
  const at = (r: number) => pickWeighted(items, () => r)?.id;
  assert.equal(at(0), 'a');
  assert.equal(at(0.24), 'a');
  assert.equal(at(0.26), 'b');
  assert.equal(at(0.999999), 'b');
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const counts = { a: 0, b: 0 } as Record<string, number>;
  for (let i = 0; i < 4000; i++) counts[pickWeighted(items, rnd)!.id]++;
  assert.ok(counts.b / counts.a > 2.5 && counts.b / counts.a < 3.5, JSON.stringify(counts));
  assert.equal(pickWeighted([{ weight: 0 }]), undefined);
  assert.equal(pickWeighted([]), undefined);
});
