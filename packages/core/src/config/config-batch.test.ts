import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../shared/errors.js';
import { EventBus } from '../shared/event-bus.js';
import { FakeTime } from '../shared/time/fake-time.js';
import { planBatch, publishBatch } from './config-batch.js';
import { ConfigCenter, type PublishConfig } from './config-center.js';
import type { ConfigEvent } from './config-events.js';
import { configKeyOf } from './config-validation.js';

const AUTHOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'importer' };

function setup() {
  const events: ConfigEvent[] = [];
  const bus = new EventBus<ConfigEvent>();
  bus.on('config', (e) => events.push(e));
  const center = new ConfigCenter({ clock: new FakeTime(), events: bus, maxContentBytes: 100 });
  center.publish({ key: configKeyOf('b', 'G', ''), content: 'old b', type: 'text' }, AUTHOR);
  events.length = 0;
  return { center, events };
}

const input = (dataId: string, content = `new ${dataId}`): PublishConfig => ({ key: configKeyOf(dataId, 'G', ''), content, type: 'yaml', appName: 'app', desc: 'd' });
const ids = (keys: { dataId: string }[]) => keys.map((k) => k.dataId);

test('the plan: SKIP skips what exists, OVERWRITE writes all, ABORT writes nothing and names the first clash', () => {
  const keys = ['a', 'b', 'c', 'a'].map((d) => configKeyOf(d, 'G', ''));
  const exists = (k: { dataId: string }) => k.dataId === 'b';
  assert.deepEqual(planBatch(keys, exists, 'SKIP'), { write: [0, 2], skip: [1, 3], fail: [] });
  assert.deepEqual(planBatch(keys, exists, 'OVERWRITE'), { write: [0, 1, 2, 3], skip: [], fail: [] });
  assert.deepEqual(planBatch(keys, exists, 'ABORT'), { write: [], skip: [0, 2, 3], fail: [1] });
  assert.deepEqual(planBatch([keys[0], keys[2], keys[3]], exists, 'ABORT'), { write: [], skip: [0, 1], fail: [2] }, 'an earlier entry of the batch counts');
  assert.deepEqual(planBatch([keys[0], keys[2]], exists, 'ABORT'), { write: [0, 1], skip: [], fail: [] });
});

test('each config written is one publish: one event and history record each, with the fields given', () => {
  const { center, events } = setup();
  const outcome = publishBatch(center, [input('a'), input('b'), input('c')], 'SKIP', AUTHOR);
  assert.deepEqual([ids(outcome.succeeded), ids(outcome.skipped), ids(outcome.failed)], [['a', 'c'], ['b'], []]);
  assert.deepEqual(
    events.map((e) => [e.dataId, e.op, e.history.content]),
    [
      ['a', 'I', 'new a'],
      ['c', 'I', 'new c'],
    ],
  );
  assert.equal(center.get(configKeyOf('b', 'G', ''))?.content, 'old b');
  const a = center.get(configKeyOf('a', 'G', ''));
  assert.deepEqual([a?.type, a?.appName, a?.desc, a?.createdBy.claimedUser], ['yaml', 'app', 'd', 'importer']);

  events.length = 0;
  const over = publishBatch(center, [input('b')], 'OVERWRITE', AUTHOR);
  assert.deepEqual(ids(over.succeeded), ['b']);
  assert.deepEqual(
    events.map((e) => [e.dataId, e.op]),
    [['b', 'U']],
  );
});

test('ABORT with an existing config writes nothing', () => {
  const { center, events } = setup();
  const outcome = publishBatch(center, [input('a'), input('b'), input('c')], 'ABORT', AUTHOR);
  assert.deepEqual([ids(outcome.succeeded), ids(outcome.skipped), ids(outcome.failed)], [[], ['a', 'c'], ['b']]);
  assert.equal(events.length, 0);
  assert.equal(center.get(configKeyOf('a', 'G', '')), undefined);
});

test('a bad entry is refused before anything is written, naming the entry', () => {
  const { center, events } = setup();
  assert.throws(
    () => publishBatch(center, [input('a'), input('big', 'x'.repeat(101))], 'OVERWRITE', AUTHOR),
    (e: unknown) => e instanceof DomainError && e.code === 'INVALID_PARAM' && e.field === 'content' && e.message.startsWith('G/big: content is 101 bytes'),
  );
  assert.throws(() => publishBatch(center, [input('a'), input('blank', '  ')], 'OVERWRITE', AUTHOR), /G\/blank: Param 'content' is required/);
  assert.equal(events.length, 0);
  assert.equal(center.get(configKeyOf('a', 'G', '')), undefined);
});
