import type { MemberLease, MemberSighting, MemberStore } from '@cairn/core';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { Membership } from './membership.js';

/** A lease table in memory whose database can be switched off. */
class FlakyMembers implements MemberStore {
  up = true;
  renewals = 0;
  private rows = new Map<string, MemberSighting>();

  private check(): void {
    if (!this.up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  }
  async renew(lease: MemberLease): Promise<void> {
    this.check();
    this.renewals++;
    this.rows.set(lease.node, { ...lease, startedAt: this.rows.get(lease.node)?.startedAt ?? 1, renewedAt: 1, sinceRenewalMs: 0 });
  }
  async leave(node: string): Promise<void> {
    this.check();
    const row = this.rows.get(node);
    if (row) this.rows.set(node, { ...row, leaseMs: 0 });
  }
  async list(): Promise<MemberSighting[]> {
    this.check();
    return [...this.rows.values()];
  }
  async prune(): Promise<void> {
    this.check();
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not seen within 5 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a database that stops answering is logged once and retried; the node keeps running, its view ages to DOWN, and recovery is logged', async () => {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const store = new FlakyMembers();
  const membership = new Membership(store, 'n1', { renewMs: 20, leaseMs: 200 }, pino({ level: 'info' }, sink));
  await membership.start('127.0.0.1:8848');
  assert.equal(membership.self().state, 'UP');

  store.up = false;
  const failedFrom = store.renewals;
  await until(() => membership.members()[0]?.state === 'DOWN', 'the unrenewed lease shown DOWN');
  assert.equal(store.renewals, failedFrom);
  assert.match(membership.status.failing ?? '', /ECONNREFUSED/);
  const warnings = lines.filter((l) => /renewing the lease failed/.test(l.msg));
  assert.equal(warnings.length, 1, 'logged once, not at every retry');

  store.up = true;
  await until(() => membership.self().state === 'UP', 'the renewed lease shown UP again');
  await until(() => lines.some((l) => /renewed again/.test(l.msg)), 'the recovery logged');
  assert.equal(membership.status.failing, null);
  await membership.leave();
  assert.equal((await store.list())[0].leaseMs, 0);
});
