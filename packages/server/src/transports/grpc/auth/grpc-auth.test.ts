import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword } from '../../../auth/passwords.js';
import { signToken } from '../../../auth/tokens.js';
import { type Answer, connectedClient, javaSetup } from '../../../testing/grpc-test-client.js';
import { loginToken, startGrpcTestServer } from '../../../testing/test-server.js';
import { requestRuleOf } from './request-rules.js';

const ACTOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: '' };
const DEV_PASSWORD = 'orders-dev-password';

const instance = (service: string, port: number) => ({
  namespace: 'public',
  serviceName: service,
  groupName: 'DEFAULT_GROUP',
  type: 'registerInstance',
  instance: { ip: '127.0.0.1', port, weight: 1, healthy: true, enabled: true, ephemeral: true, metadata: {} },
});
const configKey = (dataId: string) => ({ dataId, group: 'DEFAULT_GROUP', tenant: '' });

function assertRefused(answer: Answer, type: string, message: RegExp): void {
  assert.equal(answer.type, type, JSON.stringify(answer.body));
  assert.deepEqual([answer.body.resultCode, answer.body.errorCode, answer.body.success], [500, 403, false], JSON.stringify(answer.body));
  assert.match(answer.body.message, message);
}

async function authServer() {
  const ts = await startGrpcTestServer({}, { authEnabled: true });
  const { auth } = ts.server.ctx;
  // A user granted only the service `orders` (read and write) and the config `app.yaml` (read).
  auth.createUser('orders-dev', await hashPassword(DEV_PASSWORD), ACTOR);
  auth.assignRole('orders-role', 'orders-dev', ACTOR);
  auth.addGrant({ role: 'orders-role', resource: ':DEFAULT_GROUP:naming/orders', action: 'rw' }, ACTOR);
  auth.addGrant({ role: 'orders-role', resource: ':DEFAULT_GROUP:config/app.yaml', action: 'r' }, ACTOR);
  const { client } = await connectedClient(ts.grpcPort, javaSetup('naming'));
  return { ts, client, admin: await loginToken(ts.url), dev: await loginToken(ts.url, 'orders-dev', DEV_PASSWORD) };
}

test('every request type a server handles has a rule in the gRPC auth table', async (t) => {
  const ts = await startGrpcTestServer();
  t.after(() => ts.close());
  const types = ts.server.grpc!.handlers.types();
  assert.ok(types.includes('InstanceRequest') && types.includes('ConfigBatchListenRequest'));
  assert.deepEqual(
    types.filter((type) => requestRuleOf(type) === undefined),
    [],
  );
});

