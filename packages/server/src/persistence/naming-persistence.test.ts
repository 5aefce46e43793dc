import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { call, startTestServer } from '../testing/test-server.js';

const origin = { ip: '127.0.0.1', via: 'test' };

test('namespaces and explicit service definitions survive a restart; implicit services do not', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-persist-'));
  const first = await startTestServer({ dataDir });
  first.server.ctx.namespaces.create('dev', 'Development', 'for tests');
  first.server.ctx.registry.createService({ namespace: 'dev', group: 'G', name: 'orders' }, { protectThreshold: 0.4, metadata: { team: 'x' } }, origin);
  const reg = await call(first.url, 'POST', '/v1/ns/instance?namespaceId=dev&serviceName=implicit&ip=127.0.0.1&port=81');
  assert.equal(reg.status, 200);
  await first.close();

  const second = await startTestServer({ dataDir });
  try {
    const ns = second.server.ctx.namespaces.get('dev');
    assert.equal(ns?.name, 'Development');
    const service = second.server.ctx.registry.services.get({ namespace: 'dev', group: 'G', name: 'orders' });
    assert.equal(service?.protectThreshold, 0.4);
    assert.deepEqual(service?.metadata, { team: 'x' });
    assert.equal(second.server.ctx.registry.services.get({ namespace: 'dev', group: 'DEFAULT_GROUP', name: 'implicit' }), undefined);
    second.server.ctx.registry.deleteService({ namespace: 'dev', group: 'G', name: 'orders' }, origin);
  } finally {
    await second.close();
  }

  const third = await startTestServer({ dataDir });
  try {
    assert.equal(third.server.ctx.registry.services.get({ namespace: 'dev', group: 'G', name: 'orders' }), undefined);
  } finally {
    await third.close();
  }
});
