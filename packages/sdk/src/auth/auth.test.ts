import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigClient } from '../config/config-client.js';
import { CairnAuthError, CairnConfigError, CairnRequestError } from '../errors.js';
import { NamingClient } from '../naming-client.js';
import { ADMIN, type AuthServer, startAuthServer } from '../testing/auth-server.js';
import { captureLogger } from '../testing/helpers.js';
import { ManualClock } from '../testing/manual-clock.js';

const TTL_S = 60;

function loginFailures(ts: AuthServer): number {
  return ts.server.ctx.journal.query({ cause: 'LOGIN_FAILED' }).total;
}

function logins(lines: { message: string }[]): number {
  return lines.filter((l) => l.message.startsWith('logged in on')).length;
}

/** Every text a client could show: its log lines and an error's message and body. */
function leaked(secret: string, lines: { message: string; fields?: unknown }[], error?: unknown): boolean {
  const texts = lines.map((l) => `${l.message} ${JSON.stringify(l.fields ?? '')}`);
  if (error instanceof Error) texts.push(error.message, String((error as CairnRequestError).body ?? ''), String(error.stack));
  return texts.some((t) => t.includes(secret));
}

describe('SDK against a server with authentication on (HTTP)', () => {
  let ts: AuthServer;
  before(async () => {
    ts = await startAuthServer({ tokenTtlSeconds: TTL_S }, { fakeTime: true });
  });
  after(async () => {
    await ts.close();
  });

  test('registers, discovers and publishes configs with a username and password', async () => {
    const logger = captureLogger();
    const naming = new NamingClient({ serverAddresses: [ts.address], username: ADMIN.username, password: ADMIN.password, logger });
    const config = new ConfigClient({ serverAddresses: [ts.address], username: ADMIN.username, password: ADMIN.password, logger });
    try {
      await naming.registerInstance('auth-orders', { ip: '127.0.0.1', port: 7001 });
      assert.deepEqual(
        (await naming.getAllInstances('auth-orders', { cacheFallback: false })).map((i) => i.port),
        [7001],
      );
      await config.publishConfig('auth.properties', 'DEFAULT_GROUP', 'a=1');
      assert.equal((await config.getConfig('auth.properties'))?.content, 'a=1');
      assert.equal(logins(logger.lines), 2, 'each client logged in once, then reused its token');
      assert.equal(leaked(ADMIN.password, logger.lines), false);
    } finally {
      await naming.close();
      await config.close();
    }
  });

  test('without credentials the server refuses: CairnAuthError credentials-required', async () => {
    const naming = new NamingClient({ serverAddresses: [ts.address], logger: {} });
    const error = await naming.getAllInstances('auth-orders', { cacheFallback: false }).catch((e: unknown) => e);
    await naming.close();
    assert.ok(error instanceof CairnAuthError, String(error));
    assert.equal(error.reason, 'credentials-required');
    assert.ok(error instanceof CairnRequestError && !error.retryable);
  });

  test('a wrong password fails with CairnAuthError wrong-credentials, without the password, and is not tried again at once', async () => {
    // A server of its own: refused logins count towards the server's throttle of this address.
    const ts = await startAuthServer();
    try {
      const logger = captureLogger();
      const secret = 'not-the-password-42';
      // What one refused login adds to the journal, measured with a login sent by hand.
      const start = loginFailures(ts);
      await fetch(`${ts.url}/v1/auth/login`, { method: 'POST', body: new URLSearchParams({ username: ADMIN.username, password: secret }) });
      const perLogin = loginFailures(ts) - start;
      const failedBefore = loginFailures(ts);
      const naming = new NamingClient({ serverAddresses: [ts.address], username: ADMIN.username, password: secret, logger });
      const first = await naming.getAllInstances('auth-orders', { cacheFallback: false }).catch((e: unknown) => e);
      const second = await naming.getAllInstances('auth-orders', { cacheFallback: false }).catch((e: unknown) => e);
      await naming.close();
      assert.ok(first instanceof CairnAuthError, String(first));
      assert.equal(first.reason, 'wrong-credentials');
      assert.equal(first.code, 'CAIRN_AUTH');
      assert.match(first.message, /wrong username or password/);
      assert.equal(leaked(secret, logger.lines, first), false, 'the password is in no message');
      assert.equal(second, first, 'the refusal is answered again without a second login');
      assert.equal(loginFailures(ts) - failedBefore, perLogin, 'the server saw one failed login');
    } finally {
      await ts.close();
    }
  });

  test('logs in again before the token expires (at ttl - ttl/10 by the client clock)', async () => {
    const logger = captureLogger();
    const clock = new ManualClock();
    const naming = new NamingClient({ serverAddresses: [ts.address], username: ADMIN.username, password: ADMIN.password, logger, clock });
    try {
      await naming.getAllInstances('auth-orders', { cacheFallback: false });
      await clock.advance((TTL_S - TTL_S / 10) * 1000 - 1000);
      await naming.getAllInstances('auth-orders', { cacheFallback: false });
      assert.equal(logins(logger.lines), 1, 'still the first token');
      await clock.advance(2000);
      await naming.getAllInstances('auth-orders', { cacheFallback: false });
      assert.equal(logins(logger.lines), 2, 'refreshed before expiry');
    } finally {
      await naming.close();
    }
  });

  test('a token the server says expired is replaced by a new login once, and the call goes through', async () => {
    const logger = captureLogger();
    // The client's clock stands still: only the server's 403 'token expired!' can make it log in again.
    const clock = new ManualClock();
    const config = new ConfigClient({ serverAddresses: [ts.address], username: ADMIN.username, password: ADMIN.password, logger, clock });
    try {
      await config.publishConfig('expiring.properties', 'DEFAULT_GROUP', 'v=1');
      ts.time!.advance((TTL_S + 1) * 1000);
      assert.equal((await config.getConfig('expiring.properties'))?.content, 'v=1');
      assert.equal(logins(logger.lines), 2);
    } finally {
      await config.close();
    }
  });

  test('after a password change on the server, the next call fails clearly: the token is revoked and the old password refused', async () => {
    const ts = await startAuthServer();
    const logger = captureLogger();
    const naming = new NamingClient({ serverAddresses: [ts.address], username: 'nacos', password: ADMIN.password, logger });
    try {
      await naming.getAllInstances('auth-orders', { cacheFallback: false });
      await ts.changePassword('nacos', 'a-new-password');
      const error = await naming.getAllInstances('auth-orders', { cacheFallback: false }).catch((e: unknown) => e);
      assert.ok(error instanceof CairnAuthError, String(error));
      assert.equal(error.reason, 'wrong-credentials');
      assert.equal(leaked(ADMIN.password, logger.lines, error), false);
    } finally {
      await naming.close();
      await ts.close();
    }
  });

  test('a ready accessToken is sent as is; once the server refuses it, CairnAuthError token-refused', async () => {
    const token = await loginFor(ts);
    const naming = new NamingClient({ serverAddresses: [ts.address], accessToken: token, logger: {} });
    try {
      await naming.getAllInstances('auth-orders', { cacheFallback: false });
      ts.time!.advance((TTL_S + 1) * 1000);
      const error = await naming.getAllInstances('auth-orders', { cacheFallback: false }).catch((e: unknown) => e);
      assert.ok(error instanceof CairnAuthError, String(error));
      assert.equal(error.reason, 'token-refused');
      assert.equal(error.message.includes(token), false);
    } finally {
      await naming.close();
    }
  });
});

