import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { spawnServer, type SpawnedServer } from '@cairn/testkit';
import { CairnConfigError, createNamingClient, NamingClient, type NamingClientOptions } from './index.js';
import { FakeNacos } from './testing/fake-nacos.js';
import { captureLogger, portOf } from './testing/helpers.js';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Asserts that verify() rejects with one CairnConfigError for `setting` whose message matches. */
async function failsOn(options: NamingClientOptions, setting: string, message: RegExp): Promise<CairnConfigError> {
  const client = new NamingClient({ logger: captureLogger(), requestTimeoutMs: 1000, ...options });
  try {
    const error = await client.verify().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof CairnConfigError, `expected a CairnConfigError, got ${String(error)}`);
    assert.equal(error.setting, setting, error.message);
    assert.match(error.message, message);
    return error;
  } finally {
    await client.close();
  }
}

describe('configuration errors are caught at start, each naming the setting to fix', () => {
  let server: SpawnedServer;
  let address: string;
  before(async () => {
    server = await spawnServer();
    address = `127.0.0.1:${portOf(server.url)}`;
  });
  after(() => server.stop());

  test('a correct configuration passes, for public and for an existing namespace', async () => {
    await new NamingClient({ serverAddresses: [address] }).verify();
    const created = await fetch(`${server.url}/v1/console/namespaces?customNamespaceId=team-a&namespaceName=Team%20A`, { method: 'POST' });
    assert.equal(created.status, 200);
    const client = await createNamingClient({ serverAddresses: [address], namespace: 'team-a', verify: true });
    await client.close();
  });

  test('a malformed address is refused when the client is created', () => {
    assert.throws(
      () => new NamingClient({ serverAddresses: ['127.0.0.1:80a'] }),
      (e: unknown) => e instanceof CairnConfigError && e.setting === 'serverAddresses' && /'127.0.0.1:80a'.*port '80a' is not a number/.test(e.message),
    );
    assert.throws(
      () => new NamingClient({ serverAddresses: [address], namespace: 'has space' }),
      (e: unknown) => e instanceof CairnConfigError && e.setting === 'namespace',
    );
    assert.throws(
      () => new NamingClient({ serverAddresses: [address], username: 'nacos' }),
      (e: unknown) => e instanceof CairnConfigError && e.setting === 'password',
    );
    assert.throws(
      () => new NamingClient({ serverAddresses: [address], requestTimeoutMs: -1 }),
      (e: unknown) => e instanceof CairnConfigError && e.setting === 'requestTimeoutMs',
    );
  });

  test('an unreachable port', async () => {
    const port = await closedPort();
    await failsOn({ serverAddresses: [`127.0.0.1:${port}`] }, 'serverAddresses', new RegExp(`127\\.0\\.0\\.1:${port}.*nothing accepts connections.*ECONNREFUSED`));
  });

  test('a host name that does not resolve', async () => {
    const lookup = async (host: string) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    await failsOn({ serverAddresses: ['registyr.example.test:8848'], lookup }, 'serverAddresses', /'registyr\.example\.test'.*does not resolve \(ENOTFOUND\)/);
  });

  test('a wrong context path, with the fix when /nacos works', async () => {
    await failsOn({ serverAddresses: [address], contextPath: '/registry' }, 'contextPath', /no Nacos API under '\/registry'.*set contextPath to '\/nacos'/);
  });

  test('an unknown namespace', async () => {
    await failsOn({ serverAddresses: [address], namespace: 'no-such-ns' }, 'namespace', /'no-such-ns' does not exist.*Known namespaces: public/);
  });

  test('wrong credentials (403) and missing credentials', async () => {
    const fake = await new FakeNacos().start();
    after(() => fake.close());
    fake.handle = (path, query, res) => {
      if (path !== '/nacos/v1/ns/instance/list') return false;
      if (query.get('username') === 'nacos' && query.get('password') === 'right') return false;
      res.writeHead(403).end('user not found!');
      return true;
    };
    const error = await failsOn({ serverAddresses: [fake.address], username: 'nacos', password: 'wrong' }, 'password', /refused the credentials of user 'nacos' \(HTTP 403: user not found!\)/);
    assert.doesNotMatch(error.message, /wrong/, 'the password never appears in a message');
    await failsOn({ serverAddresses: [fake.address] }, 'username', /requires authentication.*set the username and password/);
    await new NamingClient({ serverAddresses: [fake.address], username: 'nacos', password: 'right' }).verify();
    assert.equal(fake.requests.at(-1)?.query.get('password'), 'right', 'credentials travel as parameters');
  });

  test('a port that answers HTTP but is not a registry', async () => {
    const other = http.createServer((_req, res) => res.end('<html>hello</html>'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    after(() => new Promise<void>((r) => other.close(() => r())));
    await failsOn({ serverAddresses: [`127.0.0.1:${(other.address() as net.AddressInfo).port}`] }, 'serverAddresses', /not as a Nacos-compatible registry; is this the right port/);
  });

  test('every server must pass unless allServers is false; createNamingClient({ verify: true }) rejects', async () => {
    const dead = `127.0.0.1:${await closedPort()}`;
    await failsOn({ serverAddresses: [address, dead] }, 'serverAddresses', new RegExp(dead));
    await new NamingClient({ serverAddresses: [address, dead] }).verify({ allServers: false });
    await assert.rejects(createNamingClient({ serverAddresses: [dead], verify: true, logger: {} }), CairnConfigError);
  });
});
