import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CairnEvent } from '../domain-events.js';
import { EventBus } from '../shared/event-bus.js';
import { recordDomainEvents } from './record-domain-events.js';
import type { Cause } from './causes.js';
import { Journal, type NewJournalEvent } from './journal.js';

function event(at: number, overrides: Partial<NewJournalEvent> = {}): NewJournalEvent {
  return { at, cause: 'INSTANCE_REGISTERED', namespace: 'public', group: 'DEFAULT_GROUP', service: 'orders', ip: '10.0.0.1', port: 8080, evidence: {}, ...overrides };
}

test('the journal keeps at most maxEvents, dropping the oldest first', () => {
  const journal = new Journal({ maxEvents: 5, maxAgeMs: 3_600_000 });
  for (let i = 0; i < 12; i++) journal.append(event(1_000 + i, { port: i }));
  assert.equal(journal.size, 5);
  const page = journal.query({});
  assert.equal(page.total, 5);
  assert.deepEqual(
    page.events.map((e) => e.port),
    [11, 10, 9, 8, 7],
    'newest first, the oldest gone',
  );
  assert.deepEqual(
    page.events.map((e) => e.seq),
    [12, 11, 10, 9, 8],
    'sequence numbers keep counting',
  );
});

test('the journal drops events older than maxAgeMs, on append and in queries given now', () => {
  const journal = new Journal({ maxEvents: 100, maxAgeMs: 10_000 });
  journal.append(event(0, { port: 1 }));
  journal.append(event(5_000, { port: 2 }));
  journal.append(event(12_000, { port: 3 })); // pushes out the event at 0
  assert.equal(journal.size, 2);
  assert.deepEqual(
    journal.query({}).events.map((e) => e.port),
    [3, 2],
    'without now, every kept event counts',
  );
  assert.deepEqual(
    journal.query({}, 1, 100, 16_000).events.map((e) => e.port),
    [3],
    'with now, aged events are left out',
  );
  assert.deepEqual(journal.query({}, 1, 100, 30_000).events, []);
});

test('a full ring that wraps around still answers in order and ages out correctly', () => {
  const journal = new Journal({ maxEvents: 4, maxAgeMs: 5_000 });
  for (let i = 0; i < 10; i++) journal.append(event(i * 1_000, { port: i }));
  assert.deepEqual(
    journal.query({}).events.map((e) => e.port),
    [9, 8, 7, 6],
  );
  journal.append(event(20_000, { port: 20 }));
  assert.deepEqual(
    journal.query({}).events.map((e) => e.port),
    [20],
  );
  journal.append(event(21_000, { port: 21 }));
  assert.deepEqual(
    journal.query({}).events.map((e) => e.port),
    [21, 20],
  );
});

test('query filters by namespace, group, service, ip, port, cause and time, newest first', () => {
  const journal = new Journal({ maxEvents: 100, maxAgeMs: 3_600_000 });
  const rows: [number, Partial<NewJournalEvent>][] = [
    [1_000, {}],
    [2_000, { namespace: 'dev' }],
    [3_000, { group: 'blue' }],
    [4_000, { service: 'payments' }],
    [5_000, { ip: '10.0.0.2' }],
    [6_000, { port: 9090 }],
    [7_000, { cause: 'BEAT_MISSED' }],
    [8_000, {}],
  ];
  for (const [at, o] of rows) journal.append(event(at, o));
  const ats = (f: Parameters<Journal['query']>[0]): number[] => journal.query(f).events.map((e) => e.at);
  assert.deepEqual(ats({}), [8_000, 7_000, 6_000, 5_000, 4_000, 3_000, 2_000, 1_000]);
  assert.deepEqual(ats({ namespace: 'dev' }), [2_000]);
  assert.deepEqual(ats({ group: 'blue' }), [3_000]);
  assert.deepEqual(ats({ service: 'payments' }), [4_000]);
  assert.deepEqual(ats({ ip: '10.0.0.2' }), [5_000]);
  assert.deepEqual(ats({ port: 9090 }), [6_000]);
  assert.deepEqual(ats({ cause: 'BEAT_MISSED' as Cause }), [7_000]);
  assert.deepEqual(ats({ namespace: 'public', group: 'DEFAULT_GROUP', service: 'orders', ip: '10.0.0.1', port: 8080 }), [8_000, 7_000, 1_000]);
  assert.deepEqual(ats({ since: 3_000, until: 5_000 }), [5_000, 4_000, 3_000], 'since and until are inclusive');
  assert.deepEqual(ats({ since: 7_500 }), [8_000]);
  assert.deepEqual(ats({ until: 1_999 }), [1_000]);
});

test('query pages: pageNo from 1, total counts every match', () => {
  const journal = new Journal({ maxEvents: 100, maxAgeMs: 3_600_000 });
  for (let i = 1; i <= 25; i++) journal.append(event(i, { port: i }));
  const page1 = journal.query({}, 1, 10);
  const page3 = journal.query({}, 3, 10);
  assert.equal(page1.total, 25);
  assert.deepEqual(
    page1.events.map((e) => e.port),
    [25, 24, 23, 22, 21, 20, 19, 18, 17, 16],
  );
  assert.deepEqual(
    page3.events.map((e) => e.port),
    [5, 4, 3, 2, 1],
  );
  assert.deepEqual(journal.query({}, 4, 10).events, []);
  assert.deepEqual(
    journal.query({}, 0, 2).events.map((e) => e.port),
    [25, 24],
    'a page number below 1 reads as the first page',
  );
});

