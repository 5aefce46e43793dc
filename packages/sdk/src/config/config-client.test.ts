import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnServer, type SpawnedServer } from '@cairn/testkit';
import { CairnClosedError, CairnConflictError, CairnRequestError, ConfigClient, type ConfigChange, type ConfigClientOptions } from '../index.js';
import { FaultProxy } from '../testing/fault-proxy.js';
import { captureLogger, grayVersions, portOf, rawGet, waitFor } from '../testing/helpers.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * Reads a watch with a deadline: `take(ms)` is its next value, or 'none' if nothing comes within `ms`. A `next()`
 * still pending at the deadline is kept for the following call (abandoning it would lose the value it gets).
 */
function reader(watch: AsyncIterator<ConfigChange>): (ms: number) => Promise<ConfigChange | 'none'> {
  let pending: Promise<IteratorResult<ConfigChange>> | undefined;
  return async (ms) => {
    pending ??= watch.next();
    let timer: NodeJS.Timeout | undefined;
    const none = new Promise<'none'>((resolve) => {
      timer = setTimeout(() => resolve('none'), ms);
    });
    const r = await Promise.race([pending, none]);
    clearTimeout(timer);
    if (r === 'none') return 'none';
    pending = undefined;
    return r.value as ConfigChange;
  };
}

