import assert from 'node:assert/strict';
import { test } from 'node:test';
import { journalEntryOfConfig } from '../journal/record-domain-events.js';
import { EventBus } from '../shared/event-bus.js';
import { FakeTime } from '../shared/time/fake-time.js';
import { ConfigCenter } from './config-center.js';
import type { ConfigChangedEvent, ConfigEvent } from './config-events.js';
import { md5Hex } from './md5.js';
import { configKeyOf } from './config-validation.js';

const AUTHOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'alice' };
const KEY = configKeyOf('app.yaml', 'G', '');

function setup() {
  const events: ConfigChangedEvent[] = [];
  const bus = new EventBus<ConfigEvent>();
  bus.on('config', (e) => events.push(e));
  return { events, center: new ConfigCenter({ clock: new FakeTime(), events: bus }) };
}

test('rollback publishes the record version as a new version (U), keeping desc and tags, and says what it restored', () => {
  const { center, events } = setup();
  center.publish({ key: KEY, content: 'v: 1', type: 'yaml', appName: 'one' }, AUTHOR);
  center.publish({ key: KEY, content: '{"v":2}', type: 'json', appName: 'two', desc: 'kept', tags: 'a,b' }, AUTHOR);
  const first = events[0].history;
  const item = center.rollback(first, { ...AUTHOR, claimedUser: 'bob' });
  assert.deepEqual([item.content, item.type, item.appName, item.desc, item.tags], ['v: 1', 'yaml', 'one', 'kept', ['a', 'b']]);
  const e = events[2];
  assert.deepEqual([e.op, e.md5, e.historyId, e.history.content], ['U', md5Hex('v: 1'), 3, 'v: 1']);
  assert.deepEqual(e.restored, { historyId: first.id, md5: md5Hex('v: 1'), previousMd5: md5Hex('{"v":2}') });
  const entry = journalEntryOfConfig(e);
  assert.equal(entry.cause, 'CONFIG_ROLLED_BACK');
  assert.deepEqual([entry.evidence.restoredHistoryId, entry.evidence.restoredMd5, entry.evidence.previousMd5, entry.evidence.historyId, entry.evidence.claimedUser], [first.id, md5Hex('v: 1'), md5Hex('{"v":2}'), 3, 'bob']);
  assert.equal(journalEntryOfConfig(events[1]).cause, 'CONFIG_PUBLISHED');
});

test('rollback after a delete re-creates the config (I) from the delete record, over md5 ""', () => {
  const { center, events } = setup();
  center.publish({ key: KEY, content: 'last words', type: 'text' }, AUTHOR);
  center.remove(KEY, AUTHOR);
  const deletion = events[1].history;
  assert.equal(deletion.op, 'D');
  const item = center.rollback(deletion, AUTHOR);
  assert.equal(item.content, 'last words');
  assert.deepEqual([events[2].op, events[2].restored?.previousMd5], ['I', '']);
  assert.deepEqual(
    events.map((x) => journalEntryOfConfig(x).cause),
    ['CONFIG_PUBLISHED', 'CONFIG_REMOVED', 'CONFIG_ROLLED_BACK'],
  );
});

test('rollback refuses a gray version record: its content was never the main version', () => {
  const { center } = setup();
  center.publish({ key: KEY, content: 'v: 1', type: 'yaml' }, AUTHOR);
  const grayEvents: ConfigEvent[] = [];
  const bus = new EventBus<ConfigEvent>();
  bus.on('config-gray', (e) => grayEvents.push(e));
  const grays = new ConfigCenter({ clock: new FakeTime(), events: bus });
  grays.publishGray({ key: KEY, rule: { kind: 'beta', betaIps: ['127.0.0.1'] }, content: 'v: beta', type: 'yaml' }, AUTHOR);
  assert.throws(
    () => center.rollback(grayEvents[0].history, AUTHOR),
    (e: Error & { code?: string; field?: string }) => e.code === 'INVALID_PARAM' && /gray version 'beta'/.test(e.message),
  );
  assert.equal(center.get(KEY)?.content, 'v: 1');
});
