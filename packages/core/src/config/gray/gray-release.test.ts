import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CairnEvent } from '../../domain-events.js';
import { Journal } from '../../journal/journal.js';
import { recordDomainEvents } from '../../journal/record-domain-events.js';
import { EventBus } from '../../shared/event-bus.js';
import { FakeTime } from '../../shared/time/fake-time.js';
import { ConfigCenter } from '../config-center.js';
import type { ConfigEvent } from '../config-events.js';
import { configKeyOf } from '../config-validation.js';
import { md5Hex } from '../md5.js';
import { betaRuleOf, checkGrayName, tagRuleOf } from './gray-validation.js';
import { errorCodeOf } from '../../shared/error-code-of.js';

const AUTHOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'alice' };
const KEY = configKeyOf('app.yaml', 'DEFAULT_GROUP', '');
const BETA_CLIENT = { ip: '10.0.0.7' };
const OTHER_CLIENT = { ip: '10.0.0.8' };

function newCenter() {
  const time = new FakeTime();
  const bus = new EventBus<CairnEvent>();
  const events: ConfigEvent[] = [];
  bus.on('config', (e) => events.push(e));
  bus.on('config-gray', (e) => events.push(e));
  const journal = new Journal({ maxEvents: 1000, maxAgeMs: 3_600_000 });
  recordDomainEvents(journal, bus);
  const center = new ConfigCenter({ clock: time, events: bus });
  return { time, events, journal, center };
}

const codeOf = errorCodeOf;

test('a beta version is served only to the listed client IPs; everyone else gets the main version', () => {
  const { center } = newCenter();
  center.publish({ key: KEY, content: 'v: main', type: 'yaml' }, AUTHOR);
  center.publishGray({ key: KEY, rule: betaRuleOf('10.0.0.7, 10.0.0.9'), content: 'v: beta', type: 'yaml' }, AUTHOR);
  assert.equal(center.resolve(KEY, BETA_CLIENT)?.content, 'v: beta');
  assert.equal(center.resolve(KEY, BETA_CLIENT)?.gray?.grayName, 'beta');
  assert.equal(center.resolve(KEY, { ip: '::ffff:10.0.0.9' })?.content, 'v: beta', 'an IPv4-mapped socket address matches');
  assert.equal(center.resolve(KEY, OTHER_CLIENT)?.content, 'v: main');
  assert.equal(center.resolve(KEY, OTHER_CLIENT)?.gray, undefined);
  assert.equal(center.md5For(KEY, BETA_CLIENT), md5Hex('v: beta'));
  assert.equal(center.md5For(KEY, OTHER_CLIENT), md5Hex('v: main'));
  assert.equal(center.md5Of(KEY), md5Hex('v: main'), 'md5Of stays the main version');
});

test('a tag version is served to clients with that tag; beta wins over tag; an explicit tag with no version serves nothing', () => {
  const { center } = newCenter();
  center.publish({ key: KEY, content: 'main', type: 'text' }, AUTHOR);
  center.publishGray({ key: KEY, rule: tagRuleOf('canary'), content: 'canary', type: 'text' }, AUTHOR);
  assert.equal(center.resolve(KEY, { ip: '10.0.0.1', tag: 'canary' })?.content, 'canary');
  assert.equal(center.resolve(KEY, { ip: '10.0.0.1', tag: 'other' })?.content, 'main', 'an unknown tag header falls back to main');
  assert.equal(center.resolve(KEY, { ip: '10.0.0.1', tag: 'other' }, true), undefined, 'an explicit tag parameter does not (Nacos 404)');
  center.publishGray({ key: KEY, rule: betaRuleOf('10.0.0.1'), content: 'beta', type: 'text' }, AUTHOR);
  assert.equal(center.resolve(KEY, { ip: '10.0.0.1', tag: 'canary' })?.gray?.grayName, 'beta');
  assert.deepEqual(
    center.graysOf(KEY).map((g) => g.grayName),
    ['beta', 'tag_canary'],
  );
});

