import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../shared/event-bus.js';
import { FakeTime } from '../shared/time/fake-time.js';
import type { ConfigEvent } from './config-events.js';
import { namespaceToTenant, tenantToNamespace } from './config-key.js';
import { ConfigCenter } from './config-center.js';
import { configKeyOf, configTypeOf } from './config-validation.js';
import { errorCodeOf } from '../shared/error-code-of.js';
import { md5Hex } from './md5.js';

const AUTHOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'alice' };
const KEY = configKeyOf('app.yaml', 'DEFAULT_GROUP', '');

function newCenter(maxContentBytes?: number) {
  const time = new FakeTime();
  const bus = new EventBus<ConfigEvent>();
  const events: ConfigEvent[] = [];
  bus.on('config', (e) => events.push(e));
  return { time, events, center: new ConfigCenter({ clock: time, events: bus, maxContentBytes }) };
}

const codeOf = errorCodeOf;

test('tenant blank, public and null map to the one default namespace, and back to "" on the wire', () => {
  for (const t of ['', '  ', 'public', 'PUBLIC', 'null', undefined]) assert.equal(tenantToNamespace(t), 'public');
  assert.equal(tenantToNamespace('dev'), 'dev');
  assert.equal(namespaceToTenant('public'), '');
  assert.equal(namespaceToTenant('dev'), 'dev');
  assert.deepEqual(configKeyOf('a', 'g', 'public'), configKeyOf('a', 'g', ''));
});

test('keys are validated with Nacos charset and lengths, naming the field', () => {
  assert.equal(
    codeOf(() => configKeyOf('', 'g', '')),
    'MISSING_PARAM:dataId',
  );
  assert.equal(
    codeOf(() => configKeyOf('a b', 'g', '')),
    'INVALID_PARAM:dataId',
  );
  assert.equal(
    codeOf(() => configKeyOf('a', 'g/h', '')),
    'INVALID_PARAM:group',
  );
  assert.equal(
    codeOf(() => configKeyOf('a', 'g', 'x'.repeat(129))),
    'INVALID_PARAM:tenant',
  );
  assert.equal(
    codeOf(() => configKeyOf('a.b:c-d_e', 'G', 'dev')),
    undefined,
  );
  assert.equal(configTypeOf('YAML'), 'yaml');
  assert.equal(configTypeOf('exe'), 'text');
  assert.equal(configTypeOf(undefined), 'text');
});

test('publish validates content, desc, tags and size', () => {
  const { center } = newCenter(10);
  assert.equal(
    codeOf(() => center.publish({ key: KEY, content: '  ', type: 'text' }, AUTHOR)),
    'MISSING_PARAM:content',
  );
  assert.equal(
    codeOf(() => center.publish({ key: KEY, content: 'ü'.repeat(6), type: 'text' }, AUTHOR)),
    'INVALID_PARAM:content',
  );
  assert.equal(
    codeOf(() => center.publish({ key: KEY, content: 'x', type: 'text', desc: 'd'.repeat(129) }, AUTHOR)),
    'INVALID_PARAM:desc',
  );
  assert.equal(
    codeOf(() => center.publish({ key: KEY, content: 'x', type: 'text', tags: 'a,b,c,d,e,f' }, AUTHOR)),
    'INVALID_PARAM:config_tags',
  );
  assert.equal(
    codeOf(() => center.publish({ key: KEY, content: 'x', type: 'text', tags: 't'.repeat(65) }, AUTHOR)),
    'INVALID_PARAM:config_tags',
  );
  assert.equal(center.size, 0);
});

test('publish is an upsert with md5, history ids and I/U/D events carrying the author', () => {
  const { center, events, time } = newCenter();
  const first = center.publish({ key: KEY, content: 'a: 1', type: 'yaml', tags: 'x, y' }, AUTHOR);
  assert.match(first.md5, /^[0-9a-f]{32}$/);
  assert.deepEqual(first.tags, ['x', 'y']);
  time.advance(1000);
  const second = center.publish({ key: KEY, content: 'a: 2', type: 'yaml' }, { ...AUTHOR, claimedUser: 'bob' });
  assert.equal(second.createdAt, first.createdAt);
  assert.equal(second.modifiedAt, first.createdAt + 1000);
  assert.equal(second.createdBy.claimedUser, 'alice');
  assert.equal(center.md5Of(KEY), second.md5);
  assert.equal(center.remove(KEY, AUTHOR), true);
  assert.equal(center.remove(KEY, AUTHOR), false, 'a second delete changes nothing');
  assert.equal(center.md5Of(KEY), '');
  assert.deepEqual(
    events.map((e) => [e.op, e.historyId, e.md5 === '' ? '' : 'md5', e.history.content, e.author.claimedUser]),
    [
      ['I', 1, 'md5', 'a: 1', 'alice'],
      ['U', 2, 'md5', 'a: 2', 'bob'],
      ['D', 3, '', 'a: 2', 'alice'],
    ],
  );
});

