import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sendForm, startTestServer, type TestServer } from '../../../../testing/test-server.js';

const SCHEMA = `{"type":"object","title":"${'ü'.repeat(200)}"}`;
const FIELDS = { desc: 'the shop', use: 'checkout', effect: 'on restart', schema: SCHEMA, config_tags: 'a,b', type: 'json', appName: 'shop' };
const KEY_OF_CONTENT = 'c2VjcmV0LWtleQ==';

describe('config fields: use, effect, schema, encryptedDataKey, and /v1/cs/configs/catalog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-fields-'));
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ dataDir: dir });
  });
  after(async () => {
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const detail = async (dataId: string) => JSON.parse((await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId, group: 'G', show: 'all' })).text);
  const catalog = async (dataId: string) => JSON.parse((await sendForm(ts.url, 'GET', '/v1/cs/configs/catalog', { dataId, group: 'G' })).text);

  test('v1 publish keeps every field: show=all and catalog answer them, a read sends Encrypted-Data-Key, a restart keeps them', async () => {
    const published = await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'all.json', group: 'G', content: '{"enc":"x"}', src_user: 'alice', encryptedDataKey: KEY_OF_CONTENT, ...FIELDS });
    assert.deepEqual([published.status, published.text], [200, 'true']);
    for (let run = 0; run < 2; run++) {
      const all = await detail('all.json');
      assert.deepEqual([all.desc, all.use, all.effect, all.schema, all.configTags, all.type, all.appName, all.encryptedDataKey], ['the shop', 'checkout', 'on restart', SCHEMA, 'a,b', 'json', 'shop', KEY_OF_CONTENT]);
      const advance = await catalog('all.json');
      assert.deepEqual(Object.keys(advance), ['code', 'message', 'data']);
      assert.deepEqual([advance.code, advance.message], [200, null]);
      assert.deepEqual(advance.data, {
        createTime: all.createTime,
        modifyTime: all.modifyTime,
        createUser: 'alice',
        createIp: '127.0.0.1',
        desc: 'the shop',
        use: 'checkout',
        effect: 'on restart',
        type: 'json',
        schema: SCHEMA,
        configTags: 'a,b',
      });
      const read = await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'all.json', group: 'G' });
      assert.equal(read.headers.get('encrypted-data-key'), KEY_OF_CONTENT);
      if (run === 0) {
        await ts.close();
        ts = await startTestServer({ dataDir: dir });
      }
    }
  });

  test('a publish without the fields clears them, as Nacos; a read then sends no Encrypted-Data-Key', async () => {
    await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'cleared', group: 'G', content: 'v1', encryptedDataKey: KEY_OF_CONTENT, ...FIELDS });
    await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'cleared', group: 'G', content: 'v2' });
    const all = await detail('cleared');
    assert.deepEqual([all.use, all.effect, all.schema, all.desc, all.encryptedDataKey], [null, null, null, null, '']);
    assert.equal((await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'cleared', group: 'G' })).headers.get('encrypted-data-key'), null);
  });

  test('over a limit: 400 naming the field (v1 text, v2 Nacos body), and the config is unchanged', async () => {
    await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'limits', group: 'G', content: 'kept', use: 'u'.repeat(32), effect: 'e'.repeat(32), schema: 's'.repeat(32_768) });
    assert.equal((await detail('limits')).schema.length, 32_768);
    for (const [field, value, message] of [
      ['use', 'u'.repeat(33), 'too long use, over 32'],
      ['effect', 'e'.repeat(33), 'too long effect, over 32'],
      ['schema', 's'.repeat(32_769), 'too long schema, over 32768'],
      ['desc', 'd'.repeat(129), 'too long desc, over 128'],
    ]) {
      const v1 = await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'limits', group: 'G', content: 'changed', [field]: value });
      assert.deepEqual([v1.status, v1.text], [400, message]);
      const v2 = await sendForm(ts.url, 'POST', '/v2/cs/config', { dataId: 'limits', group: 'G', content: 'changed', [field]: value });
      assert.equal(v2.status, 400);
      assert.equal(JSON.parse(v2.text).data, message);
    }
    assert.equal((await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'limits', group: 'G' })).text, 'kept');
  });

  test('v2 publish takes the same fields; v2 read sends Encrypted-Data-Key', async () => {
    const published = await sendForm(ts.url, 'POST', '/v2/cs/config', { dataId: 'v2.yaml', group: 'G', content: 'x', use: 'u2', effect: 'e2', schema: 's2', encryptedDataKey: KEY_OF_CONTENT, configTags: 't' });
    assert.equal(published.status, 200);
    const all = await detail('v2.yaml');
    assert.deepEqual([all.use, all.effect, all.schema, all.encryptedDataKey, all.configTags], ['u2', 'e2', 's2', KEY_OF_CONTENT, 't']);
    const read = await sendForm(ts.url, 'GET', '/v2/cs/config', { dataId: 'v2.yaml', group: 'G' });
    assert.equal(read.headers.get('encrypted-data-key'), KEY_OF_CONTENT);
  });

  test('a gray publish with encryptedDataKey is 400 naming it, v1 and v2, and no gray version is made', async () => {
    await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'gray-enc', group: 'G', content: 'main' });
    const beta = await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'gray-enc', group: 'G', content: 'b', encryptedDataKey: KEY_OF_CONTENT }, { betaIps: '127.0.0.1' });
    assert.equal(beta.status, 400);
    assert.match(beta.text, /encryptedDataKey/);
    const tag = await sendForm(ts.url, 'POST', '/v2/cs/config', { dataId: 'gray-enc', group: 'G', content: 't', tag: 'canary', encryptedDataKey: KEY_OF_CONTENT });
    assert.equal(tag.status, 400);
    assert.match(JSON.parse(tag.text).data, /encryptedDataKey/);
    const grays = JSON.parse((await sendForm(ts.url, 'GET', '/v1/cairn/config/gray', { dataId: 'gray-enc', group: 'G' })).text);
    assert.deepEqual(grays.grays, []);
  });

  test("history keeps each version's fields: extInfo under Nacos's names, and the encryptedDataKey", async () => {
    await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'hist', group: 'G', content: 'one', src_user: 'bob', encryptedDataKey: KEY_OF_CONTENT, ...FIELDS });
    const page = JSON.parse((await sendForm(ts.url, 'GET', '/v1/cs/history', { search: 'accurate', dataId: 'hist', group: 'G' })).text);
    const record = JSON.parse((await sendForm(ts.url, 'GET', '/v1/cs/history', { nid: page.pageItems[0].id, dataId: 'hist', group: 'G' })).text);
    assert.equal(record.encryptedDataKey, KEY_OF_CONTENT);
    assert.deepEqual(JSON.parse(record.extInfo), { src_user: 'bob', type: 'json', config_tags: 'a,b', c_desc: 'the shop', c_use: 'checkout', effect: 'on restart', c_schema: SCHEMA });
  });

  test('catalog of a missing config is 200 with data null; without dataId it is 400 naming it', async () => {
    assert.deepEqual(await catalog('never'), { code: 200, message: null, data: null });
    const missing = await sendForm(ts.url, 'GET', '/v1/cs/configs/catalog', { group: 'G' });
    assert.equal(missing.status, 400);
    assert.match(missing.text, /dataId/);
  });

  test('a clone carries the encryptedDataKey with the content, as Nacos', async () => {
    await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'src', group: 'G', content: 'ciphertext', encryptedDataKey: KEY_OF_CONTENT });
    const id = (await detail('src')).id;
    const res = await fetch(`${ts.url}/v1/cs/configs?clone=true&tenant=public&policy=OVERWRITE`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ cfgId: id, dataId: 'copy', group: 'G' }]),
    });
    assert.equal(res.status, 200);
    assert.equal((await detail('copy')).encryptedDataKey, KEY_OF_CONTENT);
  });
});
