import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memberChanges } from './member-changes.js';
import { memberState, membersByAddress } from './member-states.js';
import type { MemberSighting } from './member-store.js';

const sighting = (node: string, address: string, sinceRenewalMs: number, overrides: Partial<MemberSighting> = {}): MemberSighting => ({
  node,
  address,
  leaseMs: 10_000,
  startedAt: 1_000,
  renewedAt: 2_000,
  sinceRenewalMs,
  ...overrides,
});

test('a member is UP within half its lease, SUSPICIOUS in the second half, DOWN once it lapsed', () => {
  assert.equal(memberState(0, 10_000), 'UP');
  assert.equal(memberState(5_000, 10_000), 'UP');
  assert.equal(memberState(5_001, 10_000), 'SUSPICIOUS');
  assert.equal(memberState(9_999, 10_000), 'SUSPICIOUS');
  assert.equal(memberState(10_000, 10_000), 'DOWN');
  // A lease given back (graceful shutdown) is 0: DOWN at once.
  assert.equal(memberState(0, 0), 'DOWN');
});

test('a restarted node shows UP under its address, not its previous run DOWN beside it', () => {
  const members = membersByAddress([sighting('old', '10.0.0.2:8848', 60_000), sighting('new', '10.0.0.2:8848', 100, { startedAt: 70_000 }), sighting('b', '10.0.0.1:8848', 100)]);
  assert.deepEqual(
    members.map((m) => [m.address, m.node, m.state]),
    [
      ['10.0.0.1:8848', 'b', 'UP'],
      ['10.0.0.2:8848', 'new', 'UP'],
    ],
  );
});

test('two lapsed runs of one address show the later one; rows age by the time since they were read', () => {
  const members = membersByAddress([sighting('first', 'a:1', 90_000, { startedAt: 1 }), sighting('second', 'a:1', 80_000, { startedAt: 2 })]);
  assert.deepEqual(
    members.map((m) => [m.node, m.state]),
    [['second', 'DOWN']],
  );
  assert.equal(membersByAddress([sighting('x', 'a:1', 4_000)], 2_000)[0].state, 'SUSPICIOUS');
});

test('member events: an address that turns DOWN, and one UP that was DOWN or not listed; SUSPICIOUS makes none', () => {
  const before = new Map([
    ['a:1', 'UP'],
    ['b:1', 'SUSPICIOUS'],
    ['c:1', 'DOWN'],
    ['d:1', 'UP'],
  ] as const);
  const now = membersByAddress([sighting('a', 'a:1', 20_000), sighting('b', 'b:1', 7_000), sighting('c2', 'c:1', 0), sighting('d', 'd:1', 6_000), sighting('e', 'e:1', 0)]);
  assert.deepEqual(
    memberChanges(before, now, 99).map((e) => [e.cause, e.address, e.node, e.previous]),
    [
      ['MEMBER_DOWN', 'a:1', 'a', 'UP'],
      ['MEMBER_UP', 'c:1', 'c2', 'DOWN'],
      ['MEMBER_UP', 'e:1', 'e', null],
    ],
  );
});
