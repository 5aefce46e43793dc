import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlineQueue } from './deadline-queue.js';
import { FakeTime } from './fake-time.js';

test('DeadlineQueue pops entries in deadline order, only once due', () => {
  const q = new DeadlineQueue<string>();
  for (const [at, item] of [
    [50, 'e'],
    [10, 'a'],
    [40, 'd'],
    [20, 'b'],
    [30, 'c'],
    [60, 'f'],
  ] as const)
    q.push(at, item);
  assert.equal(q.size, 6);
  assert.equal(q.peekAt(), 10);
  assert.equal(q.popDue(9), undefined, 'nothing is due before the earliest deadline');
  const popped: string[] = [];
  for (let e = q.popDue(45); e; e = q.popDue(45)) popped.push(`${e.item}@${e.at}`);
  assert.deepEqual(popped, ['a@10', 'b@20', 'c@30', 'd@40']);
  assert.equal(q.peekAt(), 50);
  assert.equal(q.size, 2);
});

test('DeadlineQueue keeps push order among equal deadlines', () => {
  const q = new DeadlineQueue<number>();
  for (let i = 0; i < 20; i++) q.push(i % 2 === 0 ? 100 : 200, i);
  const popped: number[] = [];
  for (let e = q.popDue(1000); e; e = q.popDue(1000)) popped.push(e.item);
  assert.deepEqual(popped, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
});

test('DeadlineQueue sorts a large random set', () => {
  const q = new DeadlineQueue<number>();
  let seed = 42;
  const ats: number[] = [];
  for (let i = 0; i < 500; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    ats.push(seed % 10_000);
    q.push(seed % 10_000, i);
  }
  const popped: number[] = [];
  for (let e = q.popDue(Infinity); e; e = q.popDue(Infinity)) popped.push(e.at);
  assert.deepEqual(
    popped,
    [...ats].sort((a, b) => a - b),
  );
  assert.equal(q.size, 0);
  assert.equal(q.peekAt(), undefined);
});

test('FakeTime.advance stops at each alarm in order, with the clock at the alarm time', () => {
  const time = new FakeTime(1_000);
  const fired: string[] = [];
  const plan = [1_500, 2_000, 2_000, 4_000];
  let next = 0;
  const arm = (): void => {
    if (next >= plan.length) return;
    const at = plan[next++];
    time.set(at, () => {
      fired.push(`${at}:${time.now()}`);
      arm();
    });
  };
  arm();
  time.advance(499);
  assert.deepEqual(fired, [], 'nothing fires before its time');
  assert.equal(time.now(), 1_499);
  time.advance(1);
  assert.deepEqual(fired, ['1500:1500'], 'an alarm fires exactly at its time');
  time.advance(2_000);
  assert.deepEqual(fired, ['1500:1500', '2000:2000', '2000:2000'], 'an alarm set for now during a firing fires in the same advance');
  assert.equal(time.now(), 3_500, 'the clock ends at the target');
  time.advance(500);
  assert.deepEqual(fired.at(-1), '4000:4000');
});

test('FakeTime.cancel drops the pending alarm', () => {
  const time = new FakeTime(0);
  let fired = false;
  time.set(100, () => {
    fired = true;
  });
  time.cancel();
  time.advance(1_000);
  assert.equal(fired, false);
});

test('DeadlineQueue pops many equal deadlines in push order, each with its owner, across interleaved pushes and pops', () => {
  const q = new DeadlineQueue<number, string>();
  let seed = 7;
  const pushed: { at: number; i: number }[] = [];
  const popped: { at: number; i: number }[] = [];
  for (let i = 0; i < 2_000; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const at = 1_000 + (seed % 20);
    q.push(at, i, `owner-${i}`);
    pushed.push({ at, i });
    if (i % 3 === 2) {
      const e = q.popDue(Infinity)!;
      assert.equal(e.owner, `owner-${e.item}`);
      popped.push({ at: e.at, i: e.item });
    }
  }
  for (let e = q.popDue(Infinity); e; e = q.popDue(Infinity)) {
    assert.equal(e.owner, `owner-${e.item}`);
    popped.push({ at: e.at, i: e.item });
  }
  assert.equal(popped.length, pushed.length);
  // Whatever was popped together after the last interleaved pop comes out sorted by deadline, then push order.
  const tail = popped.slice(Math.floor(2_000 / 3));
  const sorted = [...tail].sort((a, b) => a.at - b.at || a.i - b.i);
  assert.deepEqual(tail, sorted);
});
