import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorCodeOf } from '../shared/error-code-of.js';
import { ReservedHistoryIds } from './history-ids.js';
import type { HistoryIdBlock } from './store/config-store.js';

/** A database counter as reserveHistoryIds keeps it: each block above every block before it. */
function counter(start = 0) {
  let last = start;
  const asked: number[] = [];
  return {
    asked,
    skipTo: (n: number) => {
      last = Math.max(last, n);
    },
    reserve: async (count: number): Promise<HistoryIdBlock> => {
      asked.push(count);
      last += count;
      return { first: last - count + 1, last };
    },
  };
}

test('ids come from reserved blocks, never twice, and a new block is reserved before the last one runs out', async () => {
  const db = counter(100);
  const ids = new ReservedHistoryIds(db.reserve, (e) => assert.fail(String(e)), 4);
  assert.equal(
    errorCodeOf(() => ids.next()),
    'OVERLOADED:undefined',
    'nothing reserved yet: refused, not numbered',
  );
  await new Promise((resolve) => setImmediate(resolve));
  const taken: number[] = [];
  for (let i = 0; i < 8; i++) {
    taken.push(ids.next());
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.deepEqual(taken, [101, 102, 103, 104, 105, 106, 107, 108]);
  assert.equal(new Set(taken).size, taken.length);
});

test('above() skips past an id another node used, reserving anew when nothing left lies above it', async () => {
  const db = counter();
  const ids = new ReservedHistoryIds(db.reserve, (e) => assert.fail(String(e)), 10);
  await ids.start();
  assert.equal(ids.next(), 1);
  await ids.above(5);
  assert.equal(ids.next(), 6, 'within the block: skipped ahead');
  db.skipTo(40); // the other node reserved 21..40 meanwhile
  await ids.above(35);
  assert.ok(ids.next() > 40);
});

test('a failed reservation is reported and refused publishes recover once the database answers', async () => {
  let fail = true;
  const failures: unknown[] = [];
  const db = counter();
  const ids = new ReservedHistoryIds(
    (n) => (fail ? Promise.reject(new Error('down')) : db.reserve(n)),
    (e) => failures.push(e),
    2,
  );
  await assert.rejects(ids.start(), /down/);
  assert.equal(
    errorCodeOf(() => ids.next()),
    'OVERLOADED:undefined',
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(failures.length, 1);
  fail = false;
  assert.equal(
    errorCodeOf(() => ids.next()),
    'OVERLOADED:undefined',
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ids.next(), 1);
});
