import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Member } from '@cairn/core';
import { probedHere, rendezvous } from './prober.js';

const keys = Array.from({ length: 3_000 }, (_, i) => `public##DEFAULT_GROUP@@svc-${i % 50}#127.0.0.${i % 7}:${8000 + i}`);
const picks = (nodes: readonly string[]) => keys.map((k) => rendezvous(k, nodes));
const count = (list: readonly (string | undefined)[], node: string) => list.filter((n) => n === node).length;

test('every node picks the same prober for a key, whatever the order of its member list', () => {
  const nodes = ['3f9a0c1d2e4b5a60', '0b1c2d3e4f506172', 'a1b2c3d4e5f60718'];
  const reversed = [...nodes].reverse();
  assert.deepEqual(picks(nodes), picks(reversed));
  assert.deepEqual(picks(nodes), picks(nodes));
  assert.equal(rendezvous('any', []), undefined);
  assert.equal(rendezvous('any', ['only']), 'only');
});

test('keys spread over the nodes about evenly', () => {
  const nodes = ['n-a', 'n-b', 'n-c'];
  const chosen = picks(nodes);
  for (const node of nodes) {
    const share = count(chosen, node) / keys.length;
    assert.ok(share > 0.28 && share < 0.39, `${node} probes ${share} of the keys`);
  }
});

test('a node joining takes about 1/N of the keys, all from the others; one leaving gives away only its own', () => {
  const three = ['n-a', 'n-b', 'n-c'];
  const four = [...three, 'n-d'];
  const before = picks(three);
  const after = picks(four);
  const moved = keys.filter((_, i) => before[i] !== after[i]);
  // Every key that moved went to the newcomer, and it took about a quarter.
  assert.ok(
    moved.every((k) => rendezvous(k, four) === 'n-d'),
    'a key moved between two old nodes',
  );
  assert.ok(moved.length > 0.2 * keys.length && moved.length < 0.3 * keys.length, `${moved.length} of ${keys.length} keys moved`);

  // n-b leaves: its keys go to the others, no other key moves.
  const left = picks(['n-a', 'n-c']);
  keys.forEach((_, i) => {
    if (before[i] !== 'n-b') assert.equal(left[i], before[i]);
    else assert.notEqual(left[i], 'n-b');
  });
});

test('this node competes with the members listed UP; SUSPICIOUS and DOWN members are passed over', () => {
  const member = (node: string, state: Member['state']): Member => ({ node, address: `127.0.0.1:${node.length}`, leaseMs: 10_000, startedAt: 0, renewedAt: 0, sinceRenewalMs: 0, state });
  let listed: Member[] = [member('n-a', 'UP'), member('n-b', 'UP'), member('n-c', 'UP')];
  const mine = { a: probedHere('n-a', () => listed), b: probedHere('n-b', () => listed), c: probedHere('n-c', () => listed) };
  for (const key of keys.slice(0, 300)) {
    assert.equal([mine.a(key), mine.b(key), mine.c(key)].filter(Boolean).length, 1, `exactly one prober for ${key}`);
  }
  // In A's view B is DOWN and C SUSPICIOUS: A probes every key.
  listed = [member('n-a', 'UP'), member('n-b', 'DOWN'), member('n-c', 'SUSPICIOUS')];
  for (const key of keys.slice(0, 300)) assert.equal(mine.a(key), true, 'A is the only UP member it lists');
  // Not listed yet (its lease not read back): this node still counts.
  assert.equal(
    keys.every((k) => probedHere('n-z', () => [])(k)),
    true,
  );
});
