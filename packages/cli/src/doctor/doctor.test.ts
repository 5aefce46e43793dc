import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freePortPair } from '@cairn/testkit';
import { call, startTestServer, type TestServer } from '../testing/test-server.js';
import { cliPath, closedPort, hostPort, plainHttpServer, runCli, type CliRun } from '../testing/run-cli.js';

// util-linux `script` gives the CLI a pseudo-terminal, the only way to see what a person at a terminal sees.
const hasScript = spawnSync('script', ['--version']).status === 0;

/** The report line of one check: `FAIL  tcp          cannot connect: …`. */
function line(run: CliRun, check: string): string {
  const found = run.stdout.split('\n').find((l) => new RegExp(`^(ok|FAIL|skip)\\s+${check}\\s`).test(l));
  assert.ok(found, `no '${check}' line in:\n${run.stdout}${run.stderr}`);
  return found;
}

/** The lines printed under a check (its details and fix), up to the next check. */
function block(run: CliRun, check: string): string {
  const lines = run.stdout.split('\n');
  const start = lines.indexOf(line(run, check));
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith(' '));
  return [lines[start], ...rest.slice(0, end < 0 ? undefined : end)].join('\n');
}

function assertSkippedAfter(run: CliRun, failed: string, later: string[]): void {
  for (const check of later) assert.match(line(run, check), new RegExp(`^skip\\s+${check}\\s+skipped because the ${failed} check failed`));
}

