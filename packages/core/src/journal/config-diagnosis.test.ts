import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigCenter } from '../config/config-center.js';
import { ConfigListeners, type ConfigListenersSettings } from '../config/config-listeners.js';
import { configKeyOf } from '../config/config-validation.js';
import { md5Hex } from '../config/md5.js';
import type { CairnEvent } from '../domain-events.js';
import { EventBus } from '../shared/event-bus.js';
import { FakeTime } from '../shared/time/fake-time.js';
import { diagnoseConfig } from './config-diagnosis.js';
import { DEFAULT_JOURNAL, Journal } from './journal.js';
import { recordDomainEvents } from './record-domain-events.js';

const KEY = configKeyOf('app.yaml', 'G', '');
const AUTHOR = { sourceIp: '192.168.1.20', clientAgent: 'curl', claimedUser: 'ops' };
const POLL = { agent: 'Nacos-Java-Client:v2.1.0', via: 'POST /nacos/v1/cs/configs/listener' };
const GET = { agent: 'Nacos-Java-Client:v2.1.0', via: 'GET /nacos/v1/cs/configs' };

function setup(settings: Partial<ConfigListenersSettings> = {}) {
  const time = new FakeTime(Date.UTC(2026, 0, 1, 10, 0, 0));
  const bus = new EventBus<CairnEvent>();
  const journal = new Journal(DEFAULT_JOURNAL);
  recordDomainEvents(journal, bus);
  const config = new ConfigCenter({ clock: time, events: bus });
  const listeners = new ConfigListeners({ clock: time, events: bus }, settings);
  const diagnose = () => diagnoseConfig({ now: () => time.now(), config, listeners, journal }, KEY);
  const publish = (content: string) => config.publish({ key: KEY, content, type: 'yaml' }, AUTHOR).md5;
  /** A client that holds `md5`: its poll is held until `answer` is called (with the keys that changed). */
  const hold = (ip: string, md5: string) => {
    const poll = listeners.pollArrived({ ip, ...POLL }, [{ key: KEY, md5 }], true);
    return (changed: boolean) => listeners.pollAnswered(poll, changed ? [{ key: KEY, md5 }] : [], (k) => config.md5For(k, { ip }));
  };
  return { time, journal, listeners, diagnose, publish, hold, fetch: (ip: string) => listeners.fetched({ ip, ...GET }, KEY, config.md5Of(KEY)) };
}

test('a client held, notified of a publish, that fetched and polls again: it holds the current md5', () => {
  const { time, diagnose, publish, hold, fetch } = setup();
  const v1 = publish('a: 1');
  fetch('10.0.0.7');
  const answer = hold('10.0.0.7', v1);
  time.advance(60_000);
  const v2 = publish('a: 2');
  answer(true);
  time.advance(20);
  fetch('10.0.0.7');
  hold('10.0.0.7', v2);
  const d = diagnose();
  assert.equal(d.sentence, '1 client listens; it holds the current md5');
  assert.deepEqual(d.config, { exists: true, md5: v2, modifiedAt: time.now() - 20, gray: [] });
  const [c] = d.clients;
  assert.deepEqual(
    { ip: c.ip, md5: c.md5, expected: c.expectedMd5, current: c.current, listening: c.listening, held: c.heldNow, notified: c.notifiedAt, fetched: c.fetchedAt, source: c.source },
    { ip: '10.0.0.7', md5: v2, expected: v2, current: true, listening: true, held: true, notified: time.now() - 20, fetched: time.now(), source: 'live' },
  );
  assert.equal(c.sentence, `10.0.0.7 holds the current md5 ${v2}; its long poll is held now`);
});

