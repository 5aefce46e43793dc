import { repoRoot, spawnServer, type SpawnedServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, ConsoleErrors, launchChromium } from './browser.js';
import { configInfo, hasConfigSearch, hasEndpoint, publishConfig } from './config-fixture.js';
import { api } from './fixture.js';

/**
 * The console's config features whose server APIs land on other branches: rollback, gray release (beta publish,
 * stop, promote), listeners (the config diagnosis), import/export, and the config search. Each case first asks
 * the server whether its API is there and skips, saying which, while it is not.
 */

const SHOTS = join(repoRoot(), 'test-artifacts', 'console');

const noBrowser = !existsSync(CHROMIUM) && process.env.CAIRN_REQUIRE_BROWSER !== '1' ? `${CHROMIUM} is missing (apt-get install chromium); set CAIRN_REQUIRE_BROWSER=1 to fail instead` : undefined;

describe('config pages that need the gray, ops and diagnosis APIs, in headless Chromium', { timeout: 90_000, skip: noBrowser }, () => {
  let server: SpawnedServer;
  let browser: Browser;
  let page: Page;
  let errors: ConsoleErrors;
  let base: string;

  /** Skips the case when the server lacks the endpoint; answers whether the case should go on. */
  async function needs(t: TestContext, method: string, path: string): Promise<boolean> {
    if (await hasEndpoint(base, method, path)) return true;
    t.skip(`${method} ${path} answers 404 on this server (its API is not merged yet)`);
    return false;
  }

  before(async () => {
    assert.ok(existsSync(join(repoRoot(), 'packages/console/dist/web/index.html')), 'console not built: run `npm run build -w @cairn/console`');
    mkdirSync(SHOTS, { recursive: true });
    server = await spawnServer();
    base = server.url;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = new ConsoleErrors(page);
    if (!(await hasConfigSearch(base))) errors.tolerate(/search=blur/);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the history rolls a config back to a chosen version', async (t) => {
    if (!(await needs(t, 'POST', '/v1/cairn/config/rollback'))) return;
    await publishConfig(base, { dataId: 'rollme' }, 'version=1');
    await publishConfig(base, { dataId: 'rollme' }, 'version=2');
    await page.goto(`${base}/configs/DEFAULT_GROUP/rollme/history`);
    const rows = page.locator('tr[data-history]');
    await rows.nth(1).waitFor();
    await rows
      .nth(1)
      .getByRole('link', { name: /^Compare/ })
      .click();
    await page.getByRole('button', { name: /^Roll back to #\d+$/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
    await page.waitForURL(/\/configs\/DEFAULT_GROUP\/rollme$/);
    await page.getByRole('region', { name: 'Content of rollme' }).getByText('version=1').waitFor();
    assert.equal((await configInfo(base, { dataId: 'rollme' }))?.content, 'version=1');
    const history = await api(base, 'GET', '/v1/cs/history', { search: 'accurate', dataId: 'rollme', group: 'DEFAULT_GROUP', tenant: '' });
    assert.equal(history.totalCount, 3, 'the rollback is a new version; the history keeps all three');
  });

  test('a beta is published to an IP list, stopped, published again and promoted', async (t) => {
    if (!(await needs(t, 'GET', '/v1/cairn/config/gray'))) return;
    if (!(await needs(t, 'POST', '/v1/cairn/config/gray/promote'))) return;
    const key = { dataId: 'beta.properties' };
    const betaOf = async () => (await api(base, 'GET', '/v1/cs/configs', { beta: true, dataId: key.dataId, group: 'DEFAULT_GROUP', tenant: '' })).data;
    await publishConfig(base, key, 'timeout=5', { type: 'properties' });
    await page.goto(`${base}/configs/DEFAULT_GROUP/beta.properties/beta`);
    await page.getByText('No beta: every client gets the main version.').waitFor();
    await page.getByRole('button', { name: 'Publish a beta' }).click();
    await page.getByLabel(/^Client IPs/).fill('127.0.0.9, not-an-ip');
    await page.getByLabel('Beta content', { exact: true }).fill('timeout=9');
    await page.getByRole('button', { name: 'Review beta' }).click();
    await page.getByRole('alert').getByText('Not an IP address: not-an-ip').waitFor();
    await page.getByLabel(/^Client IPs/).fill('127.0.0.9\n127.0.0.10');
    await page.getByRole('button', { name: 'Review beta' }).click();
    assert.deepEqual(await page.getByTestId('diff').locator('tr[data-kind="add"] td.code').allTextContents(), ['added: timeout=9']);
    await page.getByRole('button', { name: 'Publish beta' }).click();
    await page.getByTestId('beta-ips').getByText('127.0.0.9, 127.0.0.10').waitFor();
    await page.screenshot({ path: join(SHOTS, 'config-beta.png'), fullPage: true });
    const beta = await betaOf();
    assert.deepEqual([beta?.content, String(beta?.betaIps)], ['timeout=9', '127.0.0.9,127.0.0.10']);
    assert.equal((await configInfo(base, key))?.content, 'timeout=5', 'the main version is unchanged');

    await page.getByRole('button', { name: 'Stop beta' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Stop beta' }).click();
    await page.getByText('No beta: every client gets the main version.').waitFor();
    assert.equal(await betaOf(), null);

    await page.getByRole('button', { name: 'Publish a beta' }).click();
    await page.getByLabel(/^Client IPs/).fill('127.0.0.9');
    await page.getByLabel('Beta content', { exact: true }).fill('timeout=7');
    await page.getByRole('button', { name: 'Review beta' }).click();
    await page.getByRole('button', { name: 'Publish beta' }).click();
    await page.getByTestId('beta-ips').waitFor();
    await page.getByRole('button', { name: 'Promote to main' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Promote' }).click();
    await page.getByText('No beta: every client gets the main version.').waitFor();
    assert.equal((await configInfo(base, key))?.content, 'timeout=7');
    assert.equal(await betaOf(), null);
  });

  test("a config's listeners show with the md5 they hold", async (t) => {
    if (!(await needs(t, 'GET', '/v1/cairn/config/diagnosis'))) return;
    await publishConfig(base, { dataId: 'watched.yaml' }, 'a: 1', { type: 'yaml' });
    const md5 = (await configInfo(base, { dataId: 'watched.yaml' }))?.md5 ?? '';
    // A client's long poll holding the current md5: the server keeps it open, listening.
    const poll = new AbortController();
    const held = fetch(`${base}/v1/cs/configs/listener`, {
      method: 'POST',
      signal: poll.signal,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'Long-Pulling-Timeout': '30000' },
      body: new URLSearchParams({ 'Listening-Configs': `watched.yaml\x02DEFAULT_GROUP\x02${md5}\x01` }).toString(),
    }).catch(() => undefined);
    try {
      await page.goto(`${base}/configs/DEFAULT_GROUP/watched.yaml/listeners`);
      const row = page.locator('tr[data-listener="127.0.0.1"]');
      await row.waitFor();
      assert.equal(await row.locator('.badge').textContent(), 'up to date');
      assert.equal(await row.locator('td').nth(2).textContent(), md5);
      await page.getByTestId('config-diagnosis').waitFor();
      await page.screenshot({ path: join(SHOTS, 'config-listeners.png') });
    } finally {
      poll.abort();
      await held;
    }
  });

  test("a namespace's configs are exported as a zip and imported back", async (t) => {
    const exported = await fetch(`${base}/v1/cs/configs?exportV2=true&tenant=`);
    if (exported.status !== 200 || !/zip/.test(exported.headers.get('content-type') ?? '')) {
      t.skip(`GET /v1/cs/configs?exportV2=true answers ${exported.status} (${exported.headers.get('content-type')}), not a zip: the export/import API is not merged yet`);
      return;
    }
    await api(base, 'POST', '/v1/console/namespaces', { customNamespaceId: 'transfer', namespaceName: 'transfer', namespaceDesc: '' });
    for (const dataId of ['exp-a', 'exp-b']) await publishConfig(base, { dataId, tenant: 'transfer' }, `${dataId}=1`);
    await page.goto(`${base}/configs?namespace=transfer`);
    await page.locator('tr[data-config="DEFAULT_GROUP/exp-a"]').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    const file = join(mkdtempSync(join(tmpdir(), 'cairn-export-')), 'configs.zip');
    await (await download).saveAs(file);
    assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK', 'the download is a zip');

    await api(base, 'DELETE', '/v1/cs/configs', { dataId: 'exp-a', group: 'DEFAULT_GROUP', tenant: 'transfer' });
    await page.getByRole('button', { name: 'Import' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Zip file/).setInputFiles(file);
    await dialog.getByLabel('When a config already exists').selectOption('SKIP');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await page.getByTestId('import-result').getByText('Imported 1, skipped 1').waitFor();
    assert.equal((await configInfo(base, { dataId: 'exp-a', tenant: 'transfer' }))?.content, 'exp-a=1');
  });

  test('the list searches with the server search API', async (t) => {
    if (!(await hasConfigSearch(base))) {
      t.skip('GET /v1/cs/configs?search=blur is not a search on this server (the search API is not merged yet)');
      return;
    }
    await publishConfig(base, { dataId: 'search-me.yaml' }, 'a: 1', { type: 'yaml', appName: 'finder' });
    await publishConfig(base, { dataId: 'other.yaml' }, 'a: 1', { type: 'yaml' });
    const searched = page.waitForResponse((r) => r.url().includes('search=blur') && r.url().includes('dataId=*search*') && r.status() === 200);
    await page.goto(`${base}/configs?dataId=search`);
    await searched;
    await page.locator('tr[data-config="DEFAULT_GROUP/search-me.yaml"]').waitFor();
    assert.equal(await page.locator('tbody tr').count(), 1);
    await page.goto(`${base}/configs?appName=finder`);
    await page.locator('tr[data-config="DEFAULT_GROUP/search-me.yaml"]').waitFor();
    assert.equal(await page.locator('tr[data-config="DEFAULT_GROUP/other.yaml"]').count(), 0);
  });

  test('the browser logged no errors', () => {
    assert.deepEqual(errors.errors, []);
  });
});
