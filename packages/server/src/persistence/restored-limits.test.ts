import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { call, startTestServer } from '../testing/test-server.js';

// A limit refuses new entries; it never drops registered ones. A restart with a lower limit restores every stored
// persistent instance and says once which limit the restored state exceeds.

test('a restart with a lower --max-instances-per-service restores every persistent instance and warns once naming the limit', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-limits-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await startTestServer({ dataDir });
  for (const port of [7001, 7002, 7003, 7004]) {
    const res = await call(first.url, 'POST', '/v1/ns/instance', { serviceName: 'stored', ip: '127.0.0.1', port: String(port), ephemeral: 'false' });
    assert.equal(res.status, 200, res.text);
  }
  await first.close();

  const logged: { level: number; msg: string; limit?: string; max?: number; held?: number; services?: string[] }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const second = await startTestServer({ dataDir, maxInstancesPerService: 2, logLevel: 'warn' }, { logger: pino({ level: 'warn' }, sink) });
  t.after(() => second.close());
  const hosts = (await call(second.url, 'GET', '/v1/ns/instance/list?serviceName=stored')).json().hosts;
  assert.deepEqual(hosts.map((h: { port: number }) => h.port).sort(), [7001, 7002, 7003, 7004], 'none dropped');
  const warnings = logged.filter((l) => l.msg.startsWith('restored beyond'));
  assert.deepEqual(
    warnings.map((w) => [w.level, w.limit, w.max, w.held, w.services]),
    [[40, 'maxInstancesPerService', 2, 4, ['public/DEFAULT_GROUP@@stored']]],
  );
  // Held instances still update; a new one is refused until the service is back under the limit.
  assert.equal((await call(second.url, 'POST', '/v1/ns/instance', { serviceName: 'stored', ip: '127.0.0.1', port: '7001', ephemeral: 'false', weight: '3' })).status, 200);
  assert.equal((await call(second.url, 'POST', '/v1/ns/instance', { serviceName: 'stored', ip: '127.0.0.1', port: '7005', ephemeral: 'false' })).status, 429);
});
