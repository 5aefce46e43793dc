import { md5Hex } from '@cairn/core';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { GrpcTestClient } from '../../../testing/grpc-test-client.js';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';
import { MAX_LISTENS_PER_CONNECTION } from './config-listen-sets.js';

let ts: TestServer;
before(async () => {
  ts = await startTestServer({}, { grpc: { pushTimeoutMs: 200 } });
});
after(() => ts.close());

/** A raw client whose stream is set up (as the Rust config client does); resolves with its connection id. */
async function connect(t: { after(fn: () => void): void }): Promise<{ client: GrpcTestClient; connectionId: string }> {
  const client = new GrpcTestClient(ts.server.grpcPort!);
  t.after(() => client.close());
  const opened = new Promise<string>((resolve) => {
    const stop = ts.server.ctx.events.on('connection', (e) => {
      if (e.cause !== 'CONNECTION_OPENED') return;
      stop();
      resolve(e.connectionId);
    });
  });
  client.openStream();
  client.send('ConnectionSetupRequest', { clientVersion: 'Nacos-Test-Client:1', tenant: '', labels: { module: 'config' } });
  return { client, connectionId: await opened };
}

const KEY = (dataId: string) => ({ dataId, group: 'DEFAULT_GROUP', tenant: '' });

test('query, publish with casMd5 (a stale one fails as Nacos answers it), remove; the history names the connection', async (t) => {
  const { client } = await connect(t);
  const missing = await client.request('ConfigQueryRequest', { requestId: '1', headers: {}, ...KEY('g.cas'), tag: null });
  assert.equal(missing.type, 'ConfigQueryResponse');
  assert.deepEqual([missing.body.resultCode, missing.body.errorCode, missing.body.beta, missing.body.lastModified], [500, 300, false, 0]);

  const published = await client.request('ConfigPublishRequest', { requestId: '2', ...KEY('g.cas'), content: 'a=1', casMd5: null, additionMap: { type: 'properties', src_user: 'ann', encryptedDataKey: '' } });
  assert.deepEqual([published.type, published.body.resultCode, published.body.errorCode], ['ConfigPublishResponse', 200, 0]);
  const got = await client.request('ConfigQueryRequest', { requestId: '3', ...KEY('g.cas') });
  assert.deepEqual([got.type, got.body.content, got.body.md5, got.body.contentType, got.body.beta], ['ConfigQueryResponse', 'a=1', md5Hex('a=1'), 'properties', false]);
  assert.equal(typeof got.body.lastModified, 'number');

  const stale = await client.request('ConfigPublishRequest', { requestId: '4', ...KEY('g.cas'), content: 'a=2', casMd5: md5Hex('a=0') });
  assert.deepEqual([stale.type, stale.body.resultCode, stale.body.errorCode], ['ConfigPublishResponse', 500, 500]);
  assert.equal(stale.body.message, 'Cas publish fail, server md5 may have changed.', "Nacos's text");
  const cas = await client.request('ConfigPublishRequest', { requestId: '5', ...KEY('g.cas'), content: 'a=2', casMd5: md5Hex('a=1') });
  assert.equal(cas.body.resultCode, 200);
  assert.equal((await call(ts.url, 'GET', '/v1/cs/configs?dataId=g.cas&group=DEFAULT_GROUP')).text, 'a=2', 'HTTP reads what gRPC published');

  const history = (await call(ts.url, 'GET', '/v1/cs/history?search=accurate&dataId=g.cas&group=DEFAULT_GROUP')).json();
  assert.equal(history.totalCount, 2, 'the failed compare-and-set left no version');
  assert.deepEqual(history.pageItems.map((h: { srcIp: string; srcUser: string | null }) => [h.srcIp, h.srcUser]).sort(), [
    ['127.0.0.1', null],
    ['127.0.0.1', 'ann'],
  ]);

  const removed = await client.request('ConfigRemoveRequest', { requestId: '6', ...KEY('g.cas'), tag: null });
  assert.deepEqual([removed.type, removed.body.resultCode], ['ConfigRemoveResponse', 200]);
  assert.equal((await call(ts.url, 'GET', '/v1/cs/configs?dataId=g.cas&group=DEFAULT_GROUP')).status, 404);
});

