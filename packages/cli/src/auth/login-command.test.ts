import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hostPort, runCli } from '../testing/run-cli.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.js';

describe('cairn login, logout and the commands that use the kept token', () => {
  let ts: TestServer;
  let server: string;
  let home: string;
  let env: Record<string, string>;
  before(async () => {
    ts = await startTestServer({ authEnabled: true, tokenTtlSeconds: 60 }, { fakeTime: true });
    server = hostPort(ts.url);
    home = mkdtempSync(join(tmpdir(), 'cairn-cli-home-'));
    env = { HOME: home, XDG_CONFIG_HOME: join(home, 'xdg') };
  });
  after(async () => {
    await ts.close();
    rmSync(home, { recursive: true, force: true });
  });
  const file = () => join(env.XDG_CONFIG_HOME, 'cairn', 'logins.json');

  test('without a login the server refuses, and the message says how to log in', async () => {
    // Through the SDK (instance), and through Cairn's own endpoints read directly (service, events).
    for (const args of [['instance', 'list', '--service', 'basket'], ['service', 'list'], ['events']]) {
      const r = await runCli([...args, '--server', server], env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /requires credentials: log in with 'cairn login --server/, args.join(' '));
    }
  });

  test('events show a server-wide event (an auth change) with no service, not an empty group@@name', async () => {
    const r = await runCli(['events', '--server', server, '--cause', 'USER_CREATED', '--username', 'nacos'], { ...env, CAIRN_PASSWORD: TEST_ADMIN_PASSWORD });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /USER_CREATED\s+-\s+-\s+username=nacos/);
    assert.doesNotMatch(r.stdout, /@@/);
  });

  test('a wrong password: exit 1, "wrong username or password", the password shown nowhere, nothing stored', async () => {
    const r = await runCli(['login', '--server', server, '--username', 'nacos', '--password-stdin'], env, 'wrong-secret-77\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /wrong username or password/);
    assert.equal(`${r.stdout}${r.stderr}`.includes('wrong-secret-77'), false);
    assert.throws(() => statSync(file()));
  });

  test('login stores the token in a file only the user can read; the other commands use it; logout forgets it', async () => {
    const login = await runCli(['login', '--server', server, '--username', 'nacos'], { ...env, CAIRN_PASSWORD: TEST_ADMIN_PASSWORD });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /logged in to http:\/\/127\.0\.0\.1:\d+\/nacos as 'nacos'/);
    assert.equal(statSync(file()).mode & 0o777, 0o600);
    assert.equal(statSync(join(env.XDG_CONFIG_HOME, 'cairn')).mode & 0o777, 0o700);
    assert.equal(readFileSync(file(), 'utf8').includes(TEST_ADMIN_PASSWORD), false, 'the password is not stored');

    const steps = [
      ['instance', 'register', '--service', 'basket', '--ip', '127.0.0.1', '--port', '8080', '--ephemeral', 'false'],
      ['instance', 'list', '--service', 'basket'],
      ['service', 'list'],
      ['service', 'get', '--service', 'basket'],
      ['config', 'publish', '--data-id', 'a.properties', '--content', 'x=1'],
      ['config', 'get', '--data-id', 'a.properties'],
      ['config', 'diagnose', '--data-id', 'a.properties'],
      ['events', '--service', 'basket'],
    ];
    for (const args of steps) {
      const r = await runCli([...args, '--server', server], env);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }

    const out = await runCli(['logout', '--server', server], env);
    assert.equal(out.code, 0);
    assert.match(out.stdout, /logged out of/);
    const after = await runCli(['instance', 'list', '--server', server, '--service', 'basket'], env);
    assert.equal(after.code, 1);
    assert.match(after.stderr, /requires credentials/);
  });

  test('--password-stdin logs in; a token the server says expired asks to log in again', async () => {
    const login = await runCli(['login', '--server', server, '--username', 'nacos', '--password-stdin'], env, `${TEST_ADMIN_PASSWORD}\n`);
    assert.equal(login.code, 0, login.stderr);
    ts.time!.advance(61_000);
    const r = await runCli(['instance', 'list', '--server', server, '--service', 'basket'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused the kept login \(token expired!\): log in again with 'cairn login --server/);
  });

  test('a kept login past its expiry is not sent: the command says to log in again', async () => {
    const login = await runCli(['login', '--server', server, '--username', 'nacos'], { ...env, CAIRN_PASSWORD: TEST_ADMIN_PASSWORD });
    assert.equal(login.code, 0, login.stderr);
    const kept = JSON.parse(readFileSync(file(), 'utf8')) as Record<string, { expiresAt: number }>;
    for (const entry of Object.values(kept)) entry.expiresAt = Date.now() - 1000;
    writeFileSync(file(), JSON.stringify(kept));
    const r = await runCli(['config', 'get', '--data-id', 'a.properties', '--server', server], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /your login to http:\/\/127\.0\.0\.1:\d+\/nacos as 'nacos' expired at .*; log in again: cairn login --server/);
  });

  test('one-off --username with CAIRN_PASSWORD works without a kept login; --password works and warns', async () => {
    await runCli(['logout', '--server', server], env);
    const r = await runCli(['instance', 'list', '--server', server, '--service', 'basket', '--username', 'nacos'], { ...env, CAIRN_PASSWORD: TEST_ADMIN_PASSWORD });
    assert.equal(r.code, 0, r.stderr);
    const w = await runCli(['config', 'get', '--data-id', 'a.properties', '--server', server, '--username', 'nacos', '--password', TEST_ADMIN_PASSWORD], env);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /--password is visible to other users/);
  });
});
