import { repoRoot, spawnServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath } from './testing/run-cli.js';

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
  const run = spawnSync(process.execPath, [cliPath(), 'start', '--port', 'eighty'], { encoding: 'utf8' });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /--port must be an integer/);
});

test('npm start passes flags through to the server', async () => {
  const child = spawn('npm', ['start', '--silent', '--', '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'cairn-npm-start-')), '--log-level', 'warn'], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
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

test('unknown commands and bare command groups exit with 2 and the overview; --help exits 0', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8' });
  const unknown = run('frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  assert.match(unknown.stderr, /Usage: cairn <command>/);
  const group = run('instance');
  assert.equal(group.status, 2);
  assert.match(group.stderr, /'cairn instance' needs one of: register, deregister, list/);
  assert.equal(run().status, 2);
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: cairn <command>/);
  for (const command of ['start', 'doctor', 'events', 'instance register', 'service get']) assert.match(help.stdout, new RegExp(`\\n  ${command}\\s`));
  const doctorHelp = run('help', 'doctor');
  assert.equal(doctorHelp.status, 0);
  assert.match(doctorHelp.stdout, /^Usage: cairn doctor \[flags\]/);
  assert.match(doctorHelp.stdout, /--server ADDR/);
  assert.match(run('events', '--help').stdout, /^Usage: cairn events \[flags\][\s\S]*--cause CAUSE/);
  assert.match(run('start', '--help').stdout, /^Usage: cairn start \[options\]/);
});
