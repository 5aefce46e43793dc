import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientSentence, configSentence, elapsed, type ClientFacts, type SentenceContext } from './config-sentence.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const at = (hh: number, mm: number, ss: number) => Date.UTC(2026, 0, 1, hh, mm, ss);
const OLD = 'a'.repeat(32);
const NEW = 'b'.repeat(32);

function ctx(now: number, over: Partial<SentenceContext> = {}): SentenceContext {
  const published = new Map([
    [OLD, T0],
    [NEW, at(10, 2, 0)],
  ]);
  return { now, configExists: true, publishedAt: (md5) => published.get(md5), forgetAfterMs: 3_600_000, ...over };
}

function client(over: Partial<ClientFacts> = {}): ClientFacts {
  return { name: '10.0.0.8', md5: NEW, expectedMd5: NEW, polled: true, listening: true, heldNow: true, fromJournal: false, lastActivityAt: at(10, 2, 1), ...over };
}

describe('one client in one sentence', () => {
  test('holding the current md5 with a poll held', () => {
    assert.equal(clientSentence(client(), ctx(at(10, 3, 0))), `10.0.0.8 holds the current md5 ${NEW}; its long poll is held now`);
  });

  test('notified, never fetched, and its poll never came back', () => {
    const c = client({ md5: OLD, listening: false, heldNow: false, notifiedAt: at(10, 2, 1), lastActivityAt: at(10, 2, 1) });
    assert.equal(
      clientSentence(c, ctx(at(10, 3, 36))),
      `10.0.0.8 still holds the version published at 10:00:00 (md5 ${OLD}): notified at 10:02:01, never fetched; its long poll has not come back for 95 s: the client stopped or lost its network`,
    );
  });

  test('notified, fetched the new version, but polls again with the old md5', () => {
    const c = client({ md5: OLD, heldNow: false, notifiedAt: at(10, 2, 1), fetchedAt: at(10, 2, 2), fetchedMd5: NEW, lastActivityAt: at(10, 2, 2) });
    assert.equal(
      clientSentence(c, ctx(at(10, 2, 5))),
      `10.0.0.8 still holds the version published at 10:00:00 (md5 ${OLD}): notified at 10:02:01, fetched the new version at 10:02:02 but polls again with the old md5: the application did not take the new content; its next long poll has not arrived yet (the last ended 3 s ago)`,
    );
  });

  test('a fetch at the same millisecond as the notification counts as after it only when it got the new md5', () => {
    const tie = { md5: OLD, listening: false, heldNow: false, notifiedAt: at(10, 2, 1), notifiedMd5: NEW, fetchedAt: at(10, 2, 1) };
    assert.match(clientSentence(client({ ...tie, fetchedMd5: OLD }), ctx(at(10, 3, 0))), /notified at 10:02:01, never fetched;/);
    assert.match(clientSentence(client({ ...tie, fetchedMd5: NEW }), ctx(at(10, 3, 0))), /notified at 10:02:01, fetched the new version at 10:02:01 but polls again/);
  });

  test('notified and fetched, but served another md5 (a gray version, or a change since)', () => {
    const c = client({ md5: OLD, heldNow: false, notifiedAt: at(10, 2, 1), fetchedAt: at(10, 2, 2), fetchedMd5: 'c'.repeat(32) });
    assert.match(clientSentence(c, ctx(at(10, 2, 5))), new RegExp(`fetched at 10:02:02 but was served md5 ${'c'.repeat(32)};`));
  });

  test('never notified because its polls stopped before the change', () => {
    const c = client({ md5: OLD, listening: false, heldNow: false, lastActivityAt: at(10, 1, 0) });
    assert.equal(
      clientSentence(c, ctx(at(10, 5, 0))),
      `10.0.0.8 still holds the version published at 10:00:00 (md5 ${OLD}): never notified: its polls stopped at 10:01:00, before the change at 10:02:00; its long poll has not come back for 4 min: the client stopped or lost its network`,
    );
  });

  test('known from the journal only: silent for longer than the table keeps clients', () => {
    const c = client({ md5: OLD, listening: false, heldNow: false, fromJournal: true, notifiedAt: at(10, 2, 1), lastActivityAt: at(10, 2, 1) });
    assert.match(clientSentence(c, ctx(at(12, 0, 0))), /never fetched; its long poll has not come back for over 60 min: the client stopped or lost its network$/);
  });

  test('an md5 the journal does not know, and no content at all', () => {
    assert.match(clientSentence(client({ md5: 'd'.repeat(32), heldNow: false }), ctx(at(10, 3, 0))), new RegExp(`^10.0.0.8 still holds an older version \\(md5 ${'d'.repeat(32)}\\): never notified;`));
    assert.match(clientSentence(client({ md5: '', heldNow: false }), ctx(at(10, 3, 0))), /^10.0.0.8 still holds no content \(md5 ""\): never notified;/);
  });

  test('a deleted config: the client still holds the last version', () => {
    const c = client({ md5: NEW, expectedMd5: '', listening: false, heldNow: false, notifiedAt: at(10, 3, 0), lastActivityAt: at(10, 3, 0) });
    assert.match(
      clientSentence(c, ctx(at(10, 4, 0), { configExists: false })),
      /^10.0.0.8 still holds the version published at 10:02:00 \(md5 b+\), but the config was deleted since: notified at 10:03:00, never fetched; its long poll has not come back for 60 s/,
    );
    assert.equal(clientSentence(client({ md5: '', expectedMd5: '' }), ctx(at(10, 4, 0), { configExists: false })), '10.0.0.8 knows the config does not exist (md5 ""); its long poll is held now');
  });

  test('current but stopped polling; a fetch-only client; a gray version', () => {
    assert.equal(
      clientSentence(client({ listening: false, heldNow: false, lastActivityAt: at(10, 2, 1) }), ctx(at(10, 4, 1))),
      `10.0.0.8 holds the current md5 ${NEW}, but its long poll has not come back for 120 s: the client stopped or lost its network`.replace('120 s', '2 min'),
    );
    assert.equal(
      clientSentence(client({ polled: false, listening: false, heldNow: false, fetchedAt: at(10, 2, 3), fetchedMd5: NEW }), ctx(at(10, 4, 1))),
      `10.0.0.8 holds the current md5 ${NEW}, fetched at 10:02:03; it does not listen for changes`,
    );
    assert.match(
      clientSentence(client({ polled: false, listening: false, heldNow: false, md5: OLD, fetchedAt: at(10, 1, 0) }), ctx(at(10, 4, 1))),
      /still holds the version published at 10:00:00 \(md5 a+\): it fetched it at 10:01:00 and does not listen for changes$/,
    );
    assert.match(clientSentence(client({ gray: 'beta' }), ctx(at(10, 3, 0))), /holds the current beta md5 b+;/);
  });
});