test('a beta version is served to the connection whose IP it lists, the main version to others', async (t) => {
  const { client } = await connect(t);
  await client.request('ConfigPublishRequest', { ...KEY('g.beta'), content: 'main' });
  const other = await client.request('ConfigPublishRequest', { ...KEY('g.beta'), content: 'beta-elsewhere', additionMap: { betaIps: '10.9.9.9' } });
  assert.equal(other.body.resultCode, 200);
  const main = await client.request('ConfigQueryRequest', KEY('g.beta'));
  assert.deepEqual([main.body.content, main.body.beta], ['main', false]);
  await client.request('ConfigPublishRequest', { ...KEY('g.beta'), content: 'beta-here', additionMap: { betaIps: '10.9.9.9,127.0.0.1' } });
  const beta = await client.request('ConfigQueryRequest', KEY('g.beta'));
  assert.deepEqual([beta.body.content, beta.body.md5, beta.body.beta], ['beta-here', md5Hex('beta-here'), true]);
  const grays = (await call(ts.url, 'GET', '/v1/cairn/config/gray?dataId=g.beta&group=DEFAULT_GROUP')).json().grays;
  assert.deepEqual(grays[0].betaIps, ['10.9.9.9', '127.0.0.1']);
});

test('bad input answers the expected response class with errorCode 400 naming the field', async (t) => {
  const { client } = await connect(t);
  const noDataId = await client.request('ConfigPublishRequest', { group: 'DEFAULT_GROUP', tenant: '', content: 'x' });
  assert.deepEqual([noDataId.type, noDataId.body.resultCode, noDataId.body.errorCode], ['ConfigPublishResponse', 500, 400]);
  assert.match(noDataId.body.message, /dataId/);
  const query = await client.request('ConfigQueryRequest', { dataId: 7, group: 'DEFAULT_GROUP' });
  assert.deepEqual([query.type, query.body.errorCode, query.body.beta], ['ConfigQueryResponse', 400, false]);
  assert.match(query.body.message, /dataId/);
  const noContent = await client.request('ConfigPublishRequest', { ...KEY('g.bad'), content: ' ' });
  assert.equal(noContent.body.errorCode, 400);
  assert.match(noContent.body.message, /content/);
  const badListen = await client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: 'all' });
  assert.deepEqual([badListen.type, badListen.body.errorCode], ['ConfigChangeBatchListenResponse', 400]);
  assert.match(badListen.body.message, /configListenContexts/);
  const badBeta = await client.request('ConfigPublishRequest', { ...KEY('g.bad'), content: 'x', additionMap: { betaIps: 'not-an-ip' } });
  assert.match(badBeta.body.message, /betaIps/);
});

test(`a connection listens to at most ${MAX_LISTENS_PER_CONNECTION} configs: a listen that would pass it is refused whole, naming the field`, { timeout: 30_000 }, async (t) => {
  const { client, connectionId } = await connect(t);
  const contexts = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ dataId: `many.${from + i}`, group: 'G', tenant: '', md5: '' }));
  const half = MAX_LISTENS_PER_CONNECTION / 2;
  const first = await client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: contexts(0, half) });
  assert.deepEqual([first.type, first.body.resultCode, first.body.changedConfigs.length], ['ConfigChangeBatchListenResponse', 200, 0]);
  // Keys it listens to already do not count again.
  const again = await client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: contexts(0, MAX_LISTENS_PER_CONNECTION) });
  assert.equal(again.body.resultCode, 200);
  const over = await client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: contexts(MAX_LISTENS_PER_CONNECTION, 1) });
  assert.deepEqual([over.type, over.body.resultCode, over.body.errorCode], ['ConfigChangeBatchListenResponse', 500, 400]);
  assert.match(over.body.message, new RegExp(`configListenContexts.*listens to ${MAX_LISTENS_PER_CONNECTION} configs.*maximum of ${MAX_LISTENS_PER_CONNECTION} per connection`));
  const ids = ts.server.configListenSets?.keysOf(connectionId) ?? [];
  assert.equal(ids.length, MAX_LISTENS_PER_CONNECTION, 'the refused listen added nothing');
  const tooLong = await client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: contexts(0, MAX_LISTENS_PER_CONNECTION + 1) });
  assert.match(tooLong.body.message, /lists \d+ configs, over the maximum/);
  const dropped = await client.request('ConfigBatchListenRequest', { listen: false, configListenContexts: contexts(0, 1) });
  assert.equal(dropped.body.resultCode, 200);
  const room = await client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: contexts(MAX_LISTENS_PER_CONNECTION, 1) });
  assert.equal(room.body.resultCode, 200, 'one let go, one more fits');
});