describe('ConfigClient against a real server', () => {
  let server: SpawnedServer;
  let address: string;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-sdk-config-'));
  before(async () => {
    // A held poll lasts max(min hold, timeout - 500 ms): 500 ms keeps "nothing changed" answers quick.
    server = await spawnServer(['--config-min-hold-ms', '500']);
    address = new URL(server.url).host;
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = (extra: Partial<ConfigClientOptions> = {}) => new ConfigClient({ serverAddresses: [address], logger: captureLogger(), longPollTimeoutMs: 1000, ...extra });

  test('publishes, reads content, md5 and type, removes; a missing config is null', async () => {
    const c = client();
    assert.equal(await c.getConfig('orders.yaml'), null);
    await c.publishConfig('orders.yaml', 'DEFAULT_GROUP', 'level: info\n', { type: 'yaml' });
    const v = await c.getConfig('orders.yaml');
    assert.deepEqual(v, { dataId: 'orders.yaml', group: 'DEFAULT_GROUP', namespace: '', content: 'level: info\n', md5: md5('level: info\n'), type: 'yaml', fromSnapshot: false });
    const raw = await rawGet(server.url, '/v1/cs/configs?dataId=orders.yaml&group=DEFAULT_GROUP');
    assert.equal(raw.body, 'level: info\n');
    await c.removeConfig('orders.yaml');
    await c.removeConfig('orders.yaml'); // idempotent
    assert.equal(await c.getConfig('orders.yaml'), null);
    await c.close();
  });

  test('publish with betaIps or tag makes a gray version and leaves the main version alone', async () => {
    const c = client();
    await c.publishConfig('gray.props', 'G', 'v=main');
    await c.publishConfig('gray.props', 'G', 'v=beta', { betaIps: ['127.0.0.1', '10.0.0.7'] });
    await c.publishConfig('gray.props', 'G', 'v=canary', { tag: 'canary' });
    assert.equal((await c.getConfig('gray.props', 'G'))?.content, 'v=beta', 'this client reads from 127.0.0.1, in the beta list');
    const beta = JSON.parse((await rawGet(server.url, '/v1/cs/configs?dataId=gray.props&group=G&beta=true')).body);
    assert.equal(beta.data.betaIps, '127.0.0.1,10.0.0.7');
    assert.deepEqual(await grayVersions(server.url, 'gray.props', 'G'), ['beta=v=beta', 'tag_canary=v=canary']);
    assert.equal(JSON.parse((await rawGet(server.url, '/v1/cs/configs?dataId=gray.props&group=G&show=all')).body).content, 'v=main');
    await c.close();
  });

  test('namespace: public and blank are the default tenant, another namespace is separate', async () => {
    const plain = client();
    const pub = client({ namespace: 'public' });
    const dev = client({ namespace: 'dev' });
    assert.equal(pub.namespace, '');
    await pub.publishConfig('ns.props', 'G', 'x=1');
    assert.equal((await plain.getConfig('ns.props', 'G'))?.content, 'x=1');
    assert.equal(await dev.getConfig('ns.props', 'G'), null);
    await dev.publishConfig('ns.props', 'G', 'x=dev');
    assert.equal((await dev.getConfig('ns.props', 'G'))?.content, 'x=dev');
    assert.equal((await plain.getConfig('ns.props', 'G'))?.content, 'x=1');
    await Promise.all([plain.close(), pub.close(), dev.close()]);
  });

  test('compare-and-set: the current md5 publishes, a stale one throws CairnConflictError and changes nothing', async () => {
    const c = client();
    await c.publishConfig('cas.props', 'DEFAULT_GROUP', 'v=1');
    const v1 = (await c.getConfig('cas.props'))!;
    await c.publishConfig('cas.props', 'DEFAULT_GROUP', 'v=2', { casMd5: v1.md5 });
    const error = await c.publishConfig('cas.props', 'DEFAULT_GROUP', 'v=3', { casMd5: v1.md5 }).catch((e: unknown) => e);
    assert.ok(error instanceof CairnConflictError, String(error));
    assert.equal(error.code, 'CAIRN_CONFLICT');
    assert.equal(error.retryable, false);
    assert.equal((await c.getConfig('cas.props'))?.content, 'v=2');
    // The server was right, not faulty: it is still the healthy preferred server.
    assert.equal((c as unknown as { http: { pool: { health(): Array<{ healthy: boolean }> } } }).http.pool.health()[0].healthy, true);
    await c.close();
  });

  test('watch yields a publish within a second, each version once, nothing for an unchanged config, and the deletion', async () => {
    const c = client();
    const writer = client();
    await writer.publishConfig('watched.props', 'DEFAULT_GROUP', 'n=0');
    const watch = c.watch('watched.props');
    const nextWithin = reader(watch);
    await watch.ready;
    assert.equal(await nextWithin(1200), 'none', 'the current version is not a change');
    const started = Date.now();
    await writer.publishConfig('watched.props', 'DEFAULT_GROUP', 'n=1');
    const change = await nextWithin(1000);
    assert.notEqual(change, 'none', 'a publish is seen within 1 s');
    assert.equal((change as ConfigChange).content, 'n=1');
    assert.ok(Date.now() - started < 1000);
    // The same content again is no new version.
    await writer.publishConfig('watched.props', 'DEFAULT_GROUP', 'n=1');
    assert.equal(await nextWithin(1500), 'none');
    await writer.removeConfig('watched.props');
    const gone = await nextWithin(1000);
    assert.deepEqual(gone, { dataId: 'watched.props', group: 'DEFAULT_GROUP', namespace: '', content: null, md5: '', type: '', deleted: true });
    watch.close();
    assert.deepEqual(await watch.next(), { value: undefined, done: true });
    await Promise.all([c.close(), writer.close()]);
  });

  test('callback form; leaving a for-await loop and closing the client stop the watches', async () => {
    const c = client();
    const seen: string[] = [];
    const w = c.watch('cb.props', 'G', (change) => seen.push(change.content ?? 'deleted'));
    await w.ready;
    await c.publishConfig('cb.props', 'G', 'one');
    await waitFor('the listener', () => seen.length === 1, 2000);
    const loop = c.watch('cb.props', 'G');
    await loop.ready;
    setTimeout(() => void c.publishConfig('cb.props', 'G', 'two'), 50);
    for await (const change of loop) {
      assert.equal(change.content, 'two');
      break;
    }
    assert.deepEqual(await loop.next(), { value: undefined, done: true });
    await c.close();
    assert.deepEqual(seen, ['one', 'two']);
    const other = client();
    await other.publishConfig('cb.props', 'G', 'three');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(seen, ['one', 'two'], 'a closed client delivers nothing');
    await other.close();
  });

  test('watch survives refused connections and a hung server, then yields what was published meanwhile', async () => {
    const proxy = await new FaultProxy(portOf(server.url)).start();
    const logger = captureLogger();
    const c = client({ serverAddresses: [`127.0.0.1:${proxy.port}`], logger, requestTimeoutMs: 300, watchRetryBaseMs: 50, watchRetryMaxMs: 200 });
    const writer = client();
    await writer.publishConfig('faults.props', 'DEFAULT_GROUP', 'gen=1');
    const watch = c.watch('faults.props');
    const nextWithin = reader(watch);
    await watch.ready;

    await proxy.setMode('refuse');
    await writer.publishConfig('faults.props', 'DEFAULT_GROUP', 'gen=2');
    assert.equal(await nextWithin(800), 'none');
    await proxy.setMode('pass');
    const afterRefusal = await nextWithin(2000);
    assert.equal((afterRefusal as ConfigChange).content, 'gen=2');

    await proxy.setMode('hang');
    await writer.publishConfig('faults.props', 'DEFAULT_GROUP', 'gen=3');
    assert.equal(await nextWithin(1800), 'none');
    await proxy.setMode('pass');
    const afterHang = await nextWithin(4000);
    assert.equal((afterHang as ConfigChange).content, 'gen=3');

    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    assert.ok(
      warnings.some((m) => m.includes('(refused)')),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((m) => m.includes('(timeout)')),
      warnings.join('\n'),
    );
    await Promise.all([c.close(), writer.close(), proxy.close()]);
  });

  test('snapshot: with no server reachable a read answers the last content and says so; a 404 is no outage', async () => {
    const proxy = await new FaultProxy(portOf(server.url)).start();
    const logger = captureLogger();
    const snapshotDir = join(dir, 'snapshots');
    const c = client({ serverAddresses: [`127.0.0.1:${proxy.port}`], logger, snapshotDir, requestTimeoutMs: 300 });
    await c.publishConfig('snap.props', 'DEFAULT_GROUP', 'kept=yes', { type: 'properties' });
    assert.equal((await c.getConfig('snap.props'))?.fromSnapshot, false);

    await proxy.setMode('refuse');
    const saved = await c.getConfig('snap.props');
    assert.deepEqual(saved, { dataId: 'snap.props', group: 'DEFAULT_GROUP', namespace: '', content: 'kept=yes', md5: md5('kept=yes'), type: 'properties', fromSnapshot: true });
    assert.ok(logger.lines.some((l) => l.level === 'warn' && l.message.includes('local snapshot')));
    await assert.rejects(c.getConfig('never-read.props'), CairnRequestError, 'no snapshot: the outage is the answer');

    // A watch keeps the snapshot in step with what it delivers.
    await proxy.setMode('pass');
    const watch = c.watch('snap.props');
    const nextWithin = reader(watch);
    await watch.ready;
    const writer = client();
    await writer.publishConfig('snap.props', 'DEFAULT_GROUP', 'kept=newer');
    assert.equal(((await nextWithin(2000)) as ConfigChange).content, 'kept=newer');
    watch.close();
    await writer.close();
    await proxy.setMode('refuse');
    assert.equal((await c.getConfig('snap.props'))?.content, 'kept=newer');

    // Deleted on the server: the read says null (not the snapshot) and forgets the snapshot.
    await proxy.setMode('pass');
    await c.removeConfig('snap.props');
    assert.equal(await c.getConfig('snap.props'), null);
    await proxy.setMode('refuse');
    await assert.rejects(c.getConfig('snap.props'), CairnRequestError);
    await Promise.all([c.close(), proxy.close()]);
    await assert.rejects(c.getConfig('snap.props'), CairnClosedError);
  });
});