test('a gray version without a main version is served to its clients; others find nothing', () => {
  const { center } = newCenter();
  center.publishGray({ key: KEY, rule: betaRuleOf('10.0.0.7'), content: 'beta only', type: 'text' }, AUTHOR);
  assert.equal(center.resolve(KEY, BETA_CLIENT)?.content, 'beta only');
  assert.equal(center.resolve(KEY, OTHER_CLIENT), undefined);
  assert.equal(center.md5For(KEY, OTHER_CLIENT), '');
});

test('tag, betaIps and grayName are validated as Nacos does, naming the field', () => {
  assert.equal(
    codeOf(() => tagRuleOf('x'.repeat(17))),
    'INVALID_PARAM:tag',
  );
  assert.equal(
    codeOf(() => tagRuleOf('a b')),
    'INVALID_PARAM:tag',
  );
  assert.equal(
    codeOf(() => tagRuleOf('a.b:c-d_e'.padEnd(16, 'x'))),
    undefined,
  );
  assert.equal(
    codeOf(() => betaRuleOf('10.0.0.7,not-an-ip')),
    'INVALID_PARAM:betaIps',
  );
  assert.equal(
    codeOf(() => betaRuleOf('10.0.0.256')),
    'INVALID_PARAM:betaIps',
  );
  assert.equal(
    codeOf(() => betaRuleOf(' , ')),
    'MISSING_PARAM:betaIps',
  );
  assert.deepEqual(betaRuleOf('10.0.0.7,2001:DB8:0:0::1,10.0.0.7'), { kind: 'beta', betaIps: ['10.0.0.7', '2001:db8::1'] });
  assert.equal(checkGrayName('tag_canary'), 'tag_canary');
  assert.equal(
    codeOf(() => checkGrayName('gray')),
    'INVALID_PARAM:grayName',
  );
  const { center } = newCenter();
  assert.equal(
    codeOf(() => center.publishGray({ key: KEY, rule: tagRuleOf('t'), content: ' ', type: 'text' }, AUTHOR)),
    'MISSING_PARAM:content',
  );
});

test('at most 10 gray versions per config; an existing one can still be replaced', () => {
  const { center } = newCenter();
  for (let i = 0; i < 9; i++) center.publishGray({ key: KEY, rule: tagRuleOf(`t${i}`), content: `t${i}`, type: 'text' }, AUTHOR);
  center.publishGray({ key: KEY, rule: betaRuleOf('10.0.0.7'), content: 'beta', type: 'text' }, AUTHOR);
  assert.equal(
    codeOf(() => center.publishGray({ key: KEY, rule: tagRuleOf('t9'), content: 'x', type: 'text' }, AUTHOR)),
    'CONFIG_GRAY_OVER_MAX_COUNT:tag',
  );
  assert.equal(center.publishGray({ key: KEY, rule: tagRuleOf('t3'), content: 'again', type: 'text' }, AUTHOR).content, 'again');
  assert.equal(center.graysOf(KEY).length, 10);
  const other = configKeyOf('other', 'DEFAULT_GROUP', '');
  assert.equal(center.publishGray({ key: other, rule: tagRuleOf('t9'), content: 'x', type: 'text' }, AUTHOR).grayName, 'tag_t9', 'the limit is per config');
});

test('gray compare-and-set checks the gray version md5', () => {
  const { center } = newCenter();
  const gray = center.publishGray({ key: KEY, rule: tagRuleOf('t'), content: 'one', type: 'text' }, AUTHOR);
  assert.equal(
    codeOf(() => center.publishGray({ key: KEY, rule: tagRuleOf('t'), content: 'two', type: 'text', casMd5: 'nope' }, AUTHOR)),
    'CONFIG_CAS_MISMATCH:casMd5',
  );
  assert.equal(center.publishGray({ key: KEY, rule: tagRuleOf('t'), content: 'two', type: 'text', casMd5: gray.md5 }, AUTHOR).content, 'two');
});

