import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../shared/event-bus.js';
import { FakeTime } from '../shared/time/fake-time.js';
import type { ConfigClientEvent } from './config-events.js';
import { ConfigListeners, isListening, type ConfigListenersSettings } from './config-listeners.js';
import { configKeyOf } from './config-validation.js';

const KEY = configKeyOf('app.yaml', 'G', '');
const OTHER = configKeyOf('db.yaml', 'G', 'dev');
const CLIENT = { ip: '10.0.0.8', agent: 'Nacos-Java-Client:v2.1.0', via: 'POST /nacos/v1/cs/configs/listener' };
const FETCH = { ...CLIENT, via: 'GET /nacos/v1/cs/configs' };

function table(settings: Partial<ConfigListenersSettings> = {}) {
  const time = new FakeTime();
  const bus = new EventBus<ConfigClientEvent>();
  const events: ConfigClientEvent[] = [];
  bus.on('configClient', (e) => events.push(e));
  return { time, events, listeners: new ConfigListeners({ clock: time, events: bus }, settings) };
}

test('a held poll records the client, and a re-poll with the same md5 publishes nothing new', () => {
  const { time, events, listeners } = table();
  const first = listeners.pollArrived(CLIENT, [{ key: KEY, md5: 'm1' }], true);
  const [row] = listeners.of(KEY);
  assert.deepEqual({ md5: row.md5, since: row.listeningSince, held: row.heldPolls, heldSince: row.heldSince }, { md5: 'm1', since: time.now(), held: 1, heldSince: time.now() });
  time.advance(29_500);
  listeners.pollAnswered(first, [], () => 'm1');
  assert.equal(listeners.of(KEY)[0].heldPolls, 0);
  assert.equal(listeners.of(KEY)[0].pollEndedAt, time.now());
  listeners.pollArrived(CLIENT, [{ key: KEY, md5: 'm1' }], true);
  assert.deepEqual(
    events.map((e) => [e.cause, e.ip, e.agent, e.via, 'md5' in e ? e.md5 : undefined]),
    [['CONFIG_LISTENER_HELD', CLIENT.ip, CLIENT.agent, CLIENT.via, 'm1']],
  );
});

test('a notification is published for each changed key with the md5s and how long the poll was held', () => {
  const { time, events, listeners } = table();
  const poll = listeners.pollArrived(
    CLIENT,
    [
      { key: KEY, md5: 'm1' },
      { key: OTHER, md5: 'o1' },
    ],
    true,
  );
  time.advance(5_000);
  listeners.pollAnswered(poll, [{ key: KEY, md5: 'm1' }], () => 'm2');
  const notified = events.filter((e) => e.cause === 'CONFIG_LISTENER_NOTIFIED');
  assert.deepEqual(notified, [
    { type: 'configClient', cause: 'CONFIG_LISTENER_NOTIFIED', namespace: 'public', group: 'G', dataId: 'app.yaml', ip: CLIENT.ip, agent: CLIENT.agent, via: CLIENT.via, at: time.now(), clientMd5: 'm1', md5: 'm2', heldMs: 5_000 },
  ]);
  const row = listeners.of(KEY)[0];
  assert.deepEqual([row.notifiedAt, row.notifiedMd5, row.md5, row.heldPolls], [time.now(), 'm2', 'm1', 0]);
  assert.equal(listeners.of(OTHER)[0].notifiedAt, undefined);
  // Held again with the md5 it held before the change (it did not fetch): news again, one more held event.
  listeners.pollArrived(CLIENT, [{ key: KEY, md5: 'm1' }], true);
  assert.equal(events.filter((e) => e.cause === 'CONFIG_LISTENER_HELD' && e.dataId === 'app.yaml').length, 2);
});

test('a fetch sets the md5 the client holds and is published once per md5 served', () => {
  const { time, events, listeners } = table();
  listeners.fetched(FETCH, KEY, 'm1');
  time.advance(1_000);
  listeners.fetched(FETCH, KEY, 'm1');
  listeners.fetched(FETCH, KEY, 'm2');
  const row = listeners.of(KEY)[0];
  assert.deepEqual([row.md5, row.fetchedAt, row.fetchedMd5, row.listeningSince], ['m2', time.now(), 'm2', undefined]);
  assert.deepEqual(
    events.map((e) => [e.cause, 'md5' in e ? e.md5 : undefined, e.via]),
    [
      ['CONFIG_FETCHED', 'm1', FETCH.via],
      ['CONFIG_FETCHED', 'm2', FETCH.via],
    ],
  );
});

