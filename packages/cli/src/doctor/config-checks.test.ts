import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hostPort, runCli, type CliRun } from '../testing/run-cli.js';
import { freePortPair } from '@cairn/testkit';
import { call, startTestServer, type TestServer } from '../testing/test-server.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** The report line of one check, and the lines under it. */
function block(run: CliRun, check: string): string {
  const lines = run.stdout.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^(ok|FAIL|skip)\\s+${check}\\s`).test(l));
  assert.ok(start >= 0, `no '${check}' line in:\n${run.stdout}${run.stderr}`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => !l.startsWith(' '));
  return [lines[start], ...rest.slice(0, end < 0 ? undefined : end)].join('\n');
}

describe('cairn doctor --data-id and cairn config diagnose', { timeout: 120_000 }, () => {
  let ts: TestServer;
  let server: string;
  const waitHeld = async (n: number) => {
    while (ts.server.ctx.longPolls.size < n) await new Promise((r) => setTimeout(r, 5));
  };
  /** A config client on this machine: it fetches, then long-polls with the md5 it holds. */
  const app = {
    fetch: (dataId: string) => fetch(`${ts.url}/v1/cs/configs?dataId=${dataId}&group=DEFAULT_GROUP`, { headers: { 'user-agent': 'app/1' } }).then((r) => r.text()),
    poll: (dataId: string, held: string) =>
      fetch(`${ts.url}/v1/cs/configs/listener`, {
        method: 'POST',
        headers: { 'user-agent': 'app/1', 'content-type': 'application/x-www-form-urlencoded', 'Long-Pulling-Timeout': '30000' },
        body: new URLSearchParams({ 'Listening-Configs': `${dataId}\u0002DEFAULT_GROUP\u0002${held}\u0001` }).toString(),
      }).then((r) => r.text()),
  };
  const publish = async (dataId: string, content: string) => assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { dataId, group: 'DEFAULT_GROUP', content })).text, 'true');

  before(async () => {
    ts = await startTestServer({ port: await freePortPair() }, { fakeTime: true });
    server = hostPort(ts.url);
  });
  after(() => ts.close());

  it("passes when the config exists and this machine's client holds its current md5", async () => {
    await publish('orders.yaml', 'a: 1');
    await app.fetch('orders.yaml');
    const held = app.poll('orders.yaml', md5('a: 1'));
    await waitHeld(1);
    const run = await runCli(['doctor', '--server', server, '--data-id', 'orders.yaml']);
    assert.equal(run.code, 0, run.stdout);
    assert.match(block(run, 'config'), new RegExp(`^ok\\s+config\\s+orders\\.yaml exists in group DEFAULT_GROUP, md5 ${md5('a: 1')}`));
    assert.match(block(run, 'listener'), new RegExp(`^ok\\s+listener\\s+127\\.0\\.0\\.1 holds the current md5 ${md5('a: 1')} and listens for changes\\n\\s+127\\.0\\.0\\.1 holds the current md5 .*; its long poll is held now`));
    assert.match(run.stdout, /All 9 checks passed\./);

    // Another address is not this machine's client.
    const elsewhere = await runCli(['doctor', '--server', server, '--data-id', 'orders.yaml', '--client-ip', '10.9.9.9', '--json']);
    assert.equal(elsewhere.code, 1);
    const listener = (JSON.parse(elsewhere.stdout) as { checks: { name: string; status: string; summary: string; details: string[] }[] }).checks.find((c) => c.name === 'listener')!;
    assert.deepEqual([listener.status, listener.summary], ['fail', 'no client at 10.9.9.9 listens to or read orders.yaml in group DEFAULT_GROUP, namespace public']);
    assert.match(listener.details.join('\n'), /clients of this config: 127\.0\.0\.1/);

    await publish('orders.yaml', 'a: 2');
    await held;
  });

  it('fails, with the reason, when the client was notified but never fetched and stopped polling', async () => {
    // The poll of the test above was answered with the change; the client neither fetched nor polled again.
    ts.time!.advance(95_000);
    const run = await runCli(['doctor', '--server', server, '--data-id', 'orders.yaml']);
    assert.equal(run.code, 1, run.stdout);
    const text = block(run, 'listener');
    assert.match(text, /^FAIL\s+listener\s+127\.0\.0\.1 still holds an old version: it was notified but never fetched the new one/);
    assert.match(
      text,
      new RegExp(
        `127\\.0\\.0\\.1 still holds the version published at \\d\\d:\\d\\d:\\d\\d \\(md5 ${md5('a: 1')}\\): notified at \\d\\d:\\d\\d:\\d\\d, never fetched; its long poll has not come back for 95 s: the client stopped or lost its network`,
      ),
    );
    assert.match(text, /fix: the client stopped right after the notification/);
    assert.match(run.stdout, /1 check failed: listener\./);

    const diagnose = await runCli(['config', 'diagnose', '--server', server, '--data-id', 'orders.yaml']);
    assert.equal(diagnose.code, 0, diagnose.stderr);
    const [sentence, , header, row] = diagnose.stdout.split('\n');
    assert.match(sentence, /^no client listens now \(1 stopped\); none holds the current md5\. 127\.0\.0\.1 still holds/);
    assert.match(header, /^IP\s+AGENT\s+MD5\s+CURRENT\s+LISTENING\s+NOTIFIED\s+FETCHED$/);
    assert.match(row, new RegExp(`^127\\.0\\.0\\.1\\s+app/1\\s+${md5('a: 1')}\\s+NO\\s+no\\s+\\d\\d:\\d\\d:\\d\\d\\s+\\d\\d:\\d\\d:\\d\\d$`), 'notified, and the fetch of the first version');
    const json = JSON.parse((await runCli(['config', 'diagnose', '--server', server, '--data-id', 'orders.yaml', '--json'])).stdout);
    assert.deepEqual([json.config.md5, json.clients[0].current, json.clients[0].fetchedMd5], [md5('a: 2'), false, md5('a: 1')]);
  });

  it('fails for a config that does not exist and names the fix; a bad key is refused', async () => {
    const run = await runCli(['doctor', '--server', server, '--data-id', 'missing.yaml', '--group', 'G']);
    assert.equal(run.code, 1);
    assert.match(block(run, 'config'), /^FAIL\s+config\s+no config missing\.yaml in group G, namespace public: clients listening to it get md5 "" \(no content\)\n.*fix: publish it \(cairn config publish --data-id missing\.yaml --group G/);
    assert.match(block(run, 'listener'), /^FAIL\s+listener\s+no client at 127\.0\.0\.1 listens to or read missing\.yaml/);
    const bad = await runCli(['config', 'diagnose', '--server', server, '--data-id', 'bad id']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /the server refused \(HTTP 400\): .*dataId/);
    const usage = await runCli(['doctor', '--server', server, '--client-ip', '10.0.0.1']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--tenant and --client-ip go with --data-id/);
  });
});