test('publish, stop and promote are events with gray history records, and journaled with their rule', () => {
  const { center, events, journal, time } = newCenter();
  center.publish({ key: KEY, content: 'main', type: 'text', desc: 'kept' }, AUTHOR);
  time.advance(1000);
  const beta = center.publishGray({ key: KEY, rule: betaRuleOf('10.0.0.7'), content: 'beta', type: 'text' }, AUTHOR);
  center.publishGray({ key: KEY, rule: tagRuleOf('canary'), content: 'canary', type: 'text' }, AUTHOR);
  assert.equal(center.stopGray(KEY, 'tag_canary', AUTHOR), true);
  assert.equal(center.stopGray(KEY, 'tag_canary', AUTHOR), false, 'stopping twice changes nothing');
  time.advance(1000);
  const promoted = center.promoteGray(KEY, 'beta', AUTHOR);
  assert.equal(promoted.content, 'beta');
  assert.equal(promoted.desc, 'kept', 'the main version keeps its desc');
  assert.equal(center.resolve(KEY, OTHER_CLIENT)?.content, 'beta');
  assert.deepEqual(center.graysOf(KEY), []);
  assert.deepEqual(
    events.map((e) => [e.type, e.type === 'config-gray' ? e.change : '', e.op, e.history.gray?.grayName ?? 'formal', e.historyId]),
    [
      ['config', '', 'I', 'formal', 1],
      ['config-gray', 'published', 'I', 'beta', 2],
      ['config-gray', 'published', 'I', 'tag_canary', 3],
      ['config-gray', 'stopped', 'D', 'tag_canary', 4],
      ['config', '', 'U', 'formal', 5],
      ['config-gray', 'promoted', 'D', 'beta', 6],
    ],
  );
  assert.equal(events[1].history.content, 'beta');
  assert.deepEqual(events[1].history.gray, { grayName: 'beta', rule: { kind: 'beta', betaIps: ['10.0.0.7'] } });
  const causes = journal.query({ dataId: 'app.yaml' }).events.map((e) => e.cause);
  assert.deepEqual(causes, ['CONFIG_GRAY_PROMOTED', 'CONFIG_PUBLISHED', 'CONFIG_GRAY_STOPPED', 'CONFIG_GRAY_PUBLISHED', 'CONFIG_GRAY_PUBLISHED', 'CONFIG_PUBLISHED']);
  const published = journal.query({ dataId: 'app.yaml', cause: 'CONFIG_GRAY_PUBLISHED' }).events.at(-1)!;
  assert.deepEqual(published.evidence, { grayName: 'beta', kind: 'beta', rule: '10.0.0.7', op: 'I', md5: beta.md5, historyId: 2, from: '127.0.0.1', agent: 'test', claimedUser: 'alice' });
  assert.equal(
    codeOf(() => center.promoteGray(KEY, 'beta', AUTHOR)),
    'CONFIG_GRAY_NOT_FOUND:grayName',
  );
});

test('deleting the main config stops its gray versions first (reason config-removed), so none outlives it', () => {
  const { center, events } = newCenter();
  center.publish({ key: KEY, content: 'main', type: 'text' }, AUTHOR);
  center.publishGray({ key: KEY, rule: betaRuleOf('10.0.0.7'), content: 'beta', type: 'text' }, AUTHOR);
  center.publishGray({ key: KEY, rule: tagRuleOf('canary'), content: 'canary', type: 'text' }, AUTHOR);
  events.length = 0;
  center.remove(KEY, AUTHOR);
  assert.deepEqual(
    events.map((e) => [e.type, e.op, e.type === 'config-gray' ? `${e.grayName}:${e.reason}` : '']),
    [
      ['config-gray', 'D', 'beta:config-removed'],
      ['config-gray', 'D', 'tag_canary:config-removed'],
      ['config', 'D', ''],
    ],
  );
  assert.equal(center.resolve(KEY, BETA_CLIENT), undefined);
  assert.deepEqual(center.graysOf(KEY), []);
});

test('restore puts gray versions back, in selection order', () => {
  const { center } = newCenter();
  center.publishGray({ key: KEY, rule: tagRuleOf('a'), content: 'a', type: 'text' }, AUTHOR);
  center.publishGray({ key: KEY, rule: betaRuleOf('10.0.0.7'), content: 'beta', type: 'text' }, AUTHOR);
  const saved = [...center.graysOf(KEY)].reverse();
  const { center: restarted } = newCenter();
  restarted.restore([], 2, saved);
  assert.deepEqual(
    restarted.graysOf(KEY).map((g) => g.grayName),
    ['beta', 'tag_a'],
  );
  assert.equal(restarted.resolve(KEY, { ip: '10.0.0.7', tag: 'a' })?.content, 'beta');
});