test('a listen answers stale keys, then every change that alters what the connection is served is pushed; journaled with the gRPC request', { timeout: 20_000 }, async (t) => {
  const { client, connectionId } = await connect(t);
  await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'g.listen', group: 'DEFAULT_GROUP', content: 'v1' });
  const listen = await client.request('ConfigBatchListenRequest', {
    listen: true,
    configListenContexts: [
      { ...KEY('g.listen'), md5: md5Hex('v1') },
      { dataId: 'g.listen.missing', group: 'DEFAULT_GROUP', tenant: 'public', md5: 'stale' },
    ],
  });
  assert.deepEqual(listen.body.changedConfigs, [{ dataId: 'g.listen.missing', group: 'DEFAULT_GROUP', tenant: 'public' }]);
  assert.equal(ts.server.configListenSets?.keysOf(connectionId).length, 2);
  const pushedBefore = ts.server.configListenSets!.stats.pushed;

  // A beta version for another address changes nothing this connection is served: no push.
  await fetch(`${ts.url}/v1/cs/configs`, { method: 'POST', headers: { betaIps: '10.1.1.1', 'content-type': 'application/x-www-form-urlencoded' }, body: 'dataId=g.listen&group=DEFAULT_GROUP&content=beta' });
  await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'g.listen', group: 'DEFAULT_GROUP', content: 'v2' });
  const push = await client.next();
  assert.ok('type' in push);
  assert.equal(push.type, 'ConfigChangeNotifyRequest');
  assert.deepEqual([push.body.dataId, push.body.group, push.body.tenant], ['g.listen', 'DEFAULT_GROUP', '']);
  client.send('ConfigChangeNotifyResponse', { requestId: push.body.requestId, resultCode: 200 });
  assert.equal(ts.server.configListenSets!.stats.pushed, pushedBefore + 1, 'only the main publish was pushed');

  const held = (await call(ts.url, 'GET', '/v1/cairn/events?cause=CONFIG_LISTENER_HELD&dataId=g.listen&group=DEFAULT_GROUP')).json().events;
  assert.ok(held.length >= 1);
  assert.match(held[0].evidence.via, /gRPC ConfigBatchListenRequest/);
  const notified = (await call(ts.url, 'GET', '/v1/cairn/events?cause=CONFIG_LISTENER_NOTIFIED&dataId=g.listen&group=DEFAULT_GROUP')).json().events;
  assert.deepEqual([notified.length, notified[0].evidence.md5, notified[0].evidence.clientMd5], [1, md5Hex('v2'), md5Hex('v1')]);

  const unlisten = await client.request('ConfigBatchListenRequest', { listen: false, configListenContexts: [{ ...KEY('g.listen'), md5: '' }] });
  assert.deepEqual(unlisten.body.changedConfigs, []);
  assert.deepEqual(
    ts.server.configListenSets?.keysOf(connectionId).map((k) => k.dataId),
    ['g.listen.missing'],
  );
});

test('an unanswered push is tried 3 times, then given up; the listen set ends with its connection', { timeout: 20_000 }, async (t) => {
  const { client, connectionId } = await connect(t);
  const sets = ts.server.configListenSets!;
  const failedBefore = sets.stats.failed;
  await client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: [{ ...KEY('g.retry'), md5: '' }] });
  await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'g.retry', group: 'DEFAULT_GROUP', content: 'v1' });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const push = await client.next();
    assert.ok('type' in push && push.type === 'ConfigChangeNotifyRequest');
    ids.push(push.body.requestId);
  }
  assert.equal(new Set(ids).size, 3);
  while (sets.stats.failed === failedBefore) await sleep(20);
  assert.equal(sets.stats.failed, failedBefore + 1);

  const closed = new Promise<void>((resolve) => {
    const stop = ts.server.ctx.events.on('connection', (e) => {
      if (e.cause === 'CONNECTION_CLOSED' && e.connectionId === connectionId) {
        stop();
        resolve();
      }
    });
  });
  client.close();
  await closed;
  assert.deepEqual(sets.keysOf(connectionId), []);
});
