import { EventBus, type CairnEvent, type ConfigChangedEvent } from '@cairn/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ListenKey, LongPolls } from './long-polls.js';

const key = (dataId: string): ListenKey => ({ key: { namespace: 'public', group: 'G', dataId }, tenant: '', md5: '' });
const AUTHOR = { sourceIp: '127.0.0.1', clientAgent: 't', claimedUser: '' };

function changed(dataId: string): ConfigChangedEvent {
  const k = { namespace: 'public', group: 'G', dataId };
  return { type: 'config', ...k, op: 'U', md5: 'm', historyId: 1, author: AUTHOR, at: 0, history: { ...k, id: 1, op: 'U', content: 'c', md5: 'm', appName: '', type: 'text', author: AUTHOR, at: 0 } };
}

test('a change answers only the polls holding its key, with that key; the rest stay held', () => {
  const bus = new EventBus<CairnEvent>();
  const polls = new LongPolls(bus);
  const answers: string[] = [];
  polls.hold([key('a'), key('b')], 60_000, (c) => answers.push(`1:${c.map((k) => k.key.dataId).join(',')}`));
  polls.hold([key('c')], 60_000, (c) => answers.push(`2:${c.map((k) => k.key.dataId).join(',')}`));
  bus.publish(changed('b'));
  bus.publish(changed('b'));
  assert.deepEqual(answers, ['1:b']);
  assert.equal(polls.size, 1);
  polls.releaseAll();
  assert.deepEqual(answers, ['1:b', '2:']);
  assert.equal(bus.listenerCount('config'), 0, 'it stopped following the bus');
});

test('a dropped poll is never answered; a poll after releaseAll is answered at once', () => {
  const bus = new EventBus<CairnEvent>();
  const polls = new LongPolls(bus);
  let answered = 0;
  const drop = polls.hold([key('a')], 60_000, () => answered++);
  drop();
  bus.publish(changed('a'));
  assert.equal(answered, 0);
  assert.equal(polls.size, 0);
  polls.releaseAll();
  assert.equal(answered, 0);
  polls.hold([key('a')], 60_000, () => answered++);
  assert.equal(answered, 1, 'nothing would wake a poll held during shutdown');
});

test('deadlines share one timer and answer in order of their deadline', async () => {
  const bus = new EventBus<CairnEvent>();
  const polls = new LongPolls(bus);
  const order: number[] = [];
  // The poll timer is unref'd (it never keeps a server alive); this keeps the test's event loop running.
  const keepAlive = setTimeout(() => {}, 5_000);
  const done = new Promise<void>((resolve) => {
    for (const [i, ms] of [
      [1, 120],
      [2, 40],
      [3, 80],
    ])
      polls.hold([key(`k${i}`)], ms, () => {
        order.push(i);
        if (order.length === 3) resolve();
      });
  });
  await done;
  clearTimeout(keepAlive);
  assert.deepEqual(order, [2, 3, 1]);
  polls.releaseAll();
});
