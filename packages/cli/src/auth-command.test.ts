import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { cliPath, hostPort, runCli } from './testing/run-cli.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

const ADMIN_PASSWORD = 'cli-admin-password';

/** The kid in a token's header. */
function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
}

async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=nacos&password=${ADMIN_PASSWORD}` });
  assert.equal(res.status, 200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

describe('cairn auth rotate-key and cairn auth keys', { timeout: 60_000 }, () => {
  let ts: TestServer;
  let server: string;
  before(async () => {
    ts = await startTestServer({ authEnabled: true }, { adminPassword: ADMIN_PASSWORD });
    server = hostPort(ts.url);
  });
  after(() => ts.close());

  it('rotates as an admin (password from CAIRN_PASSWORD): new logins get the new key, older tokens still work', async () => {
    const before = await login(ts.url);
    const run = await runCli(['auth', 'rotate-key', '--server', server, '--username', 'nacos', '--json'], { CAIRN_PASSWORD: ADMIN_PASSWORD });
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout) as { signing: string; keys: { kid: string; signing: boolean }[] };
    assert.notEqual(answer.signing, kidOf(before));
    assert.deepEqual(
      answer.keys.map((k) => [k.kid, k.signing]),
      [
        [answer.signing, true],
        [kidOf(before), false],
      ],
    );
    assert.equal(kidOf(await login(ts.url)), answer.signing);
    const still = await fetch(`${ts.url}/v1/console/namespaces`, { headers: { authorization: `Bearer ${before}` } });
    assert.equal(still.status, 200);

    const listed = await runCli(['auth', 'keys', '--server', server, '--username', 'nacos'], { CAIRN_PASSWORD: ADMIN_PASSWORD });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${answer.signing}\\s+signing\\s`, 'm'));
    assert.match(listed.stdout, new RegExp(`^${kidOf(before)}\\s+retired\\s`, 'm'));
    assert.match(listed.stdout, /2 keys; new tokens are signed with /);
  });

  it('without credentials or with a wrong password the server refuses and the exit code is 1; --password needs --username', async () => {
    const anonymous = await runCli(['auth', 'rotate-key', '--server', server]);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /cairn auth rotate-key: the server requires credentials: log in with 'cairn login --server/);
    const wrong = await runCli(['auth', 'rotate-key', '--server', server, '--username', 'nacos'], { CAIRN_PASSWORD: 'not-the-password' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /HTTP 403/);
    assert.ok(!wrong.stderr.includes('not-the-password'));
    const usage = await runCli(['auth', 'keys', '--server', server, '--password', 'x']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--password needs --username/);
  });
});

test('cairn start refuses a short or published CAIRN_TOKEN_SECRET: exit 1, the reason, never the secret', async () => {
  const cases: [string, RegExp][] = [
    [randomBytes(20).toString('base64'), /CAIRN_TOKEN_SECRET cannot be used: it has 20 bytes; HS256 needs at least 32/],
    ['SecretKey012345678901234567890123456789012345678901234567890123456789', /CAIRN_TOKEN_SECRET cannot be used: it is Nacos's published default secret/],
  ];
  for (const [secret, reason] of cases) {
    const dataDir = mkdtempSync(join(tmpdir(), 'cairn-cli-secret-'));
    try {
      // Synchronous with a deadline: a server that started anyway is killed instead of hanging the test.
      const run = spawnSync(process.execPath, [cliPath(), 'start', '--port', '0', '--grpc-port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
        env: { ...process.env, CAIRN_TOKEN_SECRET: secret },
        encoding: 'utf8',
        timeout: 30_000,
        killSignal: 'SIGKILL',
      });
      assert.equal(run.status, 1, run.stdout + run.stderr);
      assert.match(run.stderr, reason);
      assert.ok(!(run.stdout + run.stderr).includes(secret), 'the secret is not printed');
      assert.doesNotMatch(run.stdout, /listening/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
});
