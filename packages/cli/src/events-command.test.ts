import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from './testing/test-server.js';
import { hostPort, runCli } from './testing/run-cli.js';

describe('cairn events', { timeout: 60_000 }, () => {
  let ts: TestServer;
  let server: string;
  before(async () => {
    ts = await startTestServer({ beatTimeoutMs: 500, deleteTimeoutMs: 1000, beatIntervalMs: 200 }, { fakeTime: true });
    server = hostPort(ts.url);
    // One instance that expires, one that registers and is deleted, in another group.
    for (const [service, group, port] of [
      ['orders', 'DEFAULT_GROUP', '8080'],
      ['billing', 'PAY', '9090'],
    ]) {
      assert.equal((await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: service, groupName: group, ip: '127.0.0.1', port })).status, 200);
    }
    ts.time!.advance(1200);
    assert.equal((await call(ts.url, 'DELETE', '/v1/ns/instance?serviceName=billing&groupName=PAY&ip=127.0.0.1&port=9090')).status, 200);
  });
  after(() => ts.close());

  it('prints the journal as a table, newest first', async () => {
    const run = await runCli(['events', '--server', server]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(lines[0], /^TIME \(UTC\)\s+CAUSE\s+SERVICE\s+INSTANCE\s+DETAIL$/);
    const causes = lines
      .slice(1)
      .filter((l) => /^\d{4}-/.test(l))
      .map((l) => l.split(/\s{2,}/)[1]);
    // The billing instance went through BEAT_MISSED and INSTANCE_EXPIRED too before its DELETE found nothing.
    assert.equal(causes[0], 'INSTANCE_EXPIRED');
    assert.ok(causes.includes('BEAT_MISSED') && causes.includes('INSTANCE_REGISTERED'), causes.join(','));
    const expired = lines.find((l) => l.includes('INSTANCE_EXPIRED') && l.includes('orders'))!;
    assert.match(expired, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+INSTANCE_EXPIRED\s+orders\s+127\.0\.0\.1:8080\s+silentMs=1000 deleteTimeoutMs=1000 lastBeatFrom=127\.0\.0\.1/);
    assert.ok(
      lines.some((l) => /INSTANCE_REGISTERED\s+PAY@@billing\s+127\.0\.0\.1:9090/.test(l)),
      run.stdout,
    );
    assert.match(run.stdout, /\n\d+ events, newest first\n$/);
  });

  it('filters by service, group, cause, address and time, and pages with --limit', async () => {
    const run = await runCli(['events', '--server', server, '--service', 'orders', '--cause', 'INSTANCE_EXPIRED', '--ip', '127.0.0.1', '--port', '8080', '--since', '2000-01-01']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.split('\n').filter((l) => /^\d{4}-/.test(l)).length, 1);
    assert.match(run.stdout, /\n1 events, newest first\n$/);

    const future = await runCli(['events', '--server', server, '--since', '2999-01-01T00:00:00Z']);
    assert.equal(future.stdout, 'No events match.\n');

    const paged = await runCli(['events', '--server', server, '--group', 'PAY', '--limit', '1']);
    assert.match(paged.stdout, /\nevents 1-1 of 3, newest first; --limit and --page show more\n$/);
  });

  it("prints the server's answer with --json and nothing else", async () => {
    const run = await runCli(['events', '--server', server, '--service', 'billing', '--group', 'PAY', '--json']);
    assert.equal(run.code, 0);
    assert.equal(run.stderr, '');
    const page = JSON.parse(run.stdout) as { total: number; events: { cause: string; group: string; service: string; port: number }[] };
    assert.equal(page.total, 3);
    assert.deepEqual(
      page.events.map((e) => e.cause),
      ['INSTANCE_EXPIRED', 'BEAT_MISSED', 'INSTANCE_REGISTERED'],
    );
    assert.ok(page.events.every((e) => e.group === 'PAY' && e.service === 'billing' && e.port === 9090));
  });

  it("passes the server's message on for a bad filter, with exit code 1", async () => {
    const run = await runCli(['events', '--server', server, '--cause', 'GONE']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^cairn events: the server refused \(HTTP 400\): Param 'cause' must be one of INSTANCE_REGISTERED/);
    assert.equal(run.stdout, '');
  });
});
