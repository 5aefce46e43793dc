import { repoRoot, spawnServer, type SpawnedServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, ConsoleErrors, launchChromium } from './browser.js';
import { configInfo, hasConfigSearch, publishConfig } from './config-fixture.js';
import { api } from './fixture.js';

const SHOTS = join(repoRoot(), 'test-artifacts', 'console');

const APP_YAML = 'server:\n  port: 8080\nfeature:\n  search: false\n  cache: true\n';
const DB_PROPS = 'db.url=jdbc:mysql://127.0.0.1/shop\ndb.pool=10\n';

const noBrowser = !existsSync(CHROMIUM) && process.env.CAIRN_REQUIRE_BROWSER !== '1' ? `${CHROMIUM} is missing (apt-get install chromium); set CAIRN_REQUIRE_BROWSER=1 to fail instead` : undefined;

describe('config pages of the console in headless Chromium against a real server', { timeout: 90_000, skip: noBrowser }, () => {
  let server: SpawnedServer;
  let browser: Browser;
  let page: Page;
  let errors: ConsoleErrors;
  let base: string;

  const configRow = (dataId: string, group = 'DEFAULT_GROUP') => page.locator(`tr[data-config="${group}/${dataId}"]`);
  const editor = () => page.getByLabel('Content', { exact: true });

  before(async () => {
    assert.ok(existsSync(join(repoRoot(), 'packages/console/dist/web/index.html')), 'console not built: run `npm run build -w @cairn/console`');
    mkdirSync(SHOTS, { recursive: true });
    server = await spawnServer();
    base = server.url;
    await publishConfig(base, { dataId: 'app.yaml' }, APP_YAML, { type: 'yaml', appName: 'shop' });
    await publishConfig(base, { dataId: 'db.properties', group: 'DB' }, DB_PROPS, { type: 'properties' });
    for (let i = 0; i < 24; i++) await publishConfig(base, { dataId: `cfg-${String(i).padStart(2, '0')}` }, `value ${i}`);
    await api(base, 'POST', '/v1/console/namespaces', { customNamespaceId: 'dev', namespaceName: 'dev', namespaceDesc: '' });
    await publishConfig(base, { dataId: 'dev-only.json', tenant: 'dev' }, '{"dev": true}', { type: 'json' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = new ConsoleErrors(page);
    // Until the search API is on this server, the list learns so from one refused request per page load and
    // filters the namespace's catalogue itself.
    if (!(await hasConfigSearch(base))) errors.tolerate(/search=blur/);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the config list shows the namespace, pages, searches, and follows the namespace switch', async () => {
    await page.goto(`${base}/configs`);
    await configRow('app.yaml').waitFor();
    await page.getByText('Page 1 of 2 (26 configs)').waitFor();
    assert.equal(await configRow('app.yaml').locator('td').nth(3).textContent(), 'shop');
    await page.screenshot({ path: join(SHOTS, 'configs.png') });

    await page.getByLabel(/^Data ID/).fill('cfg-1*');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/nacos\/configs\?dataId=cfg-1\*$/);
    // The unfiltered first page has 20 rows: wait for the filtered list itself.
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 10);
    assert.deepEqual(
      (await page.locator('tbody tr td:first-child').allTextContents()).sort(),
      Array.from({ length: 10 }, (_, i) => `cfg-1${i}`),
    );

    await page.getByLabel(/^Data ID/).fill('');
    await page.getByLabel('Group').fill('DB');
    await page.getByRole('button', { name: 'Search' }).click();
    await configRow('db.properties', 'DB').waitFor();
    assert.equal(await page.locator('tbody tr').count(), 1);

    await page.goto(`${base}/configs`);
    await configRow('app.yaml').waitFor();
    await page.locator('header .ns-switch select').selectOption('dev');
    await page.waitForURL(/\/nacos\/configs\?namespace=dev$/);
    await configRow('dev-only.json').waitFor();
    assert.equal(await configRow('app.yaml').count(), 0, 'configs of public are not listed in dev');
  });

  test('the editor checks JSON, YAML and properties, names the line, and refuses to publish an error', async () => {
    await page.goto(`${base}/configs`);
    await page.getByRole('link', { name: 'Create config' }).click();
    await page.waitForURL(/\/nacos\/configs\/new$/);
    await page.getByLabel('Data ID').fill('flags.json');
    await page.getByLabel('Type').selectOption('json');
    await editor().fill('{\n  "search": true,\n}');
    const problems = page.getByTestId('syntax-problems');
    await problems.getByText('Line 3, column 1').waitFor();
    assert.match((await problems.textContent()) ?? '', /Error: trailing comma before \}/);
    assert.equal(await page.locator('.code-editor .gutter .error').textContent(), '3', 'the gutter marks line 3');
    await page.screenshot({ path: join(SHOTS, 'config-editor-error.png') });
    await page.getByRole('button', { name: 'Review and publish' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'before publishing' });
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'Fix the JSON error on line 3 before publishing: trailing comma before }');
    assert.equal(await configInfo(base, { dataId: 'flags.json' }), undefined, 'nothing was published');

    await page.getByLabel('Type').selectOption('yaml');
    await editor().fill('a: 1\n\nb: [1, 2\n\nc: 3\n');
    await problems.getByText(/^Line 5/).waitFor();
    // The coloured copy behind the text area keeps its lines level with the line numbers, blank lines included.
    const tops = await page.evaluate(() => {
      const y = (el: Element | null) => Math.round(el?.getBoundingClientRect().top ?? -1);
      return [y(document.querySelector('.code-editor .gutter .error')), y(document.querySelector('.code-area pre .line.error'))];
    });
    assert.equal(tops[0], tops[1], 'the marked line number and the marked line sit at the same height');
    await page.getByLabel('Type').selectOption('properties');
    await editor().fill('a=1\nname=caf\\u00zz\n');
    await problems.getByText('Line 2, column 9').waitFor();
    assert.match((await problems.textContent()) ?? '', /malformed \\uxxxx escape/);

    await page.getByLabel('Type').selectOption('json');
    await editor().fill('{\n  "search": true,\n  "beta": false\n}');
    await page.getByText('Valid JSON.').waitFor();
    await page.getByRole('button', { name: 'Review and publish' }).click();
    const diff = page.getByTestId('diff');
    await diff.getByText('4 lines added').waitFor();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.waitForURL(/\/nacos\/configs\/DEFAULT_GROUP\/flags\.json$/);
    await page.getByRole('region', { name: 'Content of flags.json' }).getByText('"beta": false').waitFor();
    const stored = await configInfo(base, { dataId: 'flags.json' });
    assert.deepEqual([stored?.content, stored?.type], ['{\n  "search": true,\n  "beta": false\n}', 'json']);
  });

  test('an edit shows its line diff against the current version before it is published', async () => {
    await page.goto(`${base}/configs/DEFAULT_GROUP/app.yaml`);
    await page.getByRole('region', { name: 'Content of app.yaml' }).getByText('search: false').waitFor();
    await page.getByRole('link', { name: 'Edit config' }).click();
    await page.waitForURL(/app\.yaml\/edit$/);
    await editor().fill(APP_YAML.replace('search: false', 'search: true'));
    await page.getByLabel('App').fill('shop-web');
    await page.getByRole('button', { name: 'Review and publish' }).click();
    const diff = page.getByTestId('diff');
    await diff.waitFor();
    assert.deepEqual(await diff.locator('tr[data-kind="del"] td.code').allTextContents(), ['removed:   search: false']);
    assert.deepEqual(await diff.locator('tr[data-kind="add"] td.code').allTextContents(), ['added:   search: true']);
    await page.getByText('App: shop → shop-web').waitFor();
    await page.screenshot({ path: join(SHOTS, 'config-review.png') });
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.waitForURL(/\/configs\/DEFAULT_GROUP\/app\.yaml$/);
    const stored = await configInfo(base, { dataId: 'app.yaml' });
    assert.deepEqual([stored?.content, stored?.appName], [APP_YAML.replace('search: false', 'search: true'), 'shop-web']);
  });

  test("a publish over another operator's change is refused and shows their change as a diff", async () => {
    const key = { dataId: 'db.properties', group: 'DB' };
    await page.goto(`${base}/configs/DB/db.properties/edit`);
    await editor().waitFor();
    assert.equal(await editor().inputValue(), DB_PROPS);
    // Another operator publishes while this editor is open.
    await publishConfig(base, key, DB_PROPS.replace('db.pool=10', 'db.pool=50'), { type: 'properties' });
    await editor().fill(DB_PROPS.replace('db.pool=10', 'db.pool=20'));
    await page.getByRole('button', { name: 'Review and publish' }).click();
    errors.expect(/status of 500/);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    assert.match((await conflict.textContent()) ?? '', /Someone else published this config after you opened it\. Your version was not published\./);
    const diff = page.getByTestId('diff');
    assert.deepEqual(await diff.locator('tr[data-kind="del"] td.code').allTextContents(), ['removed: db.pool=50']);
    assert.deepEqual(await diff.locator('tr[data-kind="add"] td.code').allTextContents(), ['added: db.pool=20']);
    assert.match((await configInfo(base, key))?.content ?? '', /db\.pool=50/, "their version is still the server's");
    await page.screenshot({ path: join(SHOTS, 'config-conflict.png') });

    await page.getByRole('button', { name: 'Publish mine over theirs' }).click();
    await page.waitForURL(/\/configs\/DB\/db\.properties$/);
    assert.match((await configInfo(base, key))?.content ?? '', /db\.pool=20/);

    // Creating a config that exists shows it instead of overwriting it.
    await page.goto(`${base}/configs/new`);
    await page.getByLabel('Data ID').fill('db.properties');
    await page.getByLabel('Group').fill('DB');
    await editor().fill('other=1');
    await page.getByRole('button', { name: 'Review and publish' }).click();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByTestId('conflict').getByText('A config with this Data ID and group already exists.').waitFor();
    assert.match((await configInfo(base, key))?.content ?? '', /db\.pool=20/, 'the existing config is untouched');
  });

  test('the history lists each version and compares one with the current version', async () => {
    await page.goto(`${base}/configs/DEFAULT_GROUP/app.yaml`);
    await page.getByRole('navigation', { name: 'Config pages' }).getByRole('link', { name: 'History' }).click();
    await page.waitForURL(/app\.yaml\/history$/);
    const rows = page.locator('tr[data-history]');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await rows.locator('td:nth-child(2)').allTextContents(), ['updated', 'created']);
    await rows
      .nth(1)
      .getByRole('link', { name: /^Compare/ })
      .click();
    await page.waitForURL(/history\?nid=\d+$/);
    const diff = page.getByTestId('diff');
    // The version loads after the address changes: wait for its diff before reading it.
    await diff.locator('tr[data-kind="del"]').first().waitFor();
    assert.deepEqual(await diff.locator('tr[data-kind="del"] td.code').allTextContents(), ['removed:   search: false']);
    assert.deepEqual(await diff.locator('tr[data-kind="add"] td.code').allTextContents(), ['added:   search: true']);
    await page.getByRole('button', { name: /^Roll back to #\d+$/ }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'config-history.png'), fullPage: true });
    // The newest version holds the current content: nothing to roll back to.
    await rows
      .nth(0)
      .getByRole('link', { name: /^Compare/ })
      .click();
    await page.getByText('No change in the content').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Roll back to/ }).isDisabled(), true);
  });

  test('a config is deleted from its page; its page then says so and points to the history', async () => {
    await page.goto(`${base}/configs/DEFAULT_GROUP/cfg-00`);
    await page.getByRole('button', { name: 'Delete config' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/nacos\/configs$/);
    await configRow('app.yaml').waitFor();
    assert.equal(await configRow('cfg-00').count(), 0);
    assert.equal(await configInfo(base, { dataId: 'cfg-00' }), undefined);
    await page.goto(`${base}/configs/DEFAULT_GROUP/cfg-00`);
    await page.getByText('No config cfg-00 in group DEFAULT_GROUP').waitFor();
  });

  test('at phone width the editor and the config page do not overflow sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/configs/DEFAULT_GROUP/app.yaml/edit', '/configs/DEFAULT_GROUP/app.yaml', '/configs']) {
      await page.goto(`${base}${path}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path} is ${overflow} px wider than the screen`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('the browser logged no errors', () => {
    assert.deepEqual(errors.errors, []);
  });
});
