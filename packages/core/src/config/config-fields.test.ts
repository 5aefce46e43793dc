import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../shared/event-bus.js';
import { DomainError } from '../shared/errors.js';
import { FakeTime } from '../shared/time/fake-time.js';
import { ConfigCenter } from './config-center.js';
import type { ConfigChangedEvent, ConfigEvent } from './config-events.js';
import { configKeyOf } from './config-validation.js';

const AUTHOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'alice' };
const KEY = configKeyOf('app.yaml', 'G', '');
const FIELDS = { use: 'checkout', effect: 'on restart', schema: '{"type":"object"}', encryptedDataKey: 'a2V5' };

function setup() {
  const events: ConfigChangedEvent[] = [];
  const bus = new EventBus<ConfigEvent>();
  bus.on('config', (e) => events.push(e));
  return { events, center: new ConfigCenter({ clock: new FakeTime(), events: bus }) };
}

function refusedFor(field: string, message: RegExp) {
  return (e: unknown) => e instanceof DomainError && e.code === 'INVALID_PARAM' && e.field === field && message.test(e.message);
}

test('a publish keeps use, effect, schema and encryptedDataKey, and its history record keeps them with desc and tags', () => {
  const { center, events } = setup();
  const item = center.publish({ key: KEY, content: 'a: 1', type: 'yaml', desc: 'd', tags: 'x,y', ...FIELDS }, AUTHOR);
  assert.deepEqual([item.use, item.effect, item.schema, item.encryptedDataKey], [FIELDS.use, FIELDS.effect, FIELDS.schema, FIELDS.encryptedDataKey]);
  assert.deepEqual(center.get(KEY), item);
  assert.deepEqual(events[0].history.fields, { desc: 'd', tags: ['x', 'y'], ...FIELDS });
  // As Nacos, a publish replaces every field: one that does not send them clears them.
  const next = center.publish({ key: KEY, content: 'a: 2', type: 'yaml' }, AUTHOR);
  assert.deepEqual([next.use, next.effect, next.schema, next.encryptedDataKey], ['', '', '', '']);
  center.remove(KEY, AUTHOR);
  assert.deepEqual(events[2].history.fields, { desc: '', tags: [], use: '', effect: '', schema: '', encryptedDataKey: '' });
});

test("Nacos's limits: use and effect 32 characters, schema 32768; over them a 400 naming the field, and nothing changes", () => {
  const { center } = setup();
  center.publish({ key: KEY, content: 'v', type: 'text', use: 'u'.repeat(32), effect: 'e'.repeat(32), schema: 's'.repeat(32_768) }, AUTHOR);
  assert.throws(() => center.publish({ key: KEY, content: 'w', type: 'text', use: 'u'.repeat(33) }, AUTHOR), refusedFor('use', /too long use, over 32/));
  assert.throws(() => center.publish({ key: KEY, content: 'w', type: 'text', effect: 'e'.repeat(33) }, AUTHOR), refusedFor('effect', /too long effect, over 32/));
  assert.throws(() => center.publish({ key: KEY, content: 'w', type: 'text', schema: 's'.repeat(32_769) }, AUTHOR), refusedFor('schema', /too long schema, over 32768/));
  assert.throws(() => center.publish({ key: KEY, content: 'w', type: 'text', encryptedDataKey: 'k'.repeat(1025) }, AUTHOR), refusedFor('encryptedDataKey', /over 1024/));
  assert.throws(() => center.check({ key: KEY, content: 'w', type: 'text', use: 'u'.repeat(33) }), refusedFor('use', /over 32/));
  assert.equal(center.get(KEY)?.content, 'v');
});

test('a gray publish with an encryptedDataKey is refused (a gray version keeps none), without one it is published', () => {
  const { center } = setup();
  const beta = { kind: 'beta' as const, betaIps: ['10.0.0.1'] };
  assert.throws(() => center.publishGray({ key: KEY, rule: beta, content: 'enc', type: 'text', encryptedDataKey: 'a2V5' }, AUTHOR), refusedFor('encryptedDataKey', /gray/));
  assert.equal(center.grayOf(KEY, 'beta'), undefined);
  center.publishGray({ key: KEY, rule: beta, content: 'plain', type: 'text', encryptedDataKey: ' ' }, AUTHOR);
  assert.equal(center.grayOf(KEY, 'beta')?.content, 'plain');
});

test("rollback restores the record's encryptedDataKey with its content and keeps the current use, effect and schema", () => {
  const { center, events } = setup();
  center.publish({ key: KEY, content: 'ciphertext-1', type: 'text', encryptedDataKey: 'key-1' }, AUTHOR);
  center.publish({ key: KEY, content: 'plain 2', type: 'text', use: 'u', effect: 'e', schema: 's' }, AUTHOR);
  const item = center.rollback(events[0].history, AUTHOR);
  assert.deepEqual([item.content, item.encryptedDataKey, item.use, item.effect, item.schema], ['ciphertext-1', 'key-1', 'u', 'e', 's']);
  // A record kept before Cairn stored fields restores no key.
  const { fields: _, ...older } = events[1].history;
  assert.equal(center.rollback(older, AUTHOR).encryptedDataKey, '');
});

test("promoting a gray version keeps the main version's use, effect and schema; the promoted content has no key", () => {
  const { center } = setup();
  center.publish({ key: KEY, content: 'main', type: 'text', ...FIELDS }, AUTHOR);
  center.publishGray({ key: KEY, rule: { kind: 'tag', tag: 'canary' }, content: 'gray', type: 'text' }, AUTHOR);
  const item = center.promoteGray(KEY, 'tag_canary', AUTHOR);
  assert.deepEqual([item.content, item.use, item.effect, item.schema, item.encryptedDataKey], ['gray', FIELDS.use, FIELDS.effect, FIELDS.schema, '']);
});

test('a read is served the main version with its encryptedDataKey, a gray version with none', () => {
  const { center } = setup();
  center.publish({ key: KEY, content: 'enc', type: 'text', encryptedDataKey: 'a2V5' }, AUTHOR);
  center.publishGray({ key: KEY, rule: { kind: 'beta', betaIps: ['10.0.0.1'] }, content: 'gray', type: 'text' }, AUTHOR);
  assert.equal(center.resolve(KEY, { ip: '10.0.0.2' })?.encryptedDataKey, 'a2V5');
  assert.equal(center.resolve(KEY, { ip: '10.0.0.1' })?.encryptedDataKey, '');
});