test('casMd5 publishes only over the md5 it names', () => {
  const { center } = newCenter();
  const item = center.publish({ key: KEY, content: 'v1', type: 'text' }, AUTHOR);
  assert.equal(
    codeOf(() => center.publish({ key: KEY, content: 'v2', type: 'text', casMd5: 'deadbeef' }, AUTHOR)),
    'CONFIG_CAS_MISMATCH:casMd5',
  );
  assert.equal(center.get(KEY)?.content, 'v1');
  center.publish({ key: KEY, content: 'v2', type: 'text', casMd5: item.md5 }, AUTHOR);
  assert.equal(center.get(KEY)?.content, 'v2');
  const other = configKeyOf('new', 'g', '');
  assert.equal(
    codeOf(() => center.publish({ key: other, content: 'v', type: 'text', casMd5: item.md5 }, AUTHOR)),
    'CONFIG_CAS_MISMATCH:casMd5',
  );
});

test('restore continues the history sequence', () => {
  const { center, events } = newCenter();
  center.restore([], 41);
  center.publish({ key: KEY, content: 'v', type: 'text' }, AUTHOR);
  assert.equal(events[0].historyId, 42);
});

test("matching another node's stored version: memory and md5 follow, the event says replicated, a repeat publishes nothing", () => {
  const { center, events } = newCenter();
  const published = center.publish({ key: KEY, content: 'a: 1', type: 'yaml' }, AUTHOR);
  events.length = 0;
  const theirs = { ...published, content: 'a: 2', md5: md5Hex('a: 2'), modifiedAt: published.modifiedAt + 5 };
  const record = { ...KEY, id: 70, op: 'U' as const, content: 'a: 2', md5: theirs.md5, appName: '', type: 'yaml' as const, author: { ...AUTHOR, claimedUser: 'bob' }, at: 99 };
  center.matchStored(KEY, theirs, record);
  assert.equal(center.md5Of(KEY), md5Hex('a: 2'));
  assert.deepEqual(
    events.map((e) => [e.type, e.op, e.md5, e.historyId, e.author.claimedUser, e.replicated]),
    [['config', 'U', theirs.md5, 70, 'bob', true]],
  );
  center.matchStored(KEY, theirs, record);
  assert.equal(events.length, 1);
  center.matchStored(KEY, undefined, undefined);
  assert.equal(center.get(KEY), undefined);
  assert.deepEqual(
    events.slice(1).map((e) => [e.op, e.md5, e.replicated]),
    [['D', '', true]],
  );
});

test("matching another node's gray version: published, then stopped when the store no longer has it", () => {
  const { center } = newCenter();
  const grays: ConfigEvent[] = [];
  const bus = new EventBus<ConfigEvent>();
  bus.on('config-gray', (e) => grays.push(e));
  const other = new ConfigCenter({ clock: new FakeTime(), events: bus });
  const beta = center.publishGray({ key: KEY, rule: { kind: 'beta', betaIps: ['10.0.0.1'] }, content: 'b', type: 'text' }, AUTHOR);
  other.matchStoredGray(KEY, 'beta', beta, undefined);
  assert.equal(other.md5For(KEY, { ip: '10.0.0.1' }), beta.md5);
  other.matchStoredGray(KEY, 'beta', undefined, undefined);
  assert.equal(other.md5For(KEY, { ip: '10.0.0.1' }), '');
  assert.deepEqual(
    grays.map((e) => (e.type === 'config-gray' ? [e.change, e.op, e.replicated] : [])),
    [
      ['published', 'I', true],
      ['stopped', 'D', true],
    ],
  );
});
