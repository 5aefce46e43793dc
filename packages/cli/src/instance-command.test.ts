import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from './testing/test-server.js';
import { hostPort, runCli, startCli } from './testing/run-cli.js';

describe('cairn instance register | list | deregister', { timeout: 60_000 }, () => {
  let ts: TestServer;
  let server: string;
  before(async () => {
    ts = await startTestServer({}, { fakeTime: true });
    server = hostPort(ts.url);
  });
  after(() => ts.close());

  async function listed(service: string, group = 'DEFAULT_GROUP'): Promise<{ ip: string; port: number; healthy: boolean; metadata: Record<string, string>; weight: number; ephemeral: boolean }[]> {
    return (await call(ts.url, 'GET', `/v1/ns/instance/list?serviceName=${service}&groupName=${group}`)).json().hosts;
  }

  it('registers, lists (table and JSON) and deregisters an instance', async () => {
    const reg = await runCli(['instance', 'register', '--server', server, '--service', 'orders', '--group', 'SHOP', '--ip', '127.0.0.1', '--port', '8080', '--weight', '2.5', '--metadata', 'version=2,zone=a', '--ephemeral', 'false']);
    assert.equal(reg.code, 0, reg.stderr);
    assert.equal(reg.stdout, 'registered 127.0.0.1:8080 in SHOP@@orders (namespace public, persistent)\n');
    const hosts = await listed('orders', 'SHOP');
    assert.deepEqual(
      hosts.map((h) => [h.ip, h.port, h.weight, h.ephemeral, h.metadata]),
      [['127.0.0.1', 8080, 2.5, false, { version: '2', zone: 'a' }]],
    );

    const table = await runCli(['instance', 'list', '--server', server, '--service', 'orders', '--group', 'SHOP']);
    assert.equal(table.code, 0, table.stderr);
    const [header, row, end] = table.stdout.split('\n');
    assert.match(header, /^IP\s+PORT\s+CLUSTER\s+WEIGHT\s+HEALTHY\s+ENABLED\s+EPHEMERAL\s+METADATA$/);
    assert.match(row, /^127\.0\.0\.1\s+8080\s+DEFAULT\s+2\.5\s+true\s+true\s+false\s+version=2,zone=a$/);
    assert.equal(end, '');

    const json = await runCli(['instance', 'list', '--server', server, '--service', 'orders', '--group', 'SHOP', '--json']);
    assert.equal(json.stderr, '');
    const parsed = JSON.parse(json.stdout) as { ip: string; port: number; serviceName: string }[];
    assert.deepEqual(
      parsed.map((i) => [i.ip, i.port, i.serviceName]),
      [['127.0.0.1', 8080, 'SHOP@@orders']],
    );

    const dereg = await runCli(['instance', 'deregister', '--server', server, '--service', 'orders', '--group', 'SHOP', '--ip', '127.0.0.1', '--port', '8080', '--ephemeral', 'false']);
    assert.equal(dereg.code, 0, dereg.stderr);
    assert.equal(dereg.stdout, 'deregistered 127.0.0.1:8080 from SHOP@@orders\n');
    assert.deepEqual(await listed('orders', 'SHOP'), []);
    const empty = await runCli(['instance', 'list', '--server', server, '--service', 'orders', '--group', 'SHOP']);
    assert.equal(empty.stdout, 'No instances of SHOP@@orders.\n');
  });

  it('warns that an ephemeral instance registered without --keep-alive gets no heartbeats', async () => {
    const reg = await runCli(['instance', 'register', '--server', server, '--service', 'lonely', '--ip', '127.0.0.1', '--port', '8090', '--json']);
    assert.equal(reg.code, 0, reg.stderr);
    assert.deepEqual(JSON.parse(reg.stdout).registered, { namespace: 'public', group: 'DEFAULT_GROUP', service: 'lonely', ip: '127.0.0.1', port: 8090, ephemeral: true });
    assert.match(reg.stderr, /nothing sends heartbeats for it after this command exits; use --keep-alive/);
    assert.equal((await listed('lonely')).length, 1);
  });

  it('with --keep-alive stays registered until SIGTERM, then deregisters', async () => {
    const child = startCli(['instance', 'register', '--server', server, '--service', 'kept', '--ip', '127.0.0.1', '--port', '8091', '--keep-alive']);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no heartbeat line:\n${out}`)), 10_000);
      child.stderr!.on('data', () => {
        if (out.includes('sending heartbeats')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    assert.deepEqual(
      (await listed('kept')).map((h) => [h.port, h.healthy]),
      [[8091, true]],
    );
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    assert.match(out, /SIGTERM: deregistered 127\.0\.0\.1:8091 in DEFAULT_GROUP@@kept/);
    assert.deepEqual(await listed('kept'), []);
  });

  it("reports the server's refusal with exit code 1", async () => {
    await runCli(['instance', 'register', '--server', server, '--service', 'mixed', '--ip', '127.0.0.1', '--port', '8100', '--ephemeral', 'false']);
    const run = await runCli(['instance', 'register', '--server', server, '--service', 'mixed', '--ip', '127.0.0.1', '--port', '8101']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^cairn instance register: the server refused \(HTTP 400\): .*persistent/);
  });

  it('says how to investigate when no server answers', async () => {
    const run = await runCli(['instance', 'list', '--server', '127.0.0.1:1', '--service', 'orders']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^cairn instance list: .*ECONNREFUSED/);
    assert.match(run.stderr, /run 'cairn doctor --server 127\.0\.0\.1:1' to find out why/);
  });

  it('answers mistakes in the command line with exit code 2 and the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['instance', 'register', '--service', 'x', '--ip', '127.0.0.1'], /flag '--port' is required/],
      [['instance', 'register', '--service', 'x', '--ip', '127.0.0.1', '--port', 'eighty'], /flag '--port' must be an integer, got 'eighty'/],
      [['instance', 'register', '--service', 'x', '--ip', '127.0.0.1', '--port', '1', '--weight', 'heavy'], /--weight must be a number from 0 to 10000/],
      [['instance', 'register', '--service', 'x', '--ip', '127.0.0.1', '--port', '1', '--metadata', 'novalue'], /--metadata entries are key=value, got 'novalue'/],
      [['instance', 'list', '--service', 'x', '--colour'], /unknown flag '--colour'/],
      [['instance', 'list', '--service', 'x', 'extra'], /unexpected argument 'extra'/],
      [['instance', 'list', '--service', 'x', '--server', 'ftp://host'], /scheme 'ftp:\/\/'/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      if (!args.includes('ftp://host')) assert.match(run.stderr, new RegExp(`Usage: cairn ${args[0]} ${args[1]}`));
    }
  });
});