describe('cairn doctor', { timeout: 120_000 }, () => {
  let ts: TestServer;
  before(async () => {
    // Fake time: the instance's expiry is driven by advancing the server's clock, not by sleeping.
    // On a port whose + 1000 is free: gRPC binds there, where the grpc check (as Nacos 2.x clients) dials.
    ts = await startTestServer({ port: await freePortPair(), beatTimeoutMs: 500, deleteTimeoutMs: 1000, beatIntervalMs: 200 }, { fakeTime: true });
  });
  after(() => ts.close());

  it('names a malformed address and skips everything after it', async () => {
    const run = await runCli(['doctor', '--server', '127.0.0.1:99999']);
    assert.equal(run.code, 1);
    assert.match(line(run, 'address'), /^FAIL\s+address\s+.*port 99999 .* out of range/);
    assert.match(block(run, 'address'), /fix: give --server .* as host:port/);
    assertSkippedAfter(run, 'address', ['dns', 'tcp', 'server', 'credentials', 'namespace', 'service', 'instance']);
    assert.match(run.stdout, /1 check failed: address\./);
  });

  it('names a host that does not resolve', async () => {
    const run = await runCli(['doctor', '--server', 'registry.cairn-test.invalid:8848']);
    assert.equal(run.code, 1);
    assert.match(line(run, 'address'), /^ok/);
    assert.match(line(run, 'dns'), /^FAIL\s+dns\s+'registry\.cairn-test\.invalid' .* never resolves/);
    assert.match(block(run, 'dns'), /fix: check the spelling of 'registry\.cairn-test\.invalid'/);
    assertSkippedAfter(run, 'dns', ['tcp', 'server']);
  });

  it('names a server an operator set DOWN, and how to set it back', async () => {
    const set = (value: string) => call(ts.url, 'PUT', `/v1/ns/operator/switches?entry=overriddenServerStatus&value=${value}`);
    assert.equal((await set('DOWN')).status, 200);
    try {
      const run = await runCli(['doctor', '--server', hostPort(ts.url)]);
      assert.equal(run.code, 1);
      assert.match(line(run, 'server'), /^FAIL\s+server\s+the server answers but reports status DOWN/);
      assert.match(block(run, 'server'), /fix: an operator set the switch overriddenServerStatus to DOWN; set it back with: curl -X PUT/);
    } finally {
      await set('');
    }
  });

  it('names a closed port and says how to fix it', async () => {
    const port = await closedPort();
    const run = await runCli(['doctor', '--server', `127.0.0.1:${port}`]);
    assert.equal(run.code, 1);
    assert.match(line(run, 'dns'), /^ok\s+dns\s+127\.0\.0\.1 is an IP address/);
    assert.match(line(run, 'tcp'), new RegExp(`^FAIL\\s+tcp\\s+cannot connect: 127\\.0\\.0\\.1:${port}: connection refused.*ECONNREFUSED`));
    assert.match(block(run, 'tcp'), new RegExp(`fix: start the server there \\(cairn start --port ${port}\\)`));
    assertSkippedAfter(run, 'tcp', ['server', 'credentials', 'namespace']);
  });

  it('detects a wrong context path on the real server and names the right one', async () => {
    const run = await runCli(['doctor', '--server', `http://${hostPort(ts.url)}/registry`]);
    assert.equal(run.code, 1);
    assert.match(line(run, 'tcp'), /^ok/);
    assert.match(line(run, 'server'), /^FAIL\s+server\s+wrong context path: \/registry answers HTTP 404, but the server answers at \/nacos/);
    assert.match(block(run, 'server'), new RegExp(`fix: use --server http://${hostPort(ts.url).replace(/\./g, '\\.')}/nacos`));
    assertSkippedAfter(run, 'server', ['credentials', 'namespace']);
  });

  it('says a plain HTTP server that answers 404 is not a registry', async () => {
    const plain = await plainHttpServer(() => ({ status: 404, body: 'Not Found' }));
    try {
      const run = await runCli(['doctor', '--server', plain.address]);
      assert.equal(run.code, 1);
      assert.match(line(run, 'server'), /^FAIL\s+server\s+HTTP 404 at \/nacos\/v1\/ns\/operator\/metrics: this is not a Cairn or Nacos server/);
      assert.match(block(run, 'server'), /the answer was: Not Found/);
    } finally {
      await plain.close();
    }
  });

  it('says when the port answers, but not in HTTP', async () => {
    // Reading (resume) lets each socket see the client's close, so the server can close; the doctor's TCP check
    // resets its connection at once, which is no failure of this fake.
    const notHttp = createNetServer((socket) =>
      socket
        .on('error', () => undefined)
        .resume()
        .end('SSH-2.0-OpenSSH_9.2\r\n'),
    );
    await new Promise<void>((resolve) => notHttp.listen(0, '127.0.0.1', resolve));
    try {
      const run = await runCli(['doctor', '--server', `127.0.0.1:${(notHttp.address() as AddressInfo).port}`]);
      assert.equal(run.code, 1);
      assert.match(line(run, 'tcp'), /^ok/);
      assert.match(line(run, 'server'), /^FAIL\s+server\s+connected, but got no HTTP answer/);
      assert.match(block(run, 'server'), /fix: this port is served by something else than the registry's HTTP API: point --server at its HTTP port/);
    } finally {
      await new Promise<void>((resolve) => notHttp.close(() => resolve()));
    }
  });

  it("checks the gRPC port (HTTP port + 1000) with the SDK's ServerCheck: the connection id, or the port and the fix", async () => {
    const run = await runCli(['doctor', '--server', hostPort(ts.url)]);
    assert.match(line(run, 'grpc'), new RegExp(`^ok\\s+grpc\\s+port ${Number(new URL(ts.url).port) + 1000} answers Nacos 2\\.x gRPC \\(ServerCheck gave connection \\d+_127\\.0\\.0\\.1_\\d+\\)`));
    const httpOnly = await startTestServer({ port: await freePortPair(), grpcPort: 0 });
    try {
      const refused = await runCli(['doctor', '--server', hostPort(httpOnly.url)]);
      const grpcPort = Number(new URL(httpOnly.url).port) + 1000;
      assert.equal(refused.code, 1);
      assert.match(line(refused, 'grpc'), new RegExp(`^FAIL\\s+grpc\\s+no gRPC answer on port ${grpcPort}: .*ECONNREFUSED`));
      assert.match(block(refused, 'grpc'), new RegExp(`fix: Nacos 2\\.x clients .* dial the HTTP port \\+ 1000: serve gRPC on port ${grpcPort}`));
      assert.match(line(refused, 'credentials'), /^ok/, 'HTTP checks go on');
      assert.match(refused.stdout, /1 check failed: grpc\./);
    } finally {
      await httpOnly.close();
    }
  });

  it('says when a server requires credentials and none were given', async () => {
    const guarded = await plainHttpServer((path) => (path.endsWith('/operator/metrics') ? { status: 200, body: '{"status":"UP"}' } : { status: 403, body: 'user not found!' }));
    try {
      const run = await runCli(['doctor', '--server', guarded.address]);
      assert.equal(run.code, 1);
      assert.match(line(run, 'server'), /^ok\s+server\s+a Nacos-compatible server answers at \/nacos, status UP/);
      assert.match(line(run, 'credentials'), /^FAIL\s+credentials\s+the server requires credentials/);
      const wrong = await runCli(['doctor', '--server', guarded.address, '--username', 'nacos', '--password', 'wrong']);
      assert.match(line(wrong, 'credentials'), /^FAIL\s+credentials\s+wrong username or password: the server refused the login of 'nacos'/);
      assertSkippedAfter(wrong, 'credentials', ['namespace', 'service', 'instance']);
    } finally {
      await guarded.close();
    }
  });

  it('names an unknown namespace and lists the existing ones', async () => {
    assert.equal((await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'dev', namespaceName: 'Development' })).status, 200);
    const run = await runCli(['doctor', '--server', hostPort(ts.url), '--namespace', 'staging', '--service', 'orders']);
    assert.equal(run.code, 1);
    assert.match(line(run, 'credentials'), /^ok\s+credentials\s+not required by this server/);
    assert.match(line(run, 'namespace'), /^FAIL\s+namespace\s+namespace 'staging' does not exist/);
    assert.match(block(run, 'namespace'), /namespaces on this server: public, dev \(Development\)/);
    assertSkippedAfter(run, 'namespace', ['service', 'instance']);

    const byName = await runCli(['doctor', '--server', hostPort(ts.url), '--namespace', 'Development']);
    assert.match(line(byName, 'namespace'), /'Development' is the display name of namespace 'dev'/);
    assert.match(block(byName, 'namespace'), /fix: use --namespace dev/);
  });

  it('names an unknown service, and points at the group where it does exist', async () => {
    const missing = await runCli(['doctor', '--server', hostPort(ts.url), '--service', 'no-such-service']);
    assert.equal(missing.code, 1);
    assert.match(line(missing, 'namespace'), /^ok\s+namespace\s+'public'/);
    assert.match(line(missing, 'service'), /^FAIL\s+service\s+no service 'no-such-service' in namespace 'public', group 'DEFAULT_GROUP', nor in any other/);

    assert.equal((await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'billing', groupName: 'PAYMENTS', ip: '127.0.0.1', port: '7001' })).status, 200);
    const elsewhere = await runCli(['doctor', '--server', hostPort(ts.url), '--service', 'billing']);
    assert.match(line(elsewhere, 'service'), /^FAIL\s+service\s+no service 'billing' .* but it exists in namespace 'public', group 'PAYMENTS'/);
    assert.match(block(elsewhere, 'service'), /fix: use --group PAYMENTS/);
  });

  it("passes every check for a healthy instance, and prints the server's diagnosis", async () => {
    const register = await runCli(['instance', 'register', '--server', hostPort(ts.url), '--service', 'orders', '--ip', '127.0.0.1', '--port', '8081']);
    assert.equal(register.code, 0, register.stderr);
    const run = await runCli(['doctor', '--server', hostPort(ts.url), '--service', 'orders', '--ip', '127.0.0.1', '--port', '8081', '--username', 'nacos'], { CAIRN_PASSWORD: 'nacos' });
    assert.equal(run.code, 0, run.stdout);
    for (const check of ['address', 'dns', 'tcp', 'server', 'grpc', 'credentials', 'namespace', 'service', 'instance']) assert.match(line(run, check), /^ok\s/);
    assert.match(line(run, 'server'), /Cairn \d+\.\d+\.\d+ \(Nacos API [\d.]+\) answers at \/nacos, status UP/);
    assert.match(line(run, 'credentials'), /not required by this server/);
    assert.match(line(run, 'service'), /DEFAULT_GROUP@@orders exists: 1 instance visible to consumers, 1 healthy/);
    assert.match(block(run, 'instance'), /127\.0\.0\.1:8081 is healthy\n\s+Healthy: (last beat|registered) .* from 127\.0\.0\.1/);
    assert.match(run.stdout, /All 9 checks passed\./);
    assert.equal(run.stderr, '', 'no progress drawn when stderr is not a terminal');
  });

  it('names an instance that expired "without a heartbeat", and the fix', async () => {
    const register = await runCli(['instance', 'register', '--server', hostPort(ts.url), '--service', 'inventory', '--ip', '127.0.0.1', '--port', '8082']);
    assert.equal(register.code, 0, register.stderr);
    // The CLI exited, so nothing beats: past the 1 s delete timeout the server removes the instance.
    ts.time!.advance(1200);
    const run = await runCli(['doctor', '--server', hostPort(ts.url), '--service', 'inventory', '--ip', '127.0.0.1', '--port', '8082']);
    assert.equal(run.code, 1);
    assert.match(line(run, 'instance'), /^FAIL\s+instance\s+127\.0\.0\.1:8082 is not registered any more/);
    const text = block(run, 'instance');
    assert.match(text, /Removed at \d\d:\d\d:\d\d after 1 s without a heartbeat/);
    assert.match(text, /fix: make sure the client process runs and can reach this server/);
    assert.match(run.stdout, /1 check failed: instance\./);
  });

  it('prints only JSON on stdout with --json, and the same verdict in the exit code', async () => {
    const run = await runCli(['doctor', '--server', hostPort(ts.url), '--service', 'no-such-service', '--json']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const report = JSON.parse(run.stdout) as { ok: boolean; server: string; checks: { name: string; status: string; fix?: string }[] };
    assert.equal(report.ok, false);
    assert.equal(report.server, ts.url);
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.status]),
      [
        ['address', 'ok'],
        ['dns', 'ok'],
        ['tcp', 'ok'],
        ['server', 'ok'],
        ['grpc', 'ok'],
        ['credentials', 'ok'],
        ['namespace', 'ok'],
        ['service', 'fail'],
        ['instance', 'skip'],
      ],
    );
    assert.match(report.checks[7].fix ?? '', /registers/);
  });

  it('shows what it is checking on a terminal, and erases it', { skip: hasScript ? false : 'util-linux `script` is not installed' }, async () => {
    const command = [process.execPath, cliPath(), 'doctor', '--server', hostPort(ts.url)].map((w) => `'${w}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, out);
    assert.match(out, /\r\x1b\[2K. tcp: connecting to 127\.0\.0\.1:\d+ …/);
    assert.match(out, /\r\x1b\[2K. server: asking http:\/\/127\.0\.0\.1:\d+\/nacos\/v1\/ns\/operator\/metrics …/);
    assert.match(out, /\r\x1b\[2Kok +tcp /, 'the spinner line is erased before the result is printed');
  });

  it('refuses contradictory flags with exit code 2 and the usage', async () => {
    const run = await runCli(['doctor', '--ip', '127.0.0.1']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--ip and --port go together/);
    assert.match(run.stderr, /Usage: cairn doctor/);
    assert.equal(run.stdout, '');
  });
});
