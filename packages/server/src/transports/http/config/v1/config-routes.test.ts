import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sendForm, startTestServer, type TestServer } from '../../../../testing/test-server.js';

const CONTENT = 'a=1 & b=ü\n%2B+日本';

describe('config v1 /v1/cs/configs', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ configMaxContentBytes: 1000 });
  });
  after(() => ts.close());

  test('publish answers true; get answers the exact content with Nacos headers', async () => {
    const published = await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'app.json', group: 'G', content: CONTENT, type: 'json', tenant: '', appName: 'shop', src_user: 'alice' });
    assert.deepEqual([published.status, published.text], [200, 'true']);
    const got = await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'app.json', group: 'G', tenant: 'public' });
    assert.equal(got.status, 200);
    assert.equal(got.text, CONTENT);
    assert.equal(got.headers.get('content-md5'), '2b206de7527accfdf23f842ea67d2cf3');
    assert.equal(got.headers.get('config-type'), 'json');
    assert.match(got.headers.get('content-type') ?? '', /^application\/json;\s*charset=UTF-8$/i);
    assert.equal(got.headers.get('cache-control'), 'no-cache,no-store');
    assert.equal(got.headers.get('pragma'), 'no-cache');
    assert.ok(Date.parse(got.headers.get('last-modified') ?? '') > 0);
    const detail = JSON.parse((await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'app.json', group: 'G', show: 'all' })).text);
    assert.equal(typeof detail.id, 'string');
    assert.deepEqual([detail.tenant, detail.appName, detail.createUser, detail.type, detail.content], ['', 'shop', 'alice', 'json', CONTENT]);
  });

  test('a missing config is 404 with Nacos body; delete is idempotent', async () => {
    await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'gone', group: 'G', content: 'x' });
    assert.equal((await sendForm(ts.url, 'DELETE', '/v1/cs/configs', { dataId: 'gone', group: 'G' })).text, 'true');
    assert.equal((await sendForm(ts.url, 'DELETE', '/v1/cs/configs', { dataId: 'gone', group: 'G' })).text, 'true');
    const missing = await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'gone', group: 'G' });
    assert.deepEqual([missing.status, missing.text], [404, 'config data not exist\n']);
    assert.equal((await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'gone', group: 'G', show: 'all' })).text, '');
  });

  test('casMd5 mismatch answers 500 with Nacos text and keeps the content; a match publishes', async () => {
    await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'cas', group: 'G', content: 'v1' });
    const md5 = (await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'cas', group: 'G' })).headers.get('content-md5') ?? '';
    const refused = await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'cas', group: 'G', content: 'v2' }, { casMd5: 'not-it' });
    assert.deepEqual([refused.status, refused.text], [500, 'Cas publish fail, server md5 may have changed.']);
    assert.equal((await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'cas', group: 'G' })).text, 'v1');
    assert.equal((await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'cas', group: 'G', content: 'v2' }, { casMd5: md5 })).status, 200);
    assert.equal((await sendForm(ts.url, 'GET', '/v1/cs/configs', { dataId: 'cas', group: 'G' })).text, 'v2');
  });

  test('every bad field is a 400 naming it', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ group: 'G', content: 'x' }, /Param 'dataId' is required/],
      [{ dataId: 'a b', group: 'G', content: 'x' }, /^invalid dataId$/],
      [{ dataId: 'a', group: 'G/H', content: 'x' }, /^invalid group$/],
      [{ dataId: 'a', group: 'G', tenant: 'x'.repeat(129), content: 'x' }, /^invalid tenant$/],
      [{ dataId: 'a', group: 'G', content: '  ' }, /Param 'content' is required/],
      [{ dataId: 'a', group: 'G', content: 'x'.repeat(1001) }, /content is 1001 bytes, over the maximum of 1000 bytes/],
      [{ dataId: 'a', group: 'G', content: 'x', desc: 'd'.repeat(129) }, /too long desc/],
      [{ dataId: 'a', group: 'G', content: 'x', config_tags: 'a,b,c,d,e,f' }, /config_tags/],
      [{ dataId: 'a', group: 'G', content: 'x', tag: 'x'.repeat(17) }, /too long tag, over 16/],
      [{ dataId: 'a', group: 'G', content: 'x', tag: 'a/b' }, /invalid tag/],
    ];
    for (const [params, message] of cases) {
      const answer = await sendForm(ts.url, 'POST', '/v1/cs/configs', params);
      assert.equal(answer.status, 400, JSON.stringify(params));
      assert.match(answer.text, message);
    }
    const beta = await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'a', group: 'G', content: 'x' }, { betaIps: '10.0.0.1,10.0.0' });
    assert.deepEqual([beta.status, beta.text], [400, "Header 'betaIps' must be a comma list of IP addresses, got '10.0.0'."]);
  });

  test('history: paged newest first with string ids, by nid, and previous', async () => {
    for (const content of ['h1', 'h2', 'h3']) await sendForm(ts.url, 'POST', '/v1/cs/configs', { dataId: 'hist', group: 'G', content, src_user: 'bob' });
    await sendForm(ts.url, 'DELETE', '/v1/cs/configs', { dataId: 'hist', group: 'G' });
    const page = JSON.parse((await sendForm(ts.url, 'GET', '/v1/cs/history', { search: 'accurate', dataId: 'hist', group: 'G', pageNo: '1', pageSize: '3' })).text);
    assert.equal(page.totalCount, 4);
    assert.equal(page.pagesAvailable, 2);
    assert.deepEqual(
      page.pageItems.map((h: { opType: string; content: string }) => `${h.opType}:${h.content}`),
      ['D:h3', 'U:h3', 'U:h2'],
    );
    const newest = page.pageItems[0];
    assert.equal(typeof newest.id, 'string');
    assert.equal(newest.srcUser, null, 'the delete claimed no user');
    assert.equal(page.pageItems[1].srcUser, 'bob');
    const one = JSON.parse((await sendForm(ts.url, 'GET', '/v1/cs/history', { dataId: 'hist', group: 'G', nid: page.pageItems[1].id })).text);
    assert.equal(one.content, 'h3');
    const previous = JSON.parse((await sendForm(ts.url, 'GET', '/v1/cs/history/previous', { dataId: 'hist', group: 'G', id: page.pageItems[1].id })).text);
    assert.equal(previous.content, 'h2');
    assert.equal((await sendForm(ts.url, 'GET', '/v1/cs/history', { dataId: 'hist', group: 'G', nid: '999999' })).status, 404);
    assert.equal((await sendForm(ts.url, 'GET', '/v1/cs/history', { dataId: 'hist', group: 'G', search: 'accurate', pageSize: '0' })).status, 400);
    const capped = JSON.parse((await sendForm(ts.url, 'GET', '/v1/cs/history', { search: 'accurate', dataId: 'hist', group: 'G', pageSize: '100000' })).text);
    assert.equal(capped.pageItems.length, 4);
  });
});
