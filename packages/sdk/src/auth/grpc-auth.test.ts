import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigClient } from '../config/config-client.js';
import { CairnAuthError } from '../errors.js';
import { NamingClient } from '../naming-client.js';
import { ADMIN, type AuthServer, startAuthServer } from '../testing/auth-server.js';
import { captureLogger, waitFor } from '../testing/helpers.js';

type Handler = (request: { type: string; headers: Record<string, string> }, connection: unknown) => unknown;

/** Records the `accessToken` header of every request of the given types that the real server's handlers receive. */
function recordTokens(ts: AuthServer, types: string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const table = (ts.server.grpc!.handlers as unknown as { handlers: Map<string, Handler> }).handlers;
  for (const type of types) {
    const handler = table.get(type)!;
    table.set(type, (request, connection) => {
      seen.set(type, [...(seen.get(type) ?? []), request.headers.accessToken ?? '']);
      return handler(request, connection);
    });
  }
  return seen;
}

describe('SDK over gRPC against a server with authentication on', () => {
  let ts: AuthServer;
  let seen: Map<string, string[]>;
  before(async () => {
    ts = await startAuthServer();
    seen = recordTokens(ts, ['InstanceRequest', 'ServiceQueryRequest', 'ConfigPublishRequest', 'ConfigQueryRequest']);
  });
  after(async () => {
    await ts.close();
  });

  test('naming and config requests carry an accessToken header the server verifies', async () => {
    const naming = new NamingClient({ serverAddresses: [ts.address], protocol: 'grpc', username: ADMIN.username, password: ADMIN.password, logger: {} });
    const config = new ConfigClient({ serverAddresses: [ts.address], protocol: 'grpc', username: ADMIN.username, password: ADMIN.password, logger: {} });
    try {
      await naming.registerInstance('grpc-auth', { ip: '127.0.0.1', port: 7101 });
      assert.equal((await naming.getAllInstances('grpc-auth', { cacheFallback: false })).length, 1);
      await config.publishConfig('grpc-auth.properties', 'DEFAULT_GROUP', 'x=1');
      assert.equal((await config.getConfig('grpc-auth.properties'))?.content, 'x=1');
    } finally {
      await naming.close();
      await config.close();
    }
    for (const type of ['InstanceRequest', 'ServiceQueryRequest', 'ConfigPublishRequest', 'ConfigQueryRequest']) {
      const tokens = seen.get(type) ?? [];
      assert.ok(tokens.length > 0, `${type} was sent`);
      for (const token of tokens) {
        const verified = await ts.server.ctx.authenticator.verify({ token }, { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: '' });
        assert.equal(verified.ok, true, `${type} carried a valid token`);
      }
    }
  });

  test('a wrong password fails the first gRPC call with CairnAuthError, not a connection error', async () => {
    const naming = new NamingClient({ serverAddresses: [ts.address], protocol: 'grpc', username: ADMIN.username, password: 'wrong-grpc-password', logger: {} });
    const error = await naming.registerInstance('grpc-auth', { ip: '127.0.0.1', port: 7102 }).catch((e: unknown) => e);
    await naming.close();
    assert.ok(error instanceof CairnAuthError, String(error));
    assert.equal(error.reason, 'wrong-credentials');
    assert.equal(error.message.includes('wrong-grpc-password'), false);
  });

  test('without credentials the first gRPC call fails with CairnAuthError credentials-required', async () => {
    const naming = new NamingClient({ serverAddresses: [ts.address], protocol: 'grpc', logger: {} });
    const error = await naming.getAllInstances('grpc-auth', { cacheFallback: false }).catch((e: unknown) => e);
    await naming.close();
    assert.ok(error instanceof CairnAuthError, String(error));
    assert.equal(error.reason, 'credentials-required');
  });
});

test('over gRPC, a token the server says expired is replaced by a new login once and the request sent again', async () => {
  const ts = await startAuthServer({ tokenTtlSeconds: 60 }, { fakeTime: true });
  const logger = captureLogger();
  const naming = new NamingClient({ serverAddresses: [ts.address], protocol: 'grpc', username: ADMIN.username, password: ADMIN.password, logger });
  try {
    await naming.registerInstance('grpc-expiry', { ip: '127.0.0.1', port: 7103 });
    ts.time!.advance(61_000);
    assert.equal((await naming.getAllInstances('grpc-expiry', { cacheFallback: false })).length, 1);
    assert.equal(logger.lines.filter((l) => l.message.startsWith('logged in on')).length, 2);
  } finally {
    await naming.close();
    await ts.close();
  }
});

test('over gRPC, after a reconnect to another server that refuses the old token, the client logs in there and registers again', async () => {
  // Two servers with their own signing keys: a token of one is invalid on the other.
  const first = await startAuthServer();
  const second = await startAuthServer();
  const logger = captureLogger();
  const naming = new NamingClient({ serverAddresses: [first.address, second.address], protocol: 'grpc', username: ADMIN.username, password: ADMIN.password, logger, random: () => 0 });
  try {
    await naming.registerInstance('grpc-failover', { ip: '127.0.0.1', port: 7104 });
    await first.close();
    await waitFor(
      'the instance registered again on the second server',
      async () => {
        const res = await fetch(`${second.url}/v1/ns/instance/list?serviceName=grpc-failover&username=${ADMIN.username}&password=${ADMIN.password}`);
        return ((await res.json()) as { hosts: unknown[] }).hosts.length === 1;
      },
      10_000,
    );
    assert.equal(logger.lines.filter((l) => l.message.startsWith('logged in on')).length, 2, 'a second login, on the second server');
  } finally {
    await naming.close();
    await second.close();
  }
});
