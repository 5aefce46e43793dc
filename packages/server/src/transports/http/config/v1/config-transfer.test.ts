import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';
import { readZip } from '../transfer/zip-reader.js';
import { MAX_IMPORT_ENTRIES, MAX_IMPORT_ZIP_BYTES } from './import-operation.js';
import { writeZip } from '../transfer/zip-writer.js';

const UNLIMITED = { maxEntries: 1000, maxEntryBytes: () => 1 << 30, maxTotalBytes: 1 << 30 };

async function publish(ts: TestServer, dataId: string, group: string, content: string, extra: Record<string, string> = {}) {
  const r = await call(ts.url, 'POST', '/v1/cs/configs', { dataId, group, content, ...extra });
  assert.equal(r.status, 200, r.text);
}

async function exportZip(ts: TestServer, query: string): Promise<Buffer> {
  const res = await fetch(`${ts.url}/v1/cs/configs?${query}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip');
  assert.match(res.headers.get('content-disposition') ?? '', /^attachment;filename=nacos_config_export_\d{14}\.zip$/);
  return Buffer.from(await res.arrayBuffer());
}

async function importZip(ts: TestServer, zip: Buffer, query: string, field = 'file') {
  const form = new FormData();
  form.append(field, new Blob([zip]), 'configs.zip');
  const res = await fetch(`${ts.url}/v1/cs/configs?import=true&${query}`, { method: 'POST', body: form });
  const text = await res.text();
  return {
    status: res.status,
    text,
    get body() {
      return JSON.parse(text) as { code: number; message: string; data: Record<string, unknown> };
    },
  };
}

async function contentOf(ts: TestServer, dataId: string, group: string, tenant = ''): Promise<string | undefined> {
  const r = await call(ts.url, 'GET', `/v1/cs/configs?dataId=${dataId}&group=${group}&tenant=${tenant}`);
  return r.status === 200 ? r.text : undefined;
}

async function createNamespace(ts: TestServer, id: string) {
  assert.equal((await call(ts.url, 'POST', '/v1/console/namespaces', { customNamespaceId: id, namespaceName: id })).status, 200);
}

/** A zip whose central directory claims `claimed` bytes for the first entry while it inflates to far more. */
async function lyingZip(realBytes: number, claimed: number): Promise<Buffer> {
  const zip = await writeZip([{ name: 'G/bomb.txt', text: 'a'.repeat(realBytes) }]);
  const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  zip.writeUInt32LE(claimed, central + 24);
  return zip;
}

describe('config export, import and clone', () => {
  let ts: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-transfer-'));
  before(async () => {
    ts = await startTestServer({ configMaxContentBytes: 1000, dataDir: dir });
    await publish(ts, 'orders.yaml', 'SHOP', 'pool: 8', { type: 'yaml', appName: 'orders', desc: 'the orders service' });
    await publish(ts, 'orders.json', 'SHOP', '{"pool":8}', { type: 'json' });
    await publish(ts, 'pay.properties', 'PAY', 'x=1', { type: 'properties', appName: 'pay' });
  });
  after(async () => {
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('exportV2 writes group/dataId entries and .metadata.yml as Nacos dumps it', async () => {
    const files = await readZip(await exportZip(ts, 'exportV2=true&tenant=&group=SHOP'), UNLIMITED);
    assert.deepEqual(
      files.map((f) => f.name),
      ['SHOP/orders.yaml', 'SHOP/orders.json', '.metadata.yml'],
    );
    assert.equal(files[0].text, 'pool: 8');
    assert.equal(files[2].text, ['metadata:', '- appName: orders', '  dataId: orders.yaml', '  desc: the orders service', '  group: SHOP', '  type: yaml', '- dataId: orders.json', '  group: SHOP', '  type: json', ''].join('\n'));
    const byDataId = await readZip(await exportZip(ts, 'exportV2=true&dataId=*.properties'), UNLIMITED);
    assert.deepEqual(
      byDataId.map((f) => f.name),
      ['PAY/pay.properties', '.metadata.yml'],
    );
  });

  test('export (older layout) writes .meta.yml lines for configs with an appName', async () => {
    const files = await readZip(await exportZip(ts, 'export=true'), UNLIMITED);
    const meta = files.find((f) => f.name === '.meta.yml');
    assert.equal(meta?.text, 'SHOP.orders~yaml.app=orders\r\nPAY.pay~properties.app=pay\r\n');
  });

  test('export → import round trip into another namespace keeps content, type, appName and desc', async () => {
    await createNamespace(ts, 'copy');
    const zip = await exportZip(ts, 'exportV2=true');
    const imported = await importZip(ts, zip, 'namespace=copy&policy=ABORT');
    assert.equal(imported.status, 200, imported.text);
    assert.deepEqual(imported.body, { code: 200, message: 'import success', data: { succCount: 3, skipCount: 0 } });
    const detail = (await call(ts.url, 'GET', '/v1/cs/configs?dataId=orders.yaml&group=SHOP&tenant=copy&show=all')).json();
    assert.deepEqual([detail.content, detail.type, detail.appName, detail.desc], ['pool: 8', 'yaml', 'orders', 'the orders service']);
    // One history record and one journal event per config written.
    const history = (await call(ts.url, 'GET', '/v1/cs/history?search=accurate&dataId=orders.yaml&group=SHOP&tenant=copy')).json();
    assert.deepEqual(
      history.pageItems.map((h: { opType: string }) => h.opType),
      ['I'],
    );
    const events = (await call(ts.url, 'GET', '/v1/cairn/events?tenant=copy&cause=CONFIG_PUBLISHED')).json();
    assert.equal(events.total, 3);
  });

  test('policies on configs that exist: ABORT writes nothing, SKIP keeps them, OVERWRITE replaces them', async () => {
    await createNamespace(ts, 'pol');
    await publish(ts, 'orders.json', 'SHOP', '{"pool":1}', { tenant: 'pol' });
    const zip = await exportZip(ts, 'exportV2=true&group=SHOP');

    const aborted = await importZip(ts, zip, 'namespace=pol&policy=ABORT');
    assert.equal(aborted.status, 200);
    assert.deepEqual(aborted.body.data, { succCount: 0, skipCount: 1, failData: [{ dataId: 'orders.json', group: 'SHOP' }], skipData: [{ dataId: 'orders.yaml', group: 'SHOP' }] });
    assert.equal(await contentOf(ts, 'orders.yaml', 'SHOP', 'pol'), undefined, 'an aborted import writes nothing');

    const skipped = await importZip(ts, zip, 'namespace=pol&policy=SKIP');
    assert.deepEqual(skipped.body.data, { succCount: 1, skipCount: 1, skipData: [{ dataId: 'orders.json', group: 'SHOP' }] });
    assert.equal(await contentOf(ts, 'orders.json', 'SHOP', 'pol'), '{"pool":1}');
    assert.equal(await contentOf(ts, 'orders.yaml', 'SHOP', 'pol'), 'pool: 8');

    const overwritten = await importZip(ts, zip, 'namespace=pol&policy=OVERWRITE');
    assert.deepEqual(overwritten.body.data, { succCount: 2, skipCount: 0 });
    assert.equal(await contentOf(ts, 'orders.json', 'SHOP', 'pol'), '{"pool":8}');

    const bad = await call(ts.url, 'POST', '/v1/cs/configs?import=true&namespace=pol&policy=MERGE');
    assert.deepEqual([bad.status, bad.text], [400, "Param 'policy' must be one of ABORT, SKIP, OVERWRITE, got 'MERGE'."]);
  });

  test('the older layout imports, taking appName from .meta.yml; unplaceable entries are reported', async () => {
    await createNamespace(ts, 'old');
    const zip = await writeZip([
      { name: 'G/app.yaml', text: 'a: 1' },
      { name: 'G/plain', text: 'p' },
      { name: 'notes.txt', text: 'not a config' },
      { name: '.meta.yml', text: 'G.app~yaml.app=shop\r\n' },
    ]);
    const imported = await importZip(ts, zip, 'namespace=old');
    assert.deepEqual(imported.body.data, { succCount: 2, skipCount: 0, unrecognizedCount: 1, unrecognizedData: [{ itemName: 'notes.txt' }] });
    const detail = (await call(ts.url, 'GET', '/v1/cs/configs?dataId=app.yaml&group=G&tenant=old&show=all')).json();
    assert.deepEqual([detail.content, detail.appName, detail.type], ['a: 1', 'shop', 'text']);
  });

  test('refusals: Nacos codes in a RestResult with HTTP 400, and nothing written', async () => {
    const good = await writeZip([
      { name: 'G/a', text: 'a' },
      { name: '.metadata.yml', text: 'metadata:\n- dataId: a\n  group: G\n  type: text\n' },
    ]);
    const refused = async (zip: Buffer, query = 'namespace=', field = 'file') => {
      const r = await importZip(ts, zip, query, field);
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(r.body.data, { succCount: 0 });
      return [r.body.code, r.body.message] as const;
    };
    const [garbageCode, garbage] = await refused(Buffer.from('this is not a zip'));
    assert.equal(garbageCode, 100004);
    assert.match(garbage, /^the import file cannot be read: not a zip file/);
    const truncated = await writeZip([{ name: 'G/t', text: 'x'.repeat(500) }]);
    assert.equal((await refused(truncated.subarray(0, truncated.length - 30)))[0], 100004);
    const [bombCode, bomb] = await refused(await lyingZip(5_000_000, 10));
    assert.equal(bombCode, 100004);
    assert.match(bomb, /^the import file cannot be read: the zip is damaged: too many bytes in the stream/);
    assert.deepEqual(await refused(await writeZip([{ name: 'G/big', text: 'b'.repeat(1001) }])), [100004, "the import file cannot be read: entry 'G/big' unpacks to 1001 bytes, over the maximum of 1000"]);
    assert.equal((await refused(await writeZip([{ name: '.metadata.yml', text: 'metadata: [' }])))[0], 100002);
    assert.deepEqual(
      await refused(
        await writeZip([
          { name: 'G/a', text: 'a' },
          { name: '.metadata.yml', text: 'metadata:\n- dataId: a\n  group: G\n' },
        ]),
      ),
      [100002, 'the metadata of the import is not valid: .metadata.yml: metadata item 1 lacks dataId, group or type'],
    );
    assert.equal((await refused(await writeZip([{ name: 'a/b/c', text: 'deep' }])))[0], 100005);
    assert.equal((await refused(good, 'namespace=nowhere'))[0], 100001);
    assert.deepEqual(await refused(good, 'namespace=', 'upload'), [100005, "no config to write: the multipart body has no field 'file'"]);
    assert.deepEqual(await refused(Buffer.alloc(MAX_IMPORT_ZIP_BYTES + 1)), [100004, `the import file cannot be read: the zip is over the maximum of ${MAX_IMPORT_ZIP_BYTES} bytes`]);
    const crowded = await writeZip(Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, (_, i) => ({ name: `G/e${i}`, text: 'e' })));
    assert.deepEqual(await refused(crowded), [100004, `the import file cannot be read: the zip has ${MAX_IMPORT_ENTRIES + 1} entries, over the maximum of ${MAX_IMPORT_ENTRIES}`]);
    const notMultipart = await call(ts.url, 'POST', '/v1/cs/configs?import=true', { file: 'x' });
    assert.deepEqual([notMultipart.status, notMultipart.json().code], [400, 100005]);
    // A bad name inside the zip is the client's mistake too, naming the entry; nothing of the zip is written.
    const badName = await importZip(
      ts,
      await writeZip([
        { name: 'G/fine', text: 'f' },
        { name: 'G/bad name', text: 'x' },
      ]),
      'namespace=',
    );
    assert.deepEqual([badName.status, badName.text], [400, "entry 'G/bad name': invalid dataId"]);
    assert.equal(await contentOf(ts, 'fine', 'G'), undefined);
    assert.equal(await contentOf(ts, 'a', 'G'), undefined);
  });

  test('clone copies by id into a namespace, under a new name when given, with the policies', async () => {
    await createNamespace(ts, 'clone');
    const page = (await call(ts.url, 'GET', '/v1/cs/configs?search=accurate&group=SHOP')).json();
    const [yaml, json] = page.pageItems as { id: string; dataId: string }[];
    assert.deepEqual([yaml.dataId, json.dataId], ['orders.yaml', 'orders.json']);
    const clone = async (body: unknown, query: string) => {
      const res = await fetch(`${ts.url}/v1/cs/configs?clone=true&${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { code: number; message: string; data: Record<string, unknown> } };
    };
    const first = await clone([{ cfgId: Number(yaml.id), dataId: 'orders-copy.yaml', group: 'COPY' }, { cfgId: json.id, dataId: '', group: null }, { cfgId: 999_999 }], 'tenant=clone&policy=ABORT');
    assert.deepEqual([first.status, first.body], [200, { code: 200, message: 'Clone Completed Successfully', data: { succCount: 2, skipCount: 0 } }]);
    const detail = (await call(ts.url, 'GET', '/v1/cs/configs?dataId=orders-copy.yaml&group=COPY&tenant=clone&show=all')).json();
    assert.deepEqual([detail.content, detail.type, detail.appName, detail.desc], ['pool: 8', 'yaml', 'orders', 'the orders service']);
    assert.equal(await contentOf(ts, 'orders.json', 'SHOP', 'clone'), '{"pool":8}');

    const again = await clone([{ cfgId: json.id }], 'tenant=clone&policy=SKIP');
    assert.deepEqual(again.body.data, { succCount: 0, skipCount: 1, skipData: [{ dataId: 'orders.json', group: 'SHOP' }] });
    assert.deepEqual([(await clone([], 'tenant=clone')).status, (await clone([], 'tenant=clone')).body.code], [400, 100006]);
    assert.equal((await clone([{ cfgId: 999_999 }], 'tenant=clone')).body.code, 100005);
    assert.equal((await clone([{ cfgId: json.id }], 'tenant=nowhere')).body.code, 100001);
    const notList = await call(ts.url, 'POST', '/v1/cs/configs?clone=true&tenant=clone', { cfgId: '1' });
    assert.equal(notList.status, 400);
    assert.match(notList.text, /clone takes a JSON array body/);
  });

  test('what an import wrote is stored: it is there after a restart on the same data', async () => {
    await createNamespace(ts, 'kept');
    const zip = await writeZip([
      { name: 'K/one', text: 'first' },
      { name: 'K/two', text: 'second' },
      { name: '.metadata.yml', text: 'metadata:\n- dataId: one\n  group: K\n  type: text\n- dataId: two\n  group: K\n  type: yaml\n' },
    ]);
    assert.equal((await importZip(ts, zip, 'namespace=kept')).body.data.succCount, 2);
    await ts.close();
    ts = await startTestServer({ configMaxContentBytes: 1000, dataDir: dir });
    assert.equal(await contentOf(ts, 'one', 'K', 'kept'), 'first');
    assert.equal(await contentOf(ts, 'two', 'K', 'kept'), 'second');
  });
});