test('two agents at one address are two clients; the tag is kept and published', () => {
  const { events, listeners } = table();
  listeners.pollArrived({ ...CLIENT, tag: 'canary' }, [{ key: KEY, md5: 'm1' }], true);
  listeners.pollArrived({ ...CLIENT, agent: 'curl/8' }, [{ key: KEY, md5: 'm1' }], true);
  assert.deepEqual(
    listeners.of(KEY).map((r) => [r.agent, r.tag]),
    [
      [CLIENT.agent, 'canary'],
      ['curl/8', undefined],
    ],
  );
  assert.equal(events[0].tag, 'canary');
  assert.equal('tag' in events[1], false);
  assert.equal(listeners.ofIp(CLIENT.ip).length, 2);
  assert.equal(listeners.ofIp('10.0.0.9').length, 0);
});

test('a dropped poll ends the hold; a poll answered at once is never held', () => {
  const { time, events, listeners } = table();
  const held = listeners.pollArrived(CLIENT, [{ key: KEY, md5: 'm1' }], true);
  const second = listeners.pollArrived(CLIENT, [{ key: KEY, md5: 'm1' }], true);
  assert.equal(listeners.of(KEY)[0].heldPolls, 2);
  time.advance(1_000);
  listeners.pollDropped(held);
  assert.equal(listeners.of(KEY)[0].heldPolls, 1, 'the other poll is still held');
  listeners.pollDropped(second);
  assert.deepEqual([listeners.of(KEY)[0].heldPolls, listeners.of(KEY)[0].heldSince], [0, undefined]);
  const quick = listeners.pollArrived(CLIENT, [{ key: OTHER, md5: 'stale' }], false);
  listeners.pollAnswered(quick, [{ key: OTHER, md5: 'stale' }], () => 'new');
  assert.deepEqual([listeners.of(OTHER)[0].heldPolls, listeners.of(OTHER)[0].notifiedMd5, listeners.of(OTHER)[0].pollEndedAt], [0, 'new', time.now()]);
  assert.deepEqual(
    events.map((e) => e.cause === 'CONFIG_LISTENER_NOTIFIED' && e.heldMs),
    [false, 0],
    'held once (the second poll held the same md5), notified at once',
  );
});

test('listening means a poll is held or the last one ended less than silentAfterMs ago', () => {
  const { time, listeners } = table({ silentAfterMs: 10_000 });
  const poll = listeners.pollArrived(CLIENT, [{ key: KEY, md5: 'm1' }], true);
  time.advance(60_000);
  assert.equal(isListening(listeners.of(KEY)[0], time.now(), 10_000), true, 'held for a minute: still listening');
  listeners.pollAnswered(poll, [], () => 'm1');
  time.advance(9_999);
  assert.equal(isListening(listeners.of(KEY)[0], time.now(), 10_000), true);
  time.advance(1);
  assert.equal(isListening(listeners.of(KEY)[0], time.now(), 10_000), false);
});

test('the table is bounded: the least recently seen row goes first, idle rows are forgotten, held ones kept', () => {
  const { time, listeners } = table({ maxEntries: 2, forgetAfterMs: 60_000 });
  listeners.fetched({ ...FETCH, ip: '10.0.0.1' }, KEY, 'm');
  listeners.fetched({ ...FETCH, ip: '10.0.0.2' }, KEY, 'm');
  listeners.fetched({ ...FETCH, ip: '10.0.0.1' }, KEY, 'm'); // seen again: now the most recent
  listeners.fetched({ ...FETCH, ip: '10.0.0.3' }, KEY, 'm');
  assert.deepEqual(
    listeners
      .of(KEY)
      .map((r) => r.ip)
      .sort(),
    ['10.0.0.1', '10.0.0.3'],
  );
  const held = listeners.pollArrived({ ...CLIENT, ip: '10.0.0.1' }, [{ key: KEY, md5: 'm' }], true);
  time.advance(60_001);
  assert.deepEqual(
    listeners.of(KEY).map((r) => r.ip),
    ['10.0.0.1'],
    'the held client stays, the idle one is forgotten',
  );
  listeners.pollDropped(held);
  time.advance(60_001);
  assert.equal(listeners.size, 1);
  assert.deepEqual(listeners.of(KEY), []);
  assert.equal(listeners.size, 0);
});

test('rows are copies: changing one does not change the table', () => {
  const { listeners } = table();
  listeners.fetched(FETCH, KEY, 'm1');
  const row = listeners.of(KEY)[0] as { md5: string; key: { dataId: string } };
  row.md5 = 'changed';
  row.key.dataId = 'changed';
  assert.deepEqual([listeners.of(KEY)[0].md5, listeners.of(KEY)[0].key.dataId], ['m1', 'app.yaml']);
});
