import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

interface Page {
  totalCount: number;
  pageNumber: number;
  pagesAvailable: number;
  pageItems: { id: string; dataId: string; group: string; tenant: string; content: string; md5: string; appName: string; type: string }[];
}

describe('config search and delete by ids', () => {
  let ts: TestServer;
  const publish = async (dataId: string, group: string, extra: Record<string, string> = {}) => {
    const r = await call(ts.url, 'POST', '/v1/cs/configs', { dataId, group, content: `${group}/${dataId}`, ...extra });
    assert.equal(r.status, 200, r.text);
  };
  const search = async (query: string): Promise<Page> => {
    const r = await call(ts.url, 'GET', `/v1/cs/configs?${query}`);
    assert.equal(r.status, 200, r.text);
    return r.json();
  };
  const names = (page: Page) => page.pageItems.map((c) => `${c.group}/${c.dataId}`);

  before(async () => {
    ts = await startTestServer();
    for (let i = 1; i <= 7; i++) await publish(`svc-${i}.yaml`, 'SHOP', { type: 'yaml', appName: i % 2 === 0 ? 'even' : 'odd', config_tags: i <= 2 ? 'first' : '' });
    await publish('svc-1.yaml', 'OTHER');
    await publish('svc-1.yaml', 'SHOP', { tenant: 'dev' });
    await publish('gateway.json', 'EDGE', { type: 'json' });
  });
  after(() => ts.close());

  test('accurate: exact fields, absent or blank ones match anything, Nacos ConfigInfo items', async () => {
    const page = await search('search=accurate&dataId=svc-1.yaml&group=&pageNo=1&pageSize=10');
    assert.deepEqual(names(page), ['SHOP/svc-1.yaml', 'OTHER/svc-1.yaml']);
    assert.deepEqual(page.pageItems[0], {
      id: page.pageItems[0].id,
      dataId: 'svc-1.yaml',
      group: 'SHOP',
      content: 'SHOP/svc-1.yaml',
      md5: page.pageItems[0].md5,
      encryptedDataKey: '',
      tenant: '',
      appName: 'odd',
      type: 'yaml',
    });
    assert.match(page.pageItems[0].id, /^\d+$/);
    assert.deepEqual(names(await search('search=accurate&tenant=dev')), ['SHOP/svc-1.yaml']);
    assert.deepEqual(names(await search('search=accurate&dataId=svc-*')), [], 'accurate has no wildcards');
    assert.deepEqual(names(await search('search=accurate&group=SHOP&appName=even')), ['SHOP/svc-2.yaml', 'SHOP/svc-4.yaml', 'SHOP/svc-6.yaml']);
    assert.deepEqual(names(await search('search=accurate&config_tags=nope,first')), ['SHOP/svc-1.yaml', 'SHOP/svc-2.yaml']);
  });

  test('blur: * wildcards in dataId and group, types', async () => {
    assert.equal((await search('search=blur&dataId=svc-*&group=SHOP&pageNo=1&pageSize=100')).totalCount, 7);
    assert.deepEqual(names(await search('search=blur&dataId=*1.yaml&group=*')), ['SHOP/svc-1.yaml', 'OTHER/svc-1.yaml']);
    assert.deepEqual(names(await search('search=blur&dataId=*a*&group=E*E')), ['EDGE/gateway.json']);
    assert.deepEqual(names(await search('search=blur&types=json,xml')), ['EDGE/gateway.json']);
    assert.deepEqual(names(await search('search=blur&dataId=svc')), [], 'without * a blur pattern matches only itself');
  });

  test('paging: pages, the last page, past the end, pageSize cut to 500; bad paging is a 400 naming the field', async () => {
    const first = await search('search=blur&group=SHOP&pageNo=1&pageSize=3');
    assert.deepEqual([first.totalCount, first.pageNumber, first.pagesAvailable, first.pageItems.length], [7, 1, 3, 3]);
    assert.deepEqual(names(first), ['SHOP/svc-1.yaml', 'SHOP/svc-2.yaml', 'SHOP/svc-3.yaml']);
    const last = await search('search=blur&group=SHOP&pageNo=3&pageSize=3');
    assert.deepEqual(names(last), ['SHOP/svc-7.yaml']);
    const past = await search('search=blur&group=SHOP&pageNo=9&pageSize=3');
    assert.deepEqual([past.totalCount, past.pageNumber, past.pageItems.length], [7, 9, 0]);
    const author = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: '' };
    for (let i = 0; i < 501; i++) ts.server.ctx.config.publish({ key: { namespace: 'public', group: 'MANY', dataId: `m${i}` }, content: 'x', type: 'text' }, author);
    const big = await search('search=accurate&group=MANY&pageSize=100000');
    assert.deepEqual([big.totalCount, big.pageItems.length, big.pagesAvailable], [501, 500, 2]);
    for (const [query, text] of [
      ['pageNo=x', "Param 'pageNo' must be an integer, got 'x'."],
      ['pageSize=0', "Param 'pageSize' must be at least 1, got '0'."],
      ['pageSize=1.5', "Param 'pageSize' must be an integer, got '1.5'."],
    ]) {
      const r = await call(ts.url, 'GET', `/v1/cs/configs?search=blur&${query}`);
      assert.deepEqual([r.status, r.text], [400, text]);
    }
    const mode = await call(ts.url, 'GET', '/v1/cs/configs?search=fuzzy');
    assert.deepEqual([mode.status, mode.text], [400, "Param 'search' must be accurate or blur, got 'fuzzy'."]);
  });

  test('v2 searchDetail (the console): blur by default, content patterns in config_detail, a bare Page', async () => {
    const r = await call(ts.url, 'GET', '/v2/cs/config/searchDetail?dataId=&group=&config_detail=*EDGE*&pageNo=1&pageSize=10');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(names(r.json()), ['EDGE/gateway.json']);
    const accurate = await call(ts.url, 'GET', '/v2/cs/config/searchDetail?search=accurate&dataId=svc-*&config_detail=');
    assert.equal(accurate.json().totalCount, 0);
    const bad = await call(ts.url, 'GET', '/v2/cs/config/searchDetail?pageSize=-1');
    assert.deepEqual([bad.status, bad.json().code], [400, 20002]);
  });

  test('delete by ids: a RestResult, each delete in history and journal; unknown ids are skipped; bad ids a 400', async () => {
    await publish('temp-a', 'DEL');
    await publish('temp-b', 'DEL');
    await publish('temp-c', 'DEL');
    const ids = (await search('search=accurate&group=DEL')).pageItems.map((c) => c.id);
    const r = await call(ts.url, 'DELETE', `/v1/cs/configs?delType=ids&ids=${ids[0]},${ids[2]},987654`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { code: 200, message: null, data: true });
    assert.deepEqual(names(await search('search=accurate&group=DEL')), ['DEL/temp-b']);
    const history = (await call(ts.url, 'GET', '/v1/cs/history?search=accurate&dataId=temp-a&group=DEL')).json();
    assert.deepEqual(
      history.pageItems.map((h: { opType: string }) => h.opType),
      ['D', 'I'],
    );
    const removed = (await call(ts.url, 'GET', '/v1/cairn/events?group=DEL&cause=CONFIG_REMOVED')).json();
    assert.deepEqual(removed.events.map((e: { dataId: string }) => e.dataId).sort(), ['temp-a', 'temp-c']);

    const bad = await call(ts.url, 'DELETE', '/v1/cs/configs?delType=ids&ids=1,two');
    assert.deepEqual([bad.status, bad.text], [400, "Param 'ids' must be comma-separated config ids, got 'two'."]);
    assert.deepEqual(names(await search('search=accurate&group=DEL')), ['DEL/temp-b'], 'a bad list deletes nothing');
  });
});
