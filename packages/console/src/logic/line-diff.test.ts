import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineDiff } from './line-diff.js';

test('a changed line is one removal and one addition, numbered in each version', () => {
  const d = lineDiff('a=1\nb=2\nc=3', 'a=1\nb=20\nc=3');
  assert.deepEqual(d.rows, [
    { kind: 'same', text: 'a=1', oldNo: 1, newNo: 1 },
    { kind: 'del', text: 'b=2', oldNo: 2 },
    { kind: 'add', text: 'b=20', newNo: 2 },
    { kind: 'same', text: 'c=3', oldNo: 3, newNo: 3 },
  ]);
  assert.deepEqual([d.added, d.removed], [1, 1]);
});

test('a new config is all additions; identical versions have no changes', () => {
  const created = lineDiff('', 'x\ny');
  assert.deepEqual(
    created.rows.map((r) => r.kind),
    ['add', 'add'],
  );
  const same = lineDiff('x\ny', 'x\ny');
  assert.deepEqual([same.added, same.removed], [0, 0]);
});

test('long unchanged stretches fold into a gap that counts the hidden lines', () => {
  const before = Array.from({ length: 20 }, (_, i) => `k${i}=v`).join('\n');
  const after = before.replace('k10=v', 'k10=changed');
  const d = lineDiff(before, after, 2);
  assert.deepEqual(
    d.rows.map((r) => (r.kind === 'gap' ? `gap${r.hidden}` : r.kind)),
    ['gap8', 'same', 'same', 'del', 'add', 'same', 'same', 'gap7'],
  );
});