test('a client notified that never fetched and stopped polling is named with when and why', () => {
  const { time, diagnose, publish, hold } = setup();
  const v1 = publish('a: 1');
  hold('10.0.0.7', v1);
  const answer = hold('10.0.0.8', v1);
  time.advance(121_000);
  const v2 = publish('a: 2');
  answer(true); // 10.0.0.7's poll stays held: it is still listening, with the old md5 (the server would answer it too)
  time.advance(95_000);
  const d = diagnose();
  const stale = d.clients.find((c) => c.ip === '10.0.0.8')!;
  assert.equal(stale.sentence, `10.0.0.8 still holds the version published at 10:00:00 (md5 ${v1}): notified at 10:02:01, never fetched; its long poll has not come back for 95 s: the client stopped or lost its network`);
  assert.deepEqual([stale.current, stale.listening, stale.expectedMd5, stale.notifiedMd5], [false, false, v2, v2]);
  assert.equal(d.clients[0].ip, '10.0.0.8', 'the stale client that stopped comes first');
  assert.match(d.sentence, /^1 client listens and 1 stopped; none holds the current md5\. 10\.0\.0\.8 still holds/);
});

test('after the table forgot a client, the journal still tells its story', () => {
  const { time, diagnose, publish, hold, listeners } = setup({ forgetAfterMs: 600_000 });
  const v1 = publish('a: 1');
  const answer = hold('10.0.0.8', v1);
  time.advance(1_000);
  publish('a: 2');
  answer(true);
  time.advance(3_600_000);
  assert.equal(listeners.of(KEY).length, 0, 'forgotten by the live table');
  const [c] = diagnose().clients;
  assert.equal(c.source, 'journal');
  assert.deepEqual([c.md5, c.listening, c.notifiedAt], [v1, false, time.now() - 3_600_000]);
  assert.match(c.sentence, /^10\.0\.0\.8 still holds the version published at 10:00:00 \(md5 [0-9a-f]{32}\): notified at 10:00:01, never fetched; its long poll has not come back for over 10 min/);
});

test('a config that does not exist, and one nobody listens to', () => {
  const { diagnose, publish, hold } = setup();
  assert.equal(diagnose().sentence, 'config does not exist: clients listening get md5 ""; no client listens to it');
  hold('10.0.0.7', '');
  assert.equal(diagnose().sentence, 'config does not exist: clients listening get md5 ""; 1 client listens; it knows it does not exist');
  assert.deepEqual(diagnose().config, { exists: false, md5: '', modifiedAt: null, gray: [] });
  const other = setup();
  other.publish('a: 1');
  assert.equal(other.diagnose().sentence, 'no client listens to this dataId');
  void publish;
});

test('two agents at one address are told apart by name; the gray seams are used when given', () => {
  const { time, journal, listeners, publish } = setup();
  const v1 = publish('a: 1');
  listeners.pollArrived({ ip: '10.0.0.7', agent: 'app/1', via: 'x' }, [{ key: KEY, md5: v1 }], true);
  listeners.pollArrived({ ip: '10.0.0.7', agent: 'app/2', via: 'x', tag: 'canary' }, [{ key: KEY, md5: md5Hex('canary') }], true);
  const config = { get: () => undefined, md5For: (_k: unknown, c: { tag?: string }) => (c.tag === 'canary' ? md5Hex('canary') : v1) };
  const d = diagnoseConfig({ now: () => time.now(), config, listeners, journal, grays: () => [{ grayName: 'tag_canary' }], grayNameFor: (_k, c) => (c.tag ? `tag_${c.tag}` : undefined) }, KEY);
  assert.deepEqual(
    d.clients.map((c) => [c.agent, c.current, c.gray, c.tag]),
    [
      ['app/1', true, undefined, undefined],
      ['app/2', true, 'tag_canary', 'canary'],
    ],
  );
  assert.match(d.clients[0].sentence, /^10\.0\.0\.7 \(app\/1\) holds the current md5/);
  assert.match(d.clients[1].sentence, /^10\.0\.0\.7 \(app\/2\) holds the current tag_canary md5/);
  assert.deepEqual(d.config.gray, [{ grayName: 'tag_canary' }]);
});