describe('the config in one paragraph', () => {
  const line = (facts: ClientFacts, now = at(10, 3, 36)) => ({ facts, sentence: clientSentence(facts, ctx(now)) });

  test('nobody listens; the config does not exist', () => {
    assert.equal(configSentence(true, []), 'no client listens to this dataId');
    assert.equal(configSentence(false, []), 'config does not exist: clients listening get md5 ""; no client listens to it');
    assert.equal(
      configSentence(false, [line(client({ md5: '', expectedMd5: '' })), line(client({ name: '10.0.0.9', md5: '', expectedMd5: '' }))]),
      'config does not exist: clients listening get md5 ""; 2 clients listen; all know it does not exist',
    );
  });

  test('every client holds the current md5', () => {
    const three = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((name) => line(client({ name })));
    assert.equal(configSentence(true, three), '3 clients listen; all hold the current md5');
    assert.equal(configSentence(true, three.slice(0, 1)), '1 client listens; it holds the current md5');
  });

  test('a stale client that stopped is named with its reason', () => {
    const stale = line(client({ md5: OLD, listening: false, heldNow: false, notifiedAt: at(10, 2, 1), lastActivityAt: at(10, 2, 1) }));
    const fine = line(client({ name: '10.0.0.2' }));
    assert.equal(configSentence(true, [stale, fine]), `1 client listens and 1 stopped; 1 holds the current md5. ${stale.sentence}`);
    assert.equal(configSentence(true, [stale]), `no client listens now (1 stopped); none holds the current md5. ${stale.sentence}`);
  });

  test('current clients that stopped are named; fetch-only clients follow; long lists are cut', () => {
    const stopped = line(client({ listening: false, heldNow: false, lastActivityAt: at(10, 2, 1) }));
    const fetcher = line(client({ name: '10.0.0.9', polled: false, listening: false, heldNow: false, fetchedAt: at(10, 2, 3) }));
    assert.equal(configSentence(true, [stopped, fetcher]), `no client listens now (1 stopped); it holds the current md5. ${stopped.sentence}. ${fetcher.sentence}`);
    assert.equal(configSentence(true, [fetcher]), `no client listens to this dataId. ${fetcher.sentence}`);
    const many = Array.from({ length: 8 }, (_, i) => line(client({ name: `10.0.1.${i}`, md5: OLD, heldNow: false })));
    assert.match(configSentence(true, many), /^8 clients listen; none holds the current md5\. .*10\.0\.1\.4 still holds.*\. and 3 more$/);
  });

  test('durations read in seconds, minutes, hours', () => {
    assert.deepEqual([elapsed(95_000), elapsed(119_400), elapsed(150_000), elapsed(7_200_000), elapsed(-5)], ['95 s', '119 s', '3 min', '2 h', '0 s']);
  });
});