test('against a server with authentication off, a client with credentials works (the login answers AUTH_DISABLED)', async () => {
  const ts = await startAuthServer({ authEnabled: false });
  const logger = captureLogger();
  const naming = new NamingClient({ serverAddresses: [ts.address], username: 'nacos', password: 'anything', logger });
  try {
    await naming.registerInstance('open-orders', { ip: '127.0.0.1', port: 7002 });
    assert.equal((await naming.getAllInstances('open-orders', { cacheFallback: false })).length, 1);
    assert.equal(logins(logger.lines), 0, 'AUTH_DISABLED is no token to log about');
  } finally {
    await naming.close();
    await ts.close();
  }
});

test('a throttled login fails with CairnAuthError throttled and the wait the server asks for', async () => {
  // Fake time: the throttle's wait never passes on its own, however slow the machine.
  const ts = await startAuthServer({}, { fakeTime: true });
  try {
    for (let i = 0; i < 6; i++) await fetch(`${ts.url}/v1/auth/login`, { method: 'POST', body: new URLSearchParams({ username: 'nacos', password: `guess-${i}` }) });
    const naming = new NamingClient({ serverAddresses: [ts.address], username: ADMIN.username, password: ADMIN.password, logger: {} });
    const error = await naming.getAllInstances('auth-orders', { cacheFallback: false }).catch((e: unknown) => e);
    await naming.close();
    assert.ok(error instanceof CairnAuthError, String(error));
    assert.equal(error.reason, 'throttled');
    assert.equal(error.status, 429);
    assert.ok((error.retryAfterMs ?? 0) >= 1000);
    assert.match(error.message, /too many failed logins/);
    const verifying = new NamingClient({ serverAddresses: [ts.address], username: ADMIN.username, password: ADMIN.password, logger: {} });
    const refused = await verifying.verify().catch((e: unknown) => e);
    await verifying.close();
    assert.ok(refused instanceof CairnConfigError, String(refused));
    assert.equal(refused.setting, 'password');
    assert.match(refused.message, /too many failed logins/);
  } finally {
    await ts.close();
  }
});

async function loginFor(ts: AuthServer): Promise<string> {
  const res = await fetch(`${ts.url}/v1/auth/login`, { method: 'POST', body: new URLSearchParams(ADMIN) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}
