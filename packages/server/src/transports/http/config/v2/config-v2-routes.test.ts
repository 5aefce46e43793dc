import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sendForm, startTestServer, type TestServer } from '../../../../testing/test-server.js';

/** A v2 call (form body on POST, query otherwise, as the Nacos Open API v2 documents them), its result envelope parsed. */
async function send(base: string, method: string, path: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await sendForm(base, method, path, params, headers);
  const text = res.text;
  let json: { code?: number; message?: string; data?: unknown } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** The `data` of a v2 answer that must have one. */
function dataOf<T>(answer: { json?: { data?: unknown } }): T {
  assert.ok(answer.json?.data !== undefined, 'a v2 answer with data');
  return answer.json.data as T;
}

const CONTENT = 'a=1 & b=ü\n%2B+日本';
const CONTENT_MD5 = '2b206de7527accfdf23f842ea67d2cf3';

describe('config v2 /v2/cs/config', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ configMaxContentBytes: 1000 });
  });
  after(() => ts.close());

  test('publish answers data:true; get answers the content wrapped, with the v1 headers', async () => {
    const published = await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'v2.json', group: 'G', content: CONTENT, type: 'json', namespaceId: 'public', appName: 'shop', srcUser: 'alice', configTags: 'a,b', desc: 'd' });
    assert.equal(published.status, 200);
    assert.deepEqual(published.json, { code: 0, message: 'success', data: true });
    const got = await send(ts.url, 'GET', '/v2/cs/config', { dataId: 'v2.json', group: 'G' });
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, { code: 0, message: 'success', data: CONTENT });
    assert.equal(got.headers.get('content-md5'), CONTENT_MD5);
    assert.equal(got.headers.get('config-type'), 'json');
    assert.match(got.headers.get('content-type') ?? '', /^application\/json/i);
    assert.equal(got.headers.get('cache-control'), 'no-cache,no-store');
    assert.ok(Date.parse(got.headers.get('last-modified') ?? '') > 0);
    const detail = JSON.parse((await send(ts.url, 'GET', '/v1/cs/configs', { dataId: 'v2.json', group: 'G', show: 'all' })).text);
    assert.deepEqual([detail.tenant, detail.appName, detail.createUser, detail.configTags, detail.desc], ['', 'shop', 'alice', 'a,b', 'd']);
  });

  test('v1/v2 parity: each reads what the other published, with the same md5', async () => {
    await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'by-v2', group: 'G', content: CONTENT, namespaceId: 'ns1' });
    const v1 = await send(ts.url, 'GET', '/v1/cs/configs', { dataId: 'by-v2', group: 'G', tenant: 'ns1' });
    assert.deepEqual([v1.status, v1.text, v1.headers.get('content-md5')], [200, CONTENT, CONTENT_MD5]);
    await send(ts.url, 'POST', '/v1/cs/configs', { dataId: 'by-v1', group: 'G', content: CONTENT, tenant: 'ns1' });
    const v2 = await send(ts.url, 'GET', '/v2/cs/config', { dataId: 'by-v1', group: 'G', namespaceId: 'ns1' });
    assert.deepEqual([v2.status, v2.json?.data, v2.headers.get('content-md5')], [200, CONTENT, CONTENT_MD5]);
    assert.deepEqual((await send(ts.url, 'DELETE', '/v2/cs/config', { dataId: 'by-v1', group: 'G', namespaceId: 'ns1' })).json, { code: 0, message: 'success', data: true });
    assert.equal((await send(ts.url, 'GET', '/v1/cs/configs', { dataId: 'by-v1', group: 'G', tenant: 'ns1' })).status, 404);
  });

  test('a missing config is 404 with the Nacos v2 body; delete is idempotent', async () => {
    await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'gone', group: 'G', content: 'x' });
    assert.deepEqual((await send(ts.url, 'DELETE', '/v2/cs/config', { dataId: 'gone', group: 'G' })).json?.data, true);
    assert.deepEqual((await send(ts.url, 'DELETE', '/v2/cs/config', { dataId: 'gone', group: 'G' })).json?.data, true);
    const missing = await send(ts.url, 'GET', '/v2/cs/config', { dataId: 'gone', group: 'G' });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { code: 20004, message: 'resource not found', data: 'config data not exist' });
  });

  test('casMd5 mismatch answers 500 code 20005 and keeps the content; a match publishes', async () => {
    await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'cas', group: 'G', content: 'v1' });
    const md5 = (await send(ts.url, 'GET', '/v2/cs/config', { dataId: 'cas', group: 'G' })).headers.get('content-md5') ?? '';
    const refused = await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'cas', group: 'G', content: 'v2' }, { casMd5: 'not-it' });
    assert.equal(refused.status, 500);
    assert.deepEqual(refused.json, { code: 20005, message: 'resource conflict', data: 'Cas publish fail, server md5 may have changed.' });
    assert.equal((await send(ts.url, 'GET', '/v2/cs/config', { dataId: 'cas', group: 'G' })).json?.data, 'v1');
    assert.equal((await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'cas', group: 'G', content: 'v2' }, { casMd5: md5 })).status, 200);
    assert.equal((await send(ts.url, 'GET', '/v2/cs/config', { dataId: 'cas', group: 'G' })).json?.data, 'v2');
  });

  test('every missing or bad field is a 400 envelope naming it', async () => {
    const cases: [string, Record<string, string>, number, RegExp][] = [
      ['POST', { group: 'G', content: 'x' }, 10000, /Param 'dataId' is required/],
      ['POST', { dataId: 'a', content: 'x' }, 10000, /Param 'group' is required/],
      ['POST', { dataId: 'a', group: 'G' }, 10000, /Param 'content' is required/],
      ['POST', { dataId: 'a', group: 'G', content: '  ' }, 10000, /Param 'content' is required/],
      ['GET', { group: 'G' }, 10000, /Param 'dataId' is required/],
      ['DELETE', { dataId: 'a' }, 10000, /Param 'group' is required/],
      ['POST', { dataId: 'a b', group: 'G', content: 'x' }, 20002, /^invalid dataId$/],
      ['POST', { dataId: 'a', group: 'G', namespaceId: 'x'.repeat(129), content: 'x' }, 20002, /^invalid tenant$/],
      ['POST', { dataId: 'a', group: 'G', content: 'x'.repeat(1001) }, 20002, /over the maximum of 1000 bytes/],
      ['POST', { dataId: 'a', group: 'G', content: 'x', configTags: 'a,b,c,d,e,f' }, 20002, /config_tags/],
      ['POST', { dataId: 'a', group: 'G', content: 'x', tag: 'x'.repeat(17) }, 20002, /too long tag, over 16/],
      ['DELETE', { dataId: 'a', group: 'G', tag: 'a b' }, 20002, /invalid tag/],
    ];
    for (const [method, params, code, message] of cases) {
      const answer = await send(ts.url, method, '/v2/cs/config', params);
      assert.equal(answer.status, 400, `${method} ${JSON.stringify(params)}`);
      assert.equal(answer.json?.code, code, `${method} ${JSON.stringify(params)}`);
      assert.match(String(answer.json?.data), message);
    }
    const beta = await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'a', group: 'G', content: 'x' }, { betaIps: 'ten' });
    assert.deepEqual([beta.status, beta.json?.code], [400, 20002]);
    assert.match(String(beta.json?.data), /betaIps/);
    assert.equal((await send(ts.url, 'GET', '/v2/cs/config', { dataId: 'a', group: 'G' })).status, 404, 'nothing refused was published');
  });
});