test('with auth on, gRPC naming requests need a token whose user may touch the service they name', async (t) => {
  const { ts, client, admin, dev } = await authServer();
  t.after(async () => {
    client.close();
    await ts.close();
  });
  const registered = (service: string, port: number) => ts.server.ctx.registry.findInstance({ namespace: 'public', group: 'DEFAULT_GROUP', name: service }, '127.0.0.1', port);

  // The connection-level requests need nothing: the handshake ran without credentials, and health checks pass.
  assert.equal((await client.request('HealthCheckRequest', { headers: {} })).type, 'HealthCheckResponse');

  assertRefused(await client.request('InstanceRequest', instance('orders', 7001)), 'InstanceResponse', /^user not found! \(no credentials/);
  assert.equal(registered('orders', 7001), undefined);

  const ok = await client.request('InstanceRequest', instance('orders', 7001), { accessToken: dev });
  assert.deepEqual([ok.type, ok.body.resultCode], ['InstanceResponse', 200], JSON.stringify(ok.body));
  assert.ok(registered('orders', 7001));
  const [event] = ts.server.ctx.journal.query({ service: 'orders', cause: 'INSTANCE_REGISTERED' }).events;
  assert.equal(event.evidence.user, 'orders-dev', 'the journal names the verified user');

  assertRefused(await client.request('InstanceRequest', instance('payments', 7002), { accessToken: dev }), 'InstanceResponse', /^authorization failed! .*':DEFAULT_GROUP:naming\/payments'/);
  assert.equal(registered('payments', 7002), undefined);
  // The group travels in `serviceName` too: the resource checked is the one the handler would act on.
  assertRefused(await client.request('InstanceRequest', { ...instance('G2@@orders', 7003), groupName: null }, { accessToken: dev }), 'InstanceResponse', /':G2:naming\/orders'/);

  const query = { namespace: 'public', serviceName: 'orders', groupName: 'DEFAULT_GROUP', cluster: '', healthyOnly: false, udpPort: 0 };
  const read = await client.request('ServiceQueryRequest', query, { accessToken: dev });
  assert.deepEqual(
    read.body.serviceInfo.hosts.map((h: { port: number }) => h.port),
    [7001],
  );
  assertRefused(await client.request('ServiceQueryRequest', { ...query, serviceName: 'payments' }, { accessToken: dev }), 'QueryServiceResponse', /may read ':DEFAULT_GROUP:naming\/payments'/);
  assertRefused(await client.request('SubscribeServiceRequest', { ...query, serviceName: 'payments', subscribe: true, clusters: '' }, { accessToken: dev }), 'SubscribeServiceResponse', /payments/);

  // A client's mistake is still answered as one (400 naming the field), not hidden behind a refusal.
  const bad = await client.request('InstanceRequest', { ...instance('orders', 7004), serviceName: '' }, { accessToken: dev });
  assert.deepEqual([bad.body.errorCode, bad.body.message], [400, "Param 'serviceName' is required."]);

  // The admin may do anything; the server's own state is the admin's only.
  const byAdmin = await client.request('InstanceRequest', instance('payments', 7002), { accessToken: admin });
  assert.equal(byAdmin.body.resultCode, 200);

  // A service list shows a limited user the services it may read (as over HTTP), the admin all; no token, nothing.
  const list = { namespace: 'public', groupName: 'DEFAULT_GROUP', pageNo: 1, pageSize: 10 };
  const listed = await client.request('ServiceListRequest', list, { accessToken: dev });
  assert.deepEqual([listed.type, listed.body.count, listed.body.serviceNames], ['ServiceListResponse', 1, ['orders']]);
  assert.deepEqual((await client.request('ServiceListRequest', list, { accessToken: admin })).body.serviceNames, ['orders', 'payments']);
  assertRefused(await client.request('ServiceListRequest', list), 'ServiceListResponse', /no credentials/);
  assertRefused(await client.request('ServerLoaderInfoRequest', {}, { accessToken: dev }), 'ServerLoaderInfoResponse', /console\/connections/);
  assert.equal((await client.request('ServerLoaderInfoRequest', {}, { accessToken: admin })).body.resultCode, 200);

  // Raw credentials in the headers work as a token does; a wrong password is refused.
  const raw = await client.request('InstanceRequest', instance('orders', 7005), { username: 'orders-dev', password: DEV_PASSWORD });
  assert.equal(raw.body.resultCode, 200, JSON.stringify(raw.body));
  assertRefused(await client.request('InstanceRequest', instance('orders', 7006), { username: 'orders-dev', password: 'wrong' }), 'InstanceResponse', /^user not found!$/);
  assert.equal(registered('orders', 7006), undefined);
});

test('expired, forged and revoked tokens are refused on gRPC', async (t) => {
  const { ts, client, dev } = await authServer();
  t.after(async () => {
    client.close();
    await ts.close();
  });
  const keys = await ts.server.ctx.authPersistence.signingKeys();
  const nowS = Math.floor(Date.now() / 1000);
  const user = ts.server.ctx.auth.user('orders-dev')!;
  const expired = signToken({ sub: 'orders-dev', iat: nowS - 100, exp: nowS - 10, gen: user.tokenGeneration }, keys.current);
  assertRefused(await client.request('InstanceRequest', instance('orders', 7001), { accessToken: expired }), 'InstanceResponse', /^token expired!$/);
  const forged = signToken({ sub: 'nacos', iat: nowS, exp: nowS + 100, gen: 0 }, { ...keys.current, secret: Buffer.alloc(32, 7) });
  assertRefused(await client.request('InstanceRequest', instance('orders', 7001), { accessToken: forged }), 'InstanceResponse', /^token invalid! \(Invalid signature\)$/);
  assertRefused(await client.request('InstanceRequest', instance('orders', 7001), { accessToken: `${dev}x` }), 'InstanceResponse', /signature|invalid/);
  ts.server.ctx.auth.changePassword('orders-dev', await hashPassword('a-new-password'), { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: '' });
  assertRefused(await client.request('InstanceRequest', instance('orders', 7001), { accessToken: dev }), 'InstanceResponse', /issued before the password was changed/);
});

test('with auth on, gRPC config requests need read or write on each config they name', async (t) => {
  const { ts, client, admin, dev } = await authServer();
  t.after(async () => {
    client.close();
    await ts.close();
  });
  for (const dataId of ['app.yaml', 'secret.yaml']) {
    const published = await client.request('ConfigPublishRequest', { ...configKey(dataId), content: `${dataId}=1`, additionMap: {} }, { accessToken: admin });
    assert.equal(published.body.resultCode, 200, JSON.stringify(published.body));
  }
  const [event] = ts.server.ctx.journal.query({ cause: 'CONFIG_PUBLISHED' }).events;
  assert.equal(event.evidence.user, 'nacos', 'the journal names the verified user of a gRPC publish');

  const got = await client.request('ConfigQueryRequest', configKey('app.yaml'), { accessToken: dev });
  assert.equal(got.body.content, 'app.yaml=1');
  const hidden = await client.request('ConfigQueryRequest', configKey('secret.yaml'), { accessToken: dev });
  assertRefused(hidden, 'ConfigQueryResponse', /may read ':DEFAULT_GROUP:config\/secret.yaml'/);
  assert.equal(hidden.body.content, undefined);
  assert.deepEqual([hidden.body.lastModified, hidden.body.beta], [0, false], 'the fields the Rust client requires');

  assertRefused(await client.request('ConfigPublishRequest', { ...configKey('app.yaml'), content: 'changed', additionMap: {} }, { accessToken: dev }), 'ConfigPublishResponse', /may write ':DEFAULT_GROUP:config\/app.yaml'/);
  assertRefused(await client.request('ConfigRemoveRequest', configKey('app.yaml'), { accessToken: dev }), 'ConfigRemoveResponse', /may write/);
  assert.equal(ts.server.ctx.config.get({ namespace: 'public', group: 'DEFAULT_GROUP', dataId: 'app.yaml' })?.content, 'app.yaml=1');

  const listen = (keys: string[]) => ({ listen: true, configListenContexts: keys.map((k) => ({ ...configKey(k), md5: '' })) });
  assertRefused(await client.request('ConfigBatchListenRequest', listen(['app.yaml', 'secret.yaml']), { accessToken: dev }), 'ConfigChangeBatchListenResponse', /secret.yaml/);
  assert.deepEqual(ts.server.ctx.configListeners.of({ namespace: 'public', group: 'DEFAULT_GROUP', dataId: 'secret.yaml' }), [], 'no refused request left a trace as a listener');
  const listened = await client.request('ConfigBatchListenRequest', listen(['app.yaml']), { accessToken: dev });
  assert.deepEqual([listened.type, listened.body.resultCode], ['ConfigChangeBatchListenResponse', 200]);
});

test('an unlisted request type is refused while auth is on, and allowed when it is off', async (t) => {
  const on = await startGrpcTestServer({}, { authEnabled: true });
  const off = await startGrpcTestServer();
  const clients = await Promise.all([on, off].map(async (ts) => (await connectedClient(ts.grpcPort, javaSetup('naming'))).client));
  t.after(async () => {
    for (const c of clients) c.close();
    await Promise.all([on.close(), off.close()]);
  });
  for (const ts of [on, off]) ts.server.grpc!.handlers.register('MadeUpRequest', () => ({ type: 'MadeUpResponse', body: {} }));
  const token = await loginToken(on.url);
  const refused = await clients[0].request('MadeUpRequest', {}, { accessToken: token });
  assert.deepEqual([refused.type, refused.body.errorCode], ['ErrorResponse', 403]);
  assert.match(refused.body.message, /no auth rule for request type 'MadeUpRequest'/);
  assert.equal((await clients[1].request('MadeUpRequest', {})).type, 'MadeUpResponse');
});

test('with auth off, gRPC requests pass without credentials, and valid ones still name the user in the journal', async (t) => {
  const ts = await startGrpcTestServer();
  const { client } = await connectedClient(ts.grpcPort, javaSetup('naming'));
  t.after(async () => {
    client.close();
    await ts.close();
  });
  ts.server.ctx.auth.createUser('ops', await hashPassword(DEV_PASSWORD), ACTOR);
  // With auth off a login answers Nacos's AUTH_DISABLED: a user is named by its username and password.
  assert.equal(await loginToken(ts.url, 'ops', DEV_PASSWORD), 'AUTH_DISABLED');
  assert.equal((await client.request('InstanceRequest', instance('anon', 7001))).body.resultCode, 200);
  assert.equal((await client.request('InstanceRequest', instance('anon', 7002), { accessToken: 'not-a-token' })).body.resultCode, 200);
  assert.equal((await client.request('InstanceRequest', instance('anon', 7003), { accessToken: 'AUTH_DISABLED' })).body.resultCode, 200);
  assert.equal((await client.request('InstanceRequest', instance('named', 7004), { username: 'ops', password: DEV_PASSWORD })).body.resultCode, 200);
  const userOf = (service: string) => ts.server.ctx.journal.query({ service, cause: 'INSTANCE_REGISTERED' }).events.map((e) => e.evidence.user);
  assert.deepEqual(userOf('anon'), [undefined, undefined, undefined]);
  assert.deepEqual(userOf('named'), ['ops']);
});
