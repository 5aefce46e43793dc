import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hostPort, runCli, startCli } from './testing/run-cli.js';
import { call, startTestServer, type TestServer } from './testing/test-server.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('cairn config get | publish | delete | history | watch', { timeout: 60_000 }, () => {
  let ts: TestServer;
  let server: string;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-cli-config-'));
  before(async () => {
    // A held poll ends after max(min hold, timeout - 500 ms); 500 ms keeps the watch test's quiet periods short.
    ts = await startTestServer({ configMinHoldMs: 500 });
    server = hostPort(ts.url);
  });
  after(async () => {
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cairn = (...args: string[]) => runCli([...args, '--server', server]);

  it('publishes from --content and --file, gets (raw and JSON), lists history, deletes', async () => {
    const first = await cairn('config', 'publish', '--data-id', 'app.yaml', '--group', 'SHOP', '--content', 'level: info', '--type', 'yaml');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `published app.yaml in SHOP (namespace public), md5 ${md5('level: info')}\n`);
    const file = join(dir, 'app.yaml');
    writeFileSync(file, 'level: debug\n');
    const second = await cairn('config', 'publish', '--data-id', 'app.yaml', '--group', 'SHOP', '--file', file, '--type', 'yaml');
    assert.equal(second.code, 0, second.stderr);
    // The server holds what the CLI sent, in the default (blank) tenant.
    assert.equal((await call(ts.url, 'GET', '/v1/cs/configs?dataId=app.yaml&group=SHOP')).text, 'level: debug\n');

    const raw = await cairn('config', 'get', '--data-id', 'app.yaml', '--group', 'SHOP');
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(raw.stdout, 'level: debug\n');
    const json = await cairn('config', 'get', '--data-id', 'app.yaml', '--group', 'SHOP', '--json');
    assert.deepEqual(JSON.parse(json.stdout), { dataId: 'app.yaml', group: 'SHOP', namespace: '', type: 'yaml', md5: md5('level: debug\n'), content: 'level: debug\n' });

    const history = await cairn('config', 'history', '--data-id', 'app.yaml', '--group', 'SHOP');
    assert.equal(history.code, 0, history.stderr);
    const [header, newest, oldest, end] = history.stdout.split('\n');
    assert.match(header, /^ID\s+TIME\s+OP\s+VERSION\s+MD5\s+AUTHOR$/);
    assert.match(newest, new RegExp(`^\\d+\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+U\\s+main\\s+${md5('level: debug\n')}\\s+127\\.0\\.0\\.1$`));
    assert.match(oldest, new RegExp(`\\s+I\\s+main\\s+${md5('level: info')}\\s+`));
    assert.equal(end, '');

    const deleted = await cairn('config', 'delete', '--data-id', 'app.yaml', '--group', 'SHOP');
    assert.equal(deleted.stdout, 'deleted app.yaml in SHOP (namespace public)\n');
    const missing = await cairn('config', 'get', '--data-id', 'app.yaml', '--group', 'SHOP');
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /no config app\.yaml in SHOP/);
    const entries = JSON.parse((await cairn('config', 'history', '--data-id', 'app.yaml', '--group', 'SHOP', '--json')).stdout) as { op: string }[];
    assert.deepEqual(
      entries.map((e) => e.op),
      ['D', 'U', 'I'],
    );
  });

  it('--beta-ips and --tag publish gray versions; a bad --beta-ips is refused naming it', async () => {
    assert.equal((await cairn('config', 'publish', '--data-id', 'gray.props', '--content', 'v=main')).code, 0);
    const beta = await cairn('config', 'publish', '--data-id', 'gray.props', '--content', 'v=beta', '--beta-ips', '10.0.0.7,10.0.0.8');
    assert.equal(beta.code, 0, beta.stderr);
    assert.equal(beta.stdout, `published gray version beta of gray.props in DEFAULT_GROUP (namespace public), md5 ${md5('v=beta')}\n`);
    const tag = await cairn('config', 'publish', '--data-id', 'gray.props', '--content', 'v=canary', '--tag', 'canary', '--json');
    assert.equal(JSON.parse(tag.stdout).published.gray, 'tag_canary');
    const grays = (await call(ts.url, 'GET', '/v1/cairn/config/gray?dataId=gray.props&group=DEFAULT_GROUP')).json().grays;
    assert.deepEqual(
      grays.map((g: { grayName: string; content: string }) => `${g.grayName}:${g.content}`),
      ['beta:v=beta', 'tag_canary:v=canary'],
    );
    assert.equal((await cairn('config', 'get', '--data-id', 'gray.props')).stdout, 'v=main\n', 'this client is in no gray list');
    const versions = JSON.parse((await cairn('config', 'history', '--data-id', 'gray.props', '--json')).stdout) as { version: string; md5: string }[];
    assert.deepEqual(
      versions.map((v) => v.version),
      ['tag_canary', 'beta', 'main'],
    );
    const bad = await cairn('config', 'publish', '--data-id', 'gray.props', '--content', 'x', '--beta-ips', 'nope');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /betaIps/);
  });

  it('--namespace selects the tenant; a stale --cas-md5 is refused with exit 1; content flags are checked', async () => {
    assert.equal((await cairn('config', 'publish', '--data-id', 'ns.props', '--namespace', 'dev', '--content', 'x=dev')).code, 0);
    assert.equal((await call(ts.url, 'GET', '/v1/cs/configs?dataId=ns.props&group=DEFAULT_GROUP&tenant=dev')).text, 'x=dev');
    assert.equal((await cairn('config', 'get', '--data-id', 'ns.props')).code, 1, 'not in the default namespace');

    const stale = await cairn('config', 'publish', '--data-id', 'ns.props', '--namespace', 'dev', '--content', 'x=2', '--cas-md5', md5('x=old'));
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /changed since the --cas-md5 version/);
    const fresh = await cairn('config', 'publish', '--data-id', 'ns.props', '--namespace', 'dev', '--content', 'x=2', '--cas-md5', md5('x=dev'));
    assert.equal(fresh.code, 0, fresh.stderr);

    const neither = await cairn('config', 'publish', '--data-id', 'ns.props');
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /exactly one of --content and --file/);
  });

  it('watch prints each new version once and the deletion, and exits 0 on SIGTERM', async () => {
    await cairn('config', 'publish', '--data-id', 'watched.json', '--content', '{"v":0}');
    const child = startCli(['config', 'watch', '--data-id', 'watched.json', '--server', server]);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const until = async (what: string, check: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!check()) {
        assert.ok(Date.now() < deadline, `${what}\nstdout: ${out}\nstderr: ${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await until('watching', () => err.includes('watching watched.json'));
    assert.match(err, new RegExp(`current md5 ${md5('{"v":0}')}`));
    assert.equal(out, '', 'the current version is not printed as a change');

    await cairn('config', 'publish', '--data-id', 'watched.json', '--content', '{"v":1}');
    await until('the new version', () => out.includes('{"v":1}'));
    await cairn('config', 'publish', '--data-id', 'watched.json', '--content', '{"v":1}');
    await cairn('config', 'delete', '--data-id', 'watched.json');
    await until('the deletion', () => out.includes('deleted'));
    const lines = out.split('\n');
    assert.equal(lines.filter((l) => l.startsWith('--- ')).length, 2, out);
    assert.match(lines[0], new RegExp(`^--- \\S+ md5 ${md5('{"v":1}')}$`));
    assert.equal(lines[1], '{"v":1}');
    assert.match(lines[2], /^--- \S+ deleted$/);

    child.kill('SIGTERM');
    assert.equal(await exited, 0, err);
    assert.match(err, /SIGTERM: stopped watching/);
  });

  it('watch survives a server restart (same port and data folder) and prints what the new server holds', async () => {
    const dataDir = mkdtempSync(join(dir, 'restart-'));
    let first: TestServer | undefined = await startTestServer({ configMinHoldMs: 500, dataDir });
    const address = hostPort(first.url);
    const port = Number(new URL(first.url).port);
    let second: TestServer | undefined;
    const child = startCli(['config', 'watch', '--data-id', 'restart.props', '--server', address]);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const until = async (what: string, check: () => boolean, ms = 8000) => {
      const deadline = Date.now() + ms;
      while (!check()) {
        assert.ok(Date.now() < deadline, `${what}\nstdout: ${out}\nstderr: ${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    try {
      await until('watching', () => err.includes('watching restart.props'));
      await runCli(['config', 'publish', '--data-id', 'restart.props', '--content', 'before', '--server', address]);
      await until('the version before the restart', () => out.includes('before'));
      await first.close();
      first = undefined;
      await new Promise((r) => setTimeout(r, 300)); // the watch meets a closed port
      second = await startTestServer({ configMinHoldMs: 500, dataDir, port });
      await runCli(['config', 'publish', '--data-id', 'restart.props', '--content', 'after', '--server', address]);
      await until('the version published after the restart', () => out.includes('after'));
      assert.equal(out.split('\n').filter((l) => l.startsWith('--- ')).length, 2, out);
      assert.equal(child.exitCode, null, 'the watch is still running');
      child.kill('SIGTERM');
      assert.equal(await exited, 0, err);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await first?.close();
      await second?.close();
    }
  });
});
