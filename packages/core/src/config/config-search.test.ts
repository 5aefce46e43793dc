import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../shared/event-bus.js';
import { FakeTime } from '../shared/time/fake-time.js';
import { ConfigCenter } from './config-center.js';
import type { ConfigEvent } from './config-events.js';
import { wildcard } from './config-search.js';
import { configKeyOf } from './config-validation.js';

const AUTHOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: '' };

function centerWith(...configs: Array<[dataId: string, group: string, tenant: string, extra?: { appName?: string; tags?: string; type?: 'yaml' | 'json' }]>) {
  const center = new ConfigCenter({ clock: new FakeTime(), events: new EventBus<ConfigEvent>() });
  for (const [dataId, group, tenant, extra] of configs) {
    center.publish({ key: configKeyOf(dataId, group, tenant), content: `${dataId} in ${group}`, type: extra?.type ?? 'text', appName: extra?.appName, tags: extra?.tags }, AUTHOR);
  }
  return center;
}

const names = (items: { dataId: string; group: string }[]) => items.map((c) => `${c.group}/${c.dataId}`);

test('wildcards: * matches any run, without * only the value itself, pieces in order', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', '', true],
    ['*', 'anything', true],
    ['app.yaml', 'app.yaml', true],
    ['app', 'app.yaml', false],
    ['app*', 'app.yaml', true],
    ['*.yaml', 'app.yaml', true],
    ['*.yaml', 'app.yml', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'a-c-b', false],
    ['ab*ba', 'aba', false],
    ['*pp*ya*', 'app.yaml', true],
    ['**', 'x', true],
    ['*a*a*a*a*a*a*a*a*b', 'a'.repeat(50_000), false],
  ];
  for (const [pattern, value, expected] of cases) assert.equal(wildcard(pattern)(value), expected, `${pattern} ~ ${value}`);
});

test('accurate: equal fields, absent fields match anything, namespace exact, oldest first', () => {
  const center = centerWith(['b.yaml', 'G', ''], ['a.yaml', 'G', ''], ['a.yaml', 'H', ''], ['a.yaml', 'G', 'dev'], ['a.yaml.bak', 'G', '']);
  assert.deepEqual(names(center.search({ mode: 'accurate', namespace: 'public', dataId: 'a.yaml' })), ['G/a.yaml', 'H/a.yaml']);
  assert.deepEqual(names(center.search({ mode: 'accurate', namespace: 'public', group: 'G' })), ['G/b.yaml', 'G/a.yaml', 'G/a.yaml.bak']);
  assert.deepEqual(names(center.search({ mode: 'accurate', namespace: 'dev' })), ['G/a.yaml']);
  assert.deepEqual(names(center.search({ mode: 'accurate', namespace: 'public', dataId: 'a*' })), [], 'no wildcards in accurate mode');
});

test('blur: * in dataId and group; appName exact; any one of the tags; types', () => {
  const center = centerWith(
    ['orders.yaml', 'SHOP', '', { appName: 'orders', tags: 'prod,eu', type: 'yaml' }],
    ['orders.json', 'SHOP', '', { appName: 'orders', tags: 'dev', type: 'json' }],
    ['payments.yaml', 'PAY', '', { appName: 'payments', tags: 'prod', type: 'yaml' }],
  );
  const blur = (q: object) => names(center.search({ mode: 'blur', namespace: 'public', ...q }));
  assert.deepEqual(blur({ dataId: 'orders*' }), ['SHOP/orders.yaml', 'SHOP/orders.json']);
  assert.deepEqual(blur({ dataId: '*.yaml' }), ['SHOP/orders.yaml', 'PAY/payments.yaml']);
  assert.deepEqual(blur({ group: 'S*P' }), ['SHOP/orders.yaml', 'SHOP/orders.json']);
  assert.deepEqual(blur({ dataId: 'orders' }), [], 'without * a blur pattern is the value itself');
  assert.deepEqual(blur({ appName: 'order' }), []);
  assert.deepEqual(blur({ appName: 'payments' }), ['PAY/payments.yaml']);
  assert.deepEqual(blur({ tags: ['eu', 'dev'] }), ['SHOP/orders.yaml', 'SHOP/orders.json']);
  assert.deepEqual(blur({ types: ['json'] }), ['SHOP/orders.json']);
  assert.deepEqual(blur({ content: '*in PAY' }), ['PAY/payments.yaml']);
});

test('withIds: the configs of the ids asked, in that order, unknown ids left out', () => {
  const center = centerWith(['a', 'G', ''], ['b', 'G', ''], ['c', 'G', 'dev']);
  const [a, b] = center.search({ mode: 'accurate', namespace: 'public' });
  const [c] = center.search({ mode: 'accurate', namespace: 'dev' });
  assert.deepEqual(
    center.withIds([c.id, 999, a.id, c.id]).map((x) => x.dataId),
    ['c', 'a'],
  );
  assert.equal(center.withIds([b.id])[0], b);
});
