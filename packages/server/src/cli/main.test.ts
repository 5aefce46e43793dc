import { repoRoot, spawnServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('cairn start prints the resolved configuration, serves, and stops cleanly on SIGTERM', async () => {
  const server = await spawnServer(['--beat-timeout-ms', '20000'], { CAIRN_DELETE_TIMEOUT_MS: '40000' });
  try {
    assert.match(server.output(), /beatTimeoutMs\s+20000/);
    assert.match(server.output(), /deleteTimeoutMs\s+40000/);
    const res = await fetch(`${server.url}/v1/ns/instance/list?serviceName=cli-probe`);
    assert.equal(res.status, 200);
  } finally {
    const code = await server.stop('SIGTERM');
    assert.equal(code, 0, server.output());
  }
  assert.match(server.output(), /shutting down/);
});

test('a bad option stops the CLI with a message naming it', () => {
  const cli = join(repoRoot(), 'packages/server/dist/cli/main.js');
  const run = spawnSync(process.execPath, [cli, 'start', '--port', 'eighty'], { encoding: 'utf8' });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /--port must be an integer/);
});

test('npm start passes flags through to the server', async () => {
  const child = spawn('npm', ['start', '--silent', '--', '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'cairn-npm-start-')), '--log-level', 'warn'], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${out}`)), 20_000);
      child.stdout.on('data', () => {
        if (/listening on http:\/\/127\.0\.0\.1:\d+\/nacos/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    assert.match(out, /port\s+0\s/);
    assert.match(out, /logLevel\s+warn/);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
});
