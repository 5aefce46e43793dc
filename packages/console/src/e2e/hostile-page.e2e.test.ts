import { spawnServer, type SpawnedServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, NO_BROWSER } from './browser.js';
import { api } from './fixture.js';

// Chromium resolves this made-up name to loopback: the second answer of a DNS rebinding attack, for real.
const REBOUND = 'rebind.attacker.test';
const SITE = 'attacker.test';

/** What a hostile page's script does: POST a new service to the given URL; resolves to the status or the failure. */
const ATTACK = `<!doctype html><script>
window.attack = (url) => fetch(url, { method: 'POST' }).then((r) => r.status, (e) => 'failed: ' + e.message);
</script>`;

describe('a hostile page in headless Chromium against a loopback server with auth off', { timeout: 60_000, skip: NO_BROWSER }, () => {
  let server: SpawnedServer;
  let browser: Browser;
  let page: Page;
  let port: string;

  before(async () => {
    server = await spawnServer();
    port = new URL(server.url).port;
    // Chromium's own guard against pages calling local addresses is off: the server must stand without it (other
    // browsers and older Chromiums have none, and a rebound page is not seen as public by every browser).
    browser = await launchChromium([
      `--host-resolver-rules=MAP ${REBOUND} 127.0.0.1`,
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults',
    ]);
    page = await browser.newPage();
    // The hostile page itself, as the attacker's server answered it before the name was re-pointed.
    for (const host of [`${REBOUND}:${port}`, SITE]) {
      await page.route(`http://${host}/attack.html`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: ATTACK }));
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const serviceNames = async () => ((await api(server.url, 'GET', '/v1/ns/service/list', { pageNo: 1, pageSize: 100 })) as { doms: string[] }).doms;

  test('DNS rebinding: the page, now same-origin with the server by its name, creates no service and reads nothing', async () => {
    await page.goto(`http://${REBOUND}:${port}/attack.html`);
    const status = await page.evaluate((url) => (window as unknown as { attack: (u: string) => Promise<unknown> }).attack(url), `/nacos/v1/ns/service?serviceName=rebound&protectThreshold=0`);
    assert.equal(status, 403);
    assert.deepEqual(await serviceNames(), []);
    const read = await page.goto(`http://${REBOUND}:${port}/nacos/v1/ns/service/list?pageNo=1&pageSize=10`);
    assert.equal(read?.status(), 403);
    assert.match((await read?.text()) ?? '', /Host header.*--allowed-hosts/);
  });

  test("another site's page posting to the server is refused by its Origin", async () => {
    await page.goto(`http://${SITE}/attack.html`);
    await page.evaluate((url) => (window as unknown as { attack: (u: string) => Promise<unknown> }).attack(url), `http://127.0.0.1:${port}/nacos/v1/ns/service?serviceName=cross-site&protectThreshold=0`);
    assert.deepEqual(await serviceNames(), []);
  });

  test('the console at its own address loads with its security headers', async () => {
    const res = await page.goto(`${server.url}/`);
    assert.equal(res?.status(), 200);
    const headers = res?.headers() ?? {};
    assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.equal(headers['x-content-type-options'], 'nosniff');
  });
});
