import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from './event-bus.js';

type E = { type: 'a'; n: number } | { type: 'b'; s: string };

test('subscribers hear their type in subscription order, onAny hears everything, and unsubscribe stops them', () => {
  const bus = new EventBus<E>();
  const heard: string[] = [];
  const stopA1 = bus.on('a', (e) => heard.push(`a1:${e.n}`));
  bus.on('a', (e) => heard.push(`a2:${e.n}`));
  bus.on('b', (e) => heard.push(`b:${e.s}`));
  const stopAny = bus.onAny((e) => heard.push(`any:${e.type}`));
  bus.publish({ type: 'a', n: 1 });
  bus.publish({ type: 'b', s: 'x' });
  stopA1();
  stopA1(); // a second call changes nothing
  stopAny();
  bus.publish({ type: 'a', n: 2 });
  assert.deepEqual(heard, ['a1:1', 'a2:1', 'any:a', 'b:x', 'any:b', 'a2:2']);
  assert.equal(bus.listenerCount('a'), 1);
});

test('a subscriber that unsubscribes during delivery does not make the next one miss the event', () => {
  const bus = new EventBus<E>();
  const heard: string[] = [];
  const stop = bus.on('a', () => {
    heard.push('first');
    stop();
  });
  bus.on('a', () => heard.push('second'));
  bus.publish({ type: 'a', n: 1 });
  bus.publish({ type: 'a', n: 2 });
  assert.deepEqual(heard, ['first', 'second', 'second']);
});

test('a failing subscriber goes to onError and the others still hear the event; without onError it is rethrown after all ran', () => {
  const errors: string[] = [];
  const bus = new EventBus<E>((error, event) => errors.push(`${(error as Error).message}@${event.type}`));
  const heard: number[] = [];
  bus.on('a', () => {
    throw new Error('boom');
  });
  bus.on('a', (e) => heard.push(e.n));
  bus.publish({ type: 'a', n: 7 });
  assert.deepEqual([errors, heard], [['boom@a'], [7]]);

  const strict = new EventBus<E>();
  const later: number[] = [];
  strict.on('a', () => {
    throw new Error('first');
  });
  strict.on('a', (e) => later.push(e.n));
  assert.throws(() => strict.publish({ type: 'a', n: 1 }), /first/);
  assert.deepEqual(later, [1]);
});
