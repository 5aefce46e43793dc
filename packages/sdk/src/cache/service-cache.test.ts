import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CairnRequestError, NamingClient, type ServiceChange } from '../index.js';
import { FakeNacos } from '../testing/fake-nacos.js';
import { captureLogger, waitFor } from '../testing/helpers.js';

const two = [
  { ip: '127.0.0.1', port: 1 },
  { ip: '127.0.0.1', port: 2 },
];

function clientOf(fake: FakeNacos, extra: Partial<ConstructorParameters<typeof NamingClient>[0]> = {}): NamingClient {
  return new NamingClient({ serverAddresses: [fake.address], logger: captureLogger(), requestTimeoutMs: 500, ...extra });
}

test('push-empty protection: an empty answer keeps the last non-empty list, real changes still arrive', async () => {
  const fake = await new FakeNacos().start();
  after(() => fake.close());
  fake.hosts = two;
  const logger = captureLogger();
  const consumer = clientOf(fake, { logger });
  const reader = clientOf(fake);
  const changes: ServiceChange[] = [];
  consumer.subscribe('guarded', (c) => changes.push(c));
  await waitFor('first list', () => changes.length === 1, 2000);
  assert.equal((await reader.getAllInstances('guarded')).length, 2);
  fake.hosts = [];
  const polls = consumer.stats().polls;
  await waitFor('several empty polls', () => consumer.stats().polls >= polls + 3, 2000);
  assert.equal(changes.length, 1, 'no change delivered for the empty answers');
  assert.deepEqual(
    (await consumer.getAllInstances('guarded')).map((i) => i.port),
    [1, 2],
  );
  assert.deepEqual(
    (await reader.getAllInstances('guarded')).map((i) => i.port),
    [1, 2],
    'a direct read is protected too',
  );
  assert.ok(consumer.stats().emptyAnswersIgnored >= 3);
  assert.equal(logger.lines.filter((l) => l.message.includes('pushEmptyProtection')).length, 1, 'logged once');
  fake.hosts = [two[1]];
  await waitFor('a real change', () => changes.length === 2, 2000);
  assert.deepEqual(
    changes[1].removed.map((i) => i.port),
    [1],
  );
  await Promise.all([consumer.close(), reader.close()]);
});

test('with pushEmptyProtection false an empty answer empties the list', async () => {
  const fake = await new FakeNacos().start();
  after(() => fake.close());
  fake.hosts = two;
  const consumer = clientOf(fake, { pushEmptyProtection: false });
  const changes: ServiceChange[] = [];
  consumer.subscribe('unguarded', (c) => changes.push(c));
  await waitFor('first list', () => changes.length === 1, 2000);
  fake.hosts = [];
  await waitFor('emptied', () => changes.length === 2, 2000);
  assert.deepEqual(changes[1].instances, []);
  assert.deepEqual(
    changes[1].removed.map((i) => i.port),
    [1, 2],
  );
  await consumer.close();
});

test('a consumer keeps working through a registry outage from its memory cache', async () => {
  const fake = await new FakeNacos().start();
  after(() => fake.close());
  fake.hosts = two;
  const logger = captureLogger();
  const consumer = clientOf(fake, { pollIntervalMs: 50, logger, username: 'app', password: 'pa55-secret' });
  const sub = consumer.subscribe('kept');
  await waitFor('first list', () => sub.current()?.instances.length === 2, 2000);
  assert.equal((await consumer.getAllInstances('other-svc')).length, 2);
  await fake.close();
  await waitFor('a failed poll', () => Object.keys(consumer.stats().pollFailures).length > 0, 2000);
  assert.ok((await consumer.selectOneHealthyInstance('kept'))?.port);
  const snap = await consumer.getService('other-svc');
  assert.equal(snap.fromCache, true);
  assert.equal(snap.instances.length, 2);
  assert.equal(consumer.stats().cacheFallbacks, 1);
  await assert.rejects(consumer.getAllInstances('other-svc', { cacheFallback: false }), (e: unknown) => e instanceof CairnRequestError && e.kind === 'refused');
  await assert.rejects(consumer.getAllInstances('never-seen'), (e: unknown) => e instanceof CairnRequestError && e.kind === 'refused');
  assert.ok(logger.lines.some((l) => l.level === 'warn' && l.message.startsWith('subscription poll failed (refused)')));
  assert.ok(
    logger.lines.every((l) => !JSON.stringify(l).includes('pa55-secret')),
    'the password is never logged',
  );
  await consumer.close();
});

test('the disk cache survives a client restart and serves a registry that is down', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cairn-sdk-cache-'));
  after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const fake = await new FakeNacos().start();
  after(() => fake.close());
  fake.hosts = two;
  const first = clientOf(fake, { cacheDir });
  assert.equal((await first.getAllInstances('disk-svc', { clusters: ['DEFAULT'] })).length, 2);
  await first.close(); // flushes the disk writes
  const folder = join(cacheDir, 'naming', 'public');
  assert.deepEqual(readdirSync(folder), [`${encodeURIComponent('DEFAULT_GROUP@@disk-svc@@DEFAULT')}.json`], 'one file, no temp file left');
  assert.equal(JSON.parse(readFileSync(join(folder, readdirSync(folder)[0]), 'utf8')).instances.length, 2);
  await fake.close();

  const second = clientOf(fake, { cacheDir });
  const snap = await second.getService('disk-svc', { clusters: ['DEFAULT'] });
  assert.equal(snap.fromCache, true);
  assert.deepEqual(
    snap.instances.map((i) => i.port),
    [1, 2],
  );
  const changes: ServiceChange[] = [];
  const third = clientOf(fake, { cacheDir });
  third.subscribe('disk-svc', { clusters: ['DEFAULT'] }, (c) => changes.push(c));
  await waitFor('cached list delivered', () => changes.length === 1, 2000);
  assert.equal(changes[0].fromCache, true);
  assert.deepEqual(
    changes[0].added.map((i) => i.port),
    [1, 2],
  );
  const otherNamespace = clientOf(fake, { cacheDir, namespace: 'dev' });
  await assert.rejects(otherNamespace.getAllInstances('disk-svc', { clusters: ['DEFAULT'] }), CairnRequestError);
  await Promise.all([second.close(), third.close(), otherNamespace.close()]);
});
