import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { spawnServer, type SpawnedServer } from '@cairn/testkit';
import { CairnRequestError, ConfigClient, type ConfigChange } from '../index.js';
import { FakeNacos } from '../testing/fake-nacos.js';
import { captureLogger, waitFor } from '../testing/helpers.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('a config watch refused by the server (4xx)', () => {
  let fake: FakeNacos;
  /** While true, every config read and poll is refused with 403, as a server whose permissions exclude the client. */
  let refuse = true;
  let content = 'v=1';
  /** The next poll names the key as changed. */
  let changed = false;
  before(async () => {
    fake = await new FakeNacos().start();
    fake.handle = (path, _query, res) => {
      if (path !== '/nacos/v1/cs/configs' && path !== '/nacos/v1/cs/configs/listener') return false;
      if (refuse) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('authorization failed!');
      } else if (path === '/nacos/v1/cs/configs') {
        res.writeHead(200, { 'content-md5': md5(content), 'config-type': 'text' }).end(content);
      } else if (changed) {
        changed = false;
        res.writeHead(200).end(`${encodeURIComponent('w.props\u0002DEFAULT_GROUP\u0001')}\n`);
      } else {
        // Nothing changed: answer empty after a short hold, as a server whose hold time is up.
        setTimeout(() => res.writeHead(200).end(''), 20);
      }
      return true;
    };
  });
  after(() => fake.close());

  test('keeps retrying with backoff, surfaces the error, and recovers once the server accepts it', async () => {
    const logger = captureLogger();
    const client = new ConfigClient({ serverAddresses: [fake.address], logger, watchRetryBaseMs: 10, watchRetryMaxMs: 40, longPollTimeoutMs: 1000 });
    const watch = client.watch('w.props');
    const reads = () => fake.requests.filter((r) => r.path === '/nacos/v1/cs/configs').length;
    await waitFor('three refused reads', () => reads() >= 3, 5000);
    const error = watch.lastError;
    assert.ok(error instanceof CairnRequestError, String(error));
    assert.equal(error.status, 403);
    assert.ok(
      logger.lines.some((l) => l.level === 'warn' && /config watch DEFAULT_GROUP\/w\.props failed \(client-error\)/.test(l.message)),
      JSON.stringify(logger.lines),
    );
    assert.ok(!logger.lines.some((l) => /stopped/.test(l.message)), 'the watch did not stop');

    refuse = false;
    await watch.ready;
    await waitFor('the error cleared', () => watch.lastError === undefined, 5000);
    const next = watch.next();
    content = 'v=2';
    changed = true;
    assert.equal(((await next).value as ConfigChange).content, 'v=2');

    // Refused again while polling: the same, then the change made meanwhile arrives.
    refuse = true;
    await waitFor('a refused poll', () => watch.lastError instanceof CairnRequestError, 5000);
    const after = watch.next();
    content = 'v=3';
    refuse = false;
    changed = true;
    assert.equal(((await after).value as ConfigChange).content, 'v=3');
    await client.close();
    assert.deepEqual(await watch.next(), { value: undefined, done: true });
  });
});

describe('ConfigClient srcUser', () => {
  let server: SpawnedServer;
  before(async () => {
    server = await spawnServer([]);
  });
  after(() => server.stop());

  test('is sent as src_user with publishes and removals, and a publish may name another', async () => {
    const address = new URL(server.url).host;
    const client = new ConfigClient({ serverAddresses: [address], logger: captureLogger(), srcUser: 'alice' });
    await client.publishConfig('authored.props', 'DEFAULT_GROUP', 'a=1');
    await client.publishConfig('authored.props', 'DEFAULT_GROUP', 'a=2', { srcUser: 'bob' });
    await client.removeConfig('authored.props');
    const history = await client.getHistory('authored.props');
    assert.deepEqual(
      history.entries.map((e) => [e.op, e.author]),
      [
        ['D', 'alice'],
        ['U', 'bob'],
        ['I', 'alice'],
      ],
    );
    await client.close();
    assert.throws(() => new ConfigClient({ serverAddresses: [address], srcUser: 'x'.repeat(129) }), /srcUser/);
  });
});
