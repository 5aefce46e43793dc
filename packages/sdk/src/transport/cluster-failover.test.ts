import { SHARED_DIALECTS, throwAwayDatabase } from '@cairn/server/testing';
import { downMembers, FAST_CLUSTER, killNode, listedPorts, ownerOf, startSpawnedCluster } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NamingClient } from '../index.js';
import { captureLogger, waitFor } from '../testing/helpers.js';

/*
 * The SDK given the list of three real cluster nodes (server processes on one throw-away database) loses the node it
 * uses to SIGKILL: its beats, its registrations and its subscription go on through another node.
 */

const BEAT_MS = 1_000;
const same = (a: readonly number[] | undefined, b: readonly number[]) => JSON.stringify(a) === JSON.stringify(b);

for (const protocol of ['http', 'grpc'] as const) {
  for (const { dialect, name } of SHARED_DIALECTS) {
    test(`${name}, ${protocol}: the SDK given three cluster nodes keeps its instance and its subscription when the node it uses is SIGKILLed`, { timeout: 90_000 }, async (t) => {
      const db = await throwAwayDatabase(t, dialect);
      if (!db) return;
      const service = `sdk-${protocol}-failover`;
      const nodes = await startSpawnedCluster(t, db, 3, ['--beat-interval-ms', String(BEAT_MS)]);
      // random() = 0: both clients start on the first node of the list, and stay there while it answers.
      const options = { serverAddresses: nodes.map((n) => n.address), protocol, random: () => 0, requestTimeoutMs: 1_000, pollIntervalMs: 200, pushEmptyProtection: false };
      const producer = new NamingClient({ ...options, logger: captureLogger() });
      const consumer = new NamingClient({ ...options, logger: captureLogger() });
      t.after(() => Promise.all([producer.close(), consumer.close()]));

      await producer.registerInstance(service, { ip: '127.0.0.1', port: 9301 });
      const seen: number[][] = [];
      consumer.subscribe(service, (change) => seen.push(change.instances.map((i) => i.port).sort()));
      await waitFor('the subscriber is told', () => same(seen.at(-1), [9301]), 5_000);
      const [used, ...survivors] = nodes;
      await waitFor('the node the client uses owns its instance', async () => (await ownerOf(db, nodes, 9301))?.address === used.address, 5_000);
      for (const node of survivors) await waitFor(`registration on ${node.address}`, async () => same(await listedPorts(node, service), [9301]), 5_000);

      await killNode(used);
      const seenBefore = seen.length;
      // Until the dead node is DOWN everywhere and three beats later, both survivors list the instance on every
      // read: the client's next beat (or its reconnection) reaches a survivor before the dead node's lease lapses.
      const started = Date.now();
      const missing: string[] = [];
      let downAt: number | undefined;
      while (downAt === undefined || Date.now() - downAt < 3 * BEAT_MS) {
        for (const node of survivors) if (!(await listedPorts(node, service)).includes(9301)) missing.push(`${Date.now() - started} ms on ${node.address}`);
        if (downAt === undefined && (await downMembers(survivors[0])).includes(used.address)) downAt = Date.now();
        if (Date.now() - started > 8 * FAST_CLUSTER.leaseMs) assert.fail('the killed node is not DOWN on the survivors');
        await sleep(20);
      }
      t.diagnostic(`after the kill: not listed ${missing.length ? missing.slice(0, 5).join(', ') : 'at any read'}`);
      assert.deepEqual(missing, [], 'the instance of a live client left a survivor');
      const owner = await ownerOf(db, nodes, 9301);
      assert.ok(owner !== undefined && owner !== used, 'a survivor owns the instance');
      assert.ok(
        seen.slice(seenBefore).every((ports) => ports.includes(9301)),
        `the subscriber was told the instance left: ${JSON.stringify(seen.slice(seenBefore))}`,
      );
      const dead = producer.stats().servers.find((s) => s.address === used.address);
      assert.equal(dead?.healthy, false, 'the client set the dead node aside');

      // Registration and subscription go on through the survivors.
      await producer.registerInstance(service, { ip: '127.0.0.1', port: 9302 });
      for (const node of survivors) await waitFor(`second registration on ${node.address}`, async () => same(await listedPorts(node, service), [9301, 9302]), 5_000);
      await waitFor('the subscriber is told of the second registration', () => same(seen.at(-1), [9301, 9302]), 5_000);
    });
  }
}