describe('config v2 /v2/cs/history', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  test('list pages newest first, wrapped; nid, detail and previous answer the v1 records', async () => {
    for (const content of ['h1', 'h2', 'h3']) await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'hist', group: 'G', content, srcUser: 'bob', namespaceId: 'ns1' });
    await send(ts.url, 'DELETE', '/v2/cs/config', { dataId: 'hist', group: 'G', namespaceId: 'ns1' });
    const listed = await send(ts.url, 'GET', '/v2/cs/history/list', { dataId: 'hist', group: 'G', namespaceId: 'ns1', pageNo: '0', pageSize: '3' });
    assert.deepEqual([listed.status, listed.json?.code, listed.json?.message], [200, 0, 'success']);
    const page = listed.json?.data as { totalCount: number; pageNumber: number; pagesAvailable: number; pageItems: { id: string; opType: string; content: string; srcUser: string | null; tenant: string }[] };
    assert.deepEqual([page.totalCount, page.pageNumber, page.pagesAvailable], [4, 1, 2]);
    assert.deepEqual(
      page.pageItems.map((h) => `${h.opType}:${h.content}`),
      ['D:h3', 'U:h3', 'U:h2'],
    );
    assert.equal(typeof page.pageItems[0]?.id, 'string');
    assert.equal(page.pageItems[1]?.tenant, 'ns1');
    assert.equal(page.pageItems[1]?.srcUser, 'bob');
    const v1Page = JSON.parse((await send(ts.url, 'GET', '/v1/cs/history', { search: 'accurate', dataId: 'hist', group: 'G', tenant: 'ns1', pageSize: '3' })).text);
    assert.deepEqual(page, v1Page, 'the same record JSON as v1');
    const nid = page.pageItems[1]?.id ?? '';
    for (const path of ['/v2/cs/history', '/v2/cs/history/detail']) {
      const one = await send(ts.url, 'GET', path, { dataId: 'hist', group: 'G', namespaceId: 'ns1', nid });
      assert.deepEqual([one.status, one.json?.code, dataOf<{ content: string }>(one).content], [200, 0, 'h3'], path);
    }
    const previous = await send(ts.url, 'GET', '/v2/cs/history/previous', { dataId: 'hist', group: 'G', namespaceId: 'ns1', id: nid });
    assert.equal(dataOf<{ content: string }>(previous).content, 'h2');
    const missing = await send(ts.url, 'GET', '/v2/cs/history', { dataId: 'hist', group: 'G', namespaceId: 'ns1', nid: '999999' });
    assert.deepEqual([missing.status, missing.json?.code, missing.json?.message], [404, 20004, 'resource not found']);
    const noNid = await send(ts.url, 'GET', '/v2/cs/history', { dataId: 'hist', group: 'G' });
    assert.deepEqual([noNid.status, noNid.json?.code], [400, 10000]);
    const badSize = await send(ts.url, 'GET', '/v2/cs/history/list', { dataId: 'hist', group: 'G', pageSize: '0' });
    assert.deepEqual([badSize.status, badSize.json?.code], [400, 20002]);
  });

  test('list caps pageSize at 500', async () => {
    for (let i = 0; i < 502; i++) await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'many', group: 'G', content: `c${i}` });
    const capped = await send(ts.url, 'GET', '/v2/cs/history/list', { dataId: 'many', group: 'G', pageSize: '100000' });
    const data = capped.json?.data as { totalCount: number; pagesAvailable: number; pageItems: unknown[] };
    assert.deepEqual([data.totalCount, data.pageItems.length, data.pagesAvailable], [502, 500, 2]);
    const byDefault = await send(ts.url, 'GET', '/v2/cs/history/list', { dataId: 'many', group: 'G' });
    assert.equal(dataOf<{ pageItems: unknown[] }>(byDefault).pageItems.length, 100);
  });

  test('configs lists the configs of a namespace', async () => {
    await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'b', group: 'G2', content: 'x', namespaceId: 'ns2', appName: 'shop', type: 'yaml' });
    await send(ts.url, 'POST', '/v1/cs/configs', { dataId: 'a', group: 'G2', content: 'x', tenant: 'ns2' });
    await send(ts.url, 'POST', '/v2/cs/config', { dataId: 'other', group: 'G2', content: 'x', namespaceId: 'ns3' });
    const listed = await send(ts.url, 'GET', '/v2/cs/history/configs', { namespaceId: 'ns2' });
    assert.equal(listed.json?.code, 0);
    const items = listed.json?.data as { dataId: string; group: string; tenant: string; appName: string; type: string }[];
    assert.deepEqual(
      items.map((c) => [c.dataId, c.group, c.tenant, c.appName, c.type]),
      [
        ['a', 'G2', 'ns2', '', 'text'],
        ['b', 'G2', 'ns2', 'shop', 'yaml'],
      ],
    );
    const bad = await send(ts.url, 'GET', '/v2/cs/history/configs', { namespaceId: 'bad ns' });
    assert.deepEqual([bad.status, bad.json?.code], [400, 20002]);
  });
});
