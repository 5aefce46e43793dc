import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../../testing/test-server.js';

async function publish(base: string, dataId: string, content: string, tenant = ''): Promise<void> {
  const res = await fetch(`${base}/v1/cs/configs`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf8' }, body: new URLSearchParams({ dataId, group: 'G', content, tenant }).toString() });
  assert.equal(await res.text(), 'true');
}

/** One long poll as the npm client sends it: the `Listening-Configs` form field and the timeout header. */
async function poll(base: string, listening: string, headers: Record<string, string> = { 'Long-Pulling-Timeout': '30000' }) {
  const started = Date.now();
  const res = await fetch(`${base}/v1/cs/configs/listener`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf8', ...headers },
    body: new URLSearchParams({ 'Listening-Configs': listening }).toString(),
  });
  return { status: res.status, text: await res.text(), ms: Date.now() - started, headers: res.headers };
}

/** Far below the 30 s a held poll waits, far above what any answer takes on a loaded machine. */
const NOT_HELD_MS = 10_000;

const line = (dataId: string, md5: string, tenant?: string) => `${dataId}\u0002G\u0002${md5}${tenant === undefined ? '' : `\u0002${tenant}`}\u0001`;

describe('config v1 long poll /v1/cs/configs/listener', () => {
  let ts: TestServer;
  let md5: string;
  before(async () => {
    ts = await startTestServer({ configMinHoldMs: 300 });
    await publish(ts.url, 'lp', 'v1');
    md5 = ts.server.ctx.config.md5Of({ namespace: 'public', group: 'G', dataId: 'lp' });
  });
  after(() => ts.close());

  test('answers at once with the URL-encoded stale keys and a newline', async () => {
    const answer = await poll(ts.url, line('lp', 'old') + line('lp', 'stale', 'dev') + line('missing', ''));
    assert.equal(answer.status, 200);
    assert.equal(answer.text, `${encodeURIComponent('lp\u0002G\u0001lp\u0002G\u0002dev\u0001')}\n`, 'both stale keys, the tenant only where sent');
    assert.ok(answer.ms < 200, `${answer.ms} ms`);
    assert.equal(answer.headers.get('cache-control'), 'no-cache,no-store');
  });

  test('"" matches a missing config and a matching md5 is held until the hold ends (shortened for the test)', async () => {
    const answer = await poll(ts.url, line('lp', md5) + line('missing', ''), { 'Long-Pulling-Timeout': '700' });
    assert.deepEqual([answer.status, answer.text], [200, '']);
    assert.ok(answer.ms >= 180 && answer.ms < 1500, `held ${answer.ms} ms, expected about max(300, 700 - 500) = 300`);
  });

  test('No-Hangup answers at once even when nothing changed; no timeout header is a short poll', async () => {
    // Not held: a held poll would take its 30 s hold (how fast is the bench's business, not a test's).
    const noHangup = await poll(ts.url, line('lp', md5), { 'Long-Pulling-Timeout': '30000', 'Long-Pulling-Timeout-No-Hangup': 'true' });
    assert.deepEqual([noHangup.text, noHangup.ms < NOT_HELD_MS], ['', true]);
    const short = await poll(ts.url, line('lp', md5), {});
    assert.deepEqual([short.text, short.ms < NOT_HELD_MS], ['', true]);
  });

  test('a held poll is answered by a publish to its key, with the tenant it sent', async () => {
    const held = poll(ts.url, line('other', '') + line('ns-key', '', 'dev'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(ts.server.ctx.longPolls.size, 1);
    const publishedAt = Date.now();
    await publish(ts.url, 'ns-key', 'in dev', 'dev');
    const answer = await held;
    const latency = Date.now() - publishedAt;
    assert.equal(answer.text, `${encodeURIComponent('ns-key\u0002G\u0002dev\u0001')}\n`);
    // Answered by the publish, not at the end of its 30 s hold.
    assert.ok(latency < NOT_HELD_MS, `answered ${latency} ms after the publish`);
    assert.equal(ts.server.ctx.longPolls.size, 0);
  });

  test('a malformed Listening-Configs or timeout is a 400', async () => {
    assert.deepEqual(Object.values(await poll(ts.url, 'no-separators')).slice(0, 2), [400, 'invalid probeModify']);
    assert.equal((await poll(ts.url, '%E0%A4%A')).status, 400);
    assert.equal((await poll(ts.url, line('bad id', ''))).status, 400);
    assert.equal((await poll(ts.url, line('lp', md5), { 'Long-Pulling-Timeout': 'soon' })).status, 400);
  });

  test('closing the server answers held polls at once', async () => {
    const other = await startTestServer({ configMinHoldMs: 60_000 });
    const held = poll(other.url, line('never', ''), { 'Long-Pulling-Timeout': '60000' });
    await new Promise((r) => setTimeout(r, 100));
    const closing = Date.now();
    await other.close();
    const answer = await held;
    assert.equal(answer.text, '');
    assert.ok(Date.now() - closing < 2000);
  });
});

test('a long poll beyond --config-max-held-polls answers 503 at once; stale keys still answer 200', async () => {
  const ts = await startTestServer({ configMaxHeldPolls: 1 });
  try {
    const first = poll(ts.url, line('limit', ''));
    await new Promise((r) => setTimeout(r, 100));
    const second = await poll(ts.url, line('limit', ''));
    assert.equal(second.status, 503);
    assert.match(second.text, /too many config listeners held \(limit 1/);
    assert.equal((await poll(ts.url, line('limit', 'stale'))).status, 200);
    await publish(ts.url, 'limit', 'now');
    assert.equal((await first).status, 200);
  } finally {
    await ts.close();
  }
});