test('the journal records instance and service events from the bus, and stops when unsubscribed', () => {
  const journal = new Journal({ maxEvents: 10, maxAgeMs: 60_000 });
  const bus = new EventBus<CairnEvent>();
  const stop = recordDomainEvents(journal, bus);
  const at = 1_000;
  bus.publish({ type: 'instance', at, cause: 'INSTANCE_REGISTERED', namespace: 'public', group: 'G', service: 's', cluster: 'DEFAULT', ip: '10.0.0.1', port: 80, ephemeral: true, healthy: true, evidence: { by: '10.0.0.1' } });
  bus.publish({ type: 'service', at, cause: 'SERVICE_CREATED', namespace: 'public', group: 'G', service: 's', evidence: {} });
  bus.publish({ type: 'namespace', namespace: { id: 'dev', name: 'dev', description: '', createdAt: at }, removed: false });
  assert.deepEqual(
    journal.query({}, 1, 10, at).events.map((e) => [e.seq, e.cause]),
    [
      [2, 'SERVICE_CREATED'],
      [1, 'INSTANCE_REGISTERED'],
    ],
  );
  assert.equal(journal.query({}, 1, 10, at).events[1].evidence.by, '10.0.0.1');
  stop();
  assert.equal(bus.listenerCount('instance'), 0);
  bus.publish({ type: 'service', at, cause: 'SERVICE_REMOVED', namespace: 'public', group: 'G', service: 's', evidence: {} });
  assert.equal(journal.size, 2);
});

test('config publishes and deletes are journaled with their key, md5, type and author; naming events are unchanged', async () => {
  const { ConfigCenter } = await import('../config/config-center.js');
  const { configKeyOf } = await import('../config/config-validation.js');
  const { FakeTime } = await import('../shared/time/fake-time.js');
  const time = new FakeTime();
  const bus = new EventBus<CairnEvent>();
  const journal = new Journal({ maxEvents: 100, maxAgeMs: 3_600_000 });
  recordDomainEvents(journal, bus);
  const center = new ConfigCenter({ clock: time, events: bus });
  const key = configKeyOf('app.yaml', 'DEFAULT_GROUP', '');
  const author = { sourceIp: '10.1.1.1', clientAgent: 'curl/8', claimedUser: 'alice' };
  const t0 = time.now();
  const first = center.publish({ key, content: 'a: 1', type: 'yaml' }, author);
  time.advance(1_000);
  const second = center.publish({ key, content: 'a: 2', type: 'yaml' }, { ...author, claimedUser: 'bob' });
  time.advance(1_000);
  center.remove(key, { ...author, sourceIp: '10.2.2.2' });
  center.remove(configKeyOf('other', 'DEFAULT_GROUP', 'dev'), author); // nothing to delete: no event
  const page = journal.query({ dataId: 'app.yaml' });
  assert.deepEqual(
    page.events.map((e) => [e.cause, e.at - t0, e.namespace, e.group, e.service, e.dataId]),
    [
      ['CONFIG_REMOVED', 2_000, 'public', 'DEFAULT_GROUP', '', 'app.yaml'],
      ['CONFIG_PUBLISHED', 1_000, 'public', 'DEFAULT_GROUP', '', 'app.yaml'],
      ['CONFIG_PUBLISHED', 0, 'public', 'DEFAULT_GROUP', '', 'app.yaml'],
    ],
  );
  assert.deepEqual(page.events[2]!.evidence, { op: 'I', md5: first.md5, type: 'yaml', historyId: 1, from: '10.1.1.1', agent: 'curl/8', claimedUser: 'alice' });
  assert.deepEqual(page.events[1]!.evidence, { op: 'U', md5: second.md5, type: 'yaml', historyId: 2, from: '10.1.1.1', agent: 'curl/8', claimedUser: 'bob' });
  assert.deepEqual(page.events[0]!.evidence, { op: 'D', md5: '', type: 'yaml', historyId: 3, from: '10.2.2.2', agent: 'curl/8', claimedUser: 'alice' });
  assert.equal(journal.size, 3);
  assert.equal(journal.query({ dataId: 'other' }).total, 0);

  const naming = { type: 'instance', ...event(time.now()) } as CairnEvent;
  bus.publish(naming);
  const latest = journal.query({}).events[0]!;
  assert.equal(latest.cause, 'INSTANCE_REGISTERED');
  assert.equal('dataId' in latest, false, 'a naming event carries no dataId');
  assert.equal(journal.query({ dataId: 'app.yaml' }).total, 3, 'the dataId filter leaves naming events out');
  assert.equal(journal.query({ service: 'orders' }).total, 1, 'a service filter leaves config events out');
});
