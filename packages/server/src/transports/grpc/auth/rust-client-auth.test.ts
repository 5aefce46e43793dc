import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portsOf, RustNamingClient, type Host } from '../../../testing/rust-naming-client.js';
import { startGrpcTestServer, TEST_ADMIN_PASSWORD } from '../../../testing/test-server.js';

test('the Rust SDK with a username and password registers and discovers over gRPC with auth on; without them, or with a wrong password, it is refused', { timeout: 90_000 }, async (t) => {
  const ts = await startGrpcTestServer({}, { authEnabled: true });
  t.after(() => ts.close());
  const httpPort = Number(new URL(ts.url).port);
  const [member, stranger, guesser] = await Promise.all([
    RustNamingClient.start(httpPort, { username: 'nacos', password: TEST_ADMIN_PASSWORD }),
    RustNamingClient.start(httpPort),
    RustNamingClient.start(httpPort, { username: 'nacos', password: 'not-the-password' }),
  ]);
  t.after(() => {
    for (const c of [member, stranger, guesser]) c.dispose();
  });
  const held = () => portsOf(ts.server.ctx.registry.query({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'orders' }, { clusters: [], healthyOnly: false }).hosts);

  await member.run('registerInstance', 'orders', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7001 });
  assert.deepEqual(held(), [7001]);
  const found: Host[] = await member.run('getAllInstances', 'orders', 'DEFAULT_GROUP', [], false);
  assert.deepEqual(portsOf(found), [7001]);
  const [event] = ts.server.ctx.journal.query({ service: 'orders', cause: 'INSTANCE_REGISTERED' }).events;
  assert.equal(event.evidence.user, 'nacos', 'the journal names the user the client logged in as');

  await assert.rejects(stranger.run('registerInstance', 'orders', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7002 }), /user not found! \(no credentials/);
  await assert.rejects(stranger.run('getAllInstances', 'orders', 'DEFAULT_GROUP', [], false), /user not found!/);
  // The client's login with the wrong password was refused (journaled); it then sends no token, and says so.
  const failed = ts.server.ctx.journal.query({ cause: 'LOGIN_FAILED' }).events;
  assert.ok(failed.length > 0);
  for (const e of failed) assert.deepEqual([e.evidence.username, e.evidence.reason], ['nacos', 'bad-password']);
  await assert.rejects(guesser.run('registerInstance', 'orders', 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 7003 }), /error_code=403, message=user not found!/);
  assert.deepEqual(held(), [7001], 'nothing was registered by the refused clients');
});
