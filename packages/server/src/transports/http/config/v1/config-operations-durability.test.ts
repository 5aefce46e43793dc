import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { switchableStores } from '../../../../testing/switchable-stores.js';
import { call, startTestServer } from '../../../../testing/test-server.js';
import { writeZip } from '../transfer/zip-writer.js';

test('import, clone, delete by ids and rollback are answered 503, never 200, while the store refuses writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-ops-outage-'));
  const db = await switchableStores(join(dir, 'cairn.db'), 'disk full (injected)');
  const { stores } = db;
  const ts = await startTestServer({ storeWaitMs: 200 }, { stores });
  try {
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'base', group: 'G', content: 'v1' })).text, 'true');
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'base', group: 'G', content: 'v2' })).text, 'true');
    const id = (await call(ts.url, 'GET', '/v1/cs/configs?dataId=base&group=G&show=all')).json().id as string;
    db.setDown(true);

    const form = new FormData();
    form.append('file', new Blob([await writeZip([{ name: 'G/imported', text: 'i' }])]), 'c.zip');
    const imported = await fetch(`${ts.url}/v1/cs/configs?import=true`, { method: 'POST', body: form });
    const cloned = await fetch(`${ts.url}/v1/cs/configs?clone=true&policy=SKIP`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ cfgId: id, dataId: 'copy' }]) });
    const rolledBack = await call(ts.url, 'POST', '/v1/cairn/config/rollback?dataId=base&group=G&nid=1');
    const deleted = await call(ts.url, 'DELETE', `/v1/cs/configs?delType=ids&ids=${id}`);
    for (const [what, status, text] of [
      ['import', imported.status, await imported.text()],
      ['clone', cloned.status, await cloned.text()],
      ['rollback', rolledBack.status, rolledBack.text],
      ['delete by ids', deleted.status, deleted.text],
    ]) {
      assert.equal(status, 503, `${what}: ${text}`);
      assert.match(String(text), /not durable yet .*disk full \(injected\)/, String(what));
    }
    // A search changes nothing and answers while the store is down.
    assert.equal((await call(ts.url, 'GET', '/v1/cs/configs?search=accurate&group=G')).status, 200);
  } finally {
    db.setDown(false);
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
