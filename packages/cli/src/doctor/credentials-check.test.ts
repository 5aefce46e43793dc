import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hostPort, runCli } from '../testing/run-cli.js';
import { addUser, startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.js';

interface CheckJson {
  name: string;
  status: string;
  summary: string;
  fix?: string;
}

async function credentials(args: string[], env: Record<string, string> = {}): Promise<CheckJson> {
  const run = await runCli(['doctor', ...args, '--json'], env);
  const report = JSON.parse(run.stdout) as { checks: CheckJson[] };
  return report.checks.find((c) => c.name === 'credentials')!;
}

describe('doctor: the credentials check against a server with authentication on', () => {
  let ts: TestServer;
  let server: string;
  let home: string;
  before(async () => {
    // Fake time: the throttle's waits never pass on their own, however slow the machine.
    ts = await startTestServer({ authEnabled: true }, { fakeTime: true });
    server = hostPort(ts.url);
    home = mkdtempSync(join(tmpdir(), 'cairn-doctor-home-'));
    await addUser(ts, 'reader', 'reader-password', [':*:naming/*']);
    await addUser(ts, 'orders-only', 'orders-password', [':DEFAULT_GROUP:naming/orders']);
    await addUser(ts, 'nobody', 'nobody-password');
  });
  after(async () => {
    await ts.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('accepts an admin, and a user who may read the namespace', async () => {
    assert.match((await credentials(['--server', server, '--username', 'nacos'], { CAIRN_PASSWORD: TEST_ADMIN_PASSWORD })).summary, /^accepted: logged in as 'nacos'/);
    const reader = await credentials(['--server', server, '--username', 'reader', '--service', 'orders'], { CAIRN_PASSWORD: 'reader-password' });
    assert.equal(reader.status, 'ok', reader.summary);
  });

  it('without credentials: says the server requires them and how to log in', async () => {
    const c = await credentials(['--server', server], { HOME: home, XDG_CONFIG_HOME: join(home, 'xdg') });
    assert.equal(c.status, 'fail');
    assert.equal(c.summary, 'the server requires credentials');
    assert.match(c.fix!, /cairn login --server/);
  });

  it('a wrong password and an unknown user are both "wrong username or password"', async () => {
    const wrong = await credentials(['--server', server, '--username', 'reader'], { CAIRN_PASSWORD: 'not-it' });
    const unknown = await credentials(['--server', server, '--username', 'ghost'], { CAIRN_PASSWORD: 'whatever' });
    for (const c of [wrong, unknown]) {
      assert.equal(c.status, 'fail');
      assert.match(c.summary, /^wrong username or password: the server refused the login of '(reader|ghost)'/);
      assert.match(c.fix!, /check --username and the password/);
      assert.equal(JSON.stringify(c).includes('not-it'), false);
    }
  });

  it('a user without read permission on the namespace, and on the service named', async () => {
    // Cairn lists only what a user may read, so a namespace read is refused only by servers that refuse listings.
    const listed = await credentials(['--server', server, '--username', 'nobody'], { CAIRN_PASSWORD: 'nobody-password' });
    assert.equal(listed.status, 'ok', listed.summary);
    assert.match(JSON.stringify(listed), /lists no service of namespace 'public' that 'nobody' may read; give --service/);
    const namespace = await credentials(['--server', server, '--username', 'nobody', '--service', 'orders'], { CAIRN_PASSWORD: 'nobody-password' });
    assert.equal(namespace.status, 'fail');
    assert.match(namespace.summary, /^user 'nobody' may not read service DEFAULT_GROUP@@orders in namespace 'public': authorization failed!/);
    assert.match(namespace.fix!, /grants a role of 'nobody' read on ':DEFAULT_GROUP:naming\/orders'/);
    const other = await credentials(['--server', server, '--username', 'reader', '--namespace', 'dev', '--service', 'orders'], { CAIRN_PASSWORD: 'reader-password' });
    assert.equal(other.status, 'fail', other.summary);
    assert.match(other.fix!, /read on 'dev:DEFAULT_GROUP:naming\/orders'/);

    const service = await credentials(['--server', server, '--username', 'orders-only', '--service', 'payments'], { CAIRN_PASSWORD: 'orders-password' });
    assert.equal(service.status, 'fail');
    assert.match(service.summary, /^user 'orders-only' may not read service DEFAULT_GROUP@@payments in namespace 'public'/);
    assert.match(service.fix!, /read on ':DEFAULT_GROUP:naming\/payments'/);

    const allowed = await credentials(['--server', server, '--username', 'orders-only', '--service', 'orders'], { CAIRN_PASSWORD: 'orders-password' });
    assert.equal(allowed.status, 'ok', allowed.summary);
    assert.match(allowed.summary, /^accepted: logged in as 'orders-only'/);
  });

  it("uses the kept 'cairn login' of the server", async () => {
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, 'xdg') };
    assert.equal((await runCli(['login', '--server', server, '--username', 'reader'], { ...env, CAIRN_PASSWORD: 'reader-password' })).code, 0);
    assert.match((await credentials(['--server', server], env)).summary, /^accepted: logged in as 'reader'/);
  });

  // Last: the refused logins above and these leave this address throttled.
  it('throttled logins (429) are named with the wait', async () => {
    for (let i = 0; i < 6; i++) await credentials(['--server', server, '--username', 'nobody'], { CAIRN_PASSWORD: `guess-${i}` });
    const c = await credentials(['--server', server, '--username', 'nobody'], { CAIRN_PASSWORD: 'nobody-password' });
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /^too many failed logins for 'nobody' or from this address: the server checks no password now \(too many failed logins for this (user|address); try again in \d+ s\)/);
    assert.match(c.fix!, /cairn events --cause LOGIN_FAILED/);
  });
});
