import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEmptyDelta, listDelta } from './list-delta.js';

type Row = { id: string; healthy: boolean; beat: number };
const key = (r: Row) => r.id;
const fp = (r: Row) => String(r.healthy);

test('added, changed and removed rows are told apart; ignored fields are no change', () => {
  const prev: Row[] = [
    { id: 'a', healthy: true, beat: 1 },
    { id: 'b', healthy: true, beat: 1 },
    { id: 'c', healthy: true, beat: 1 },
  ];
  const next: Row[] = [
    { id: 'a', healthy: true, beat: 2 },
    { id: 'b', healthy: false, beat: 2 },
    { id: 'd', healthy: true, beat: 2 },
  ];
  assert.deepEqual(listDelta(prev, next, key, fp), { added: ['d'], changed: ['b'], removed: ['c'] });
});

test('the same list is an empty delta', () => {
  const rows: Row[] = [{ id: 'a', healthy: true, beat: 1 }];
  assert.equal(isEmptyDelta(listDelta(rows, [{ ...rows[0], beat: 9 }], key, fp)), true);
  assert.equal(isEmptyDelta(listDelta([], rows, key, fp)), false);
});
