import { repoRoot, spawnServer, type SpawnedServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ConsoleErrors, launchChromium, NO_BROWSER } from './browser.js';
import { freePort, GrpcNamingClient } from './grpc-fixture.js';

const SHOTS = join(repoRoot(), 'test-artifacts', 'console');

describe('the connections page in headless Chromium against a real server with gRPC clients', { timeout: 60_000, skip: NO_BROWSER }, () => {
  let server: SpawnedServer;
  let browser: Browser;
  let page: Page;
  let errors: ConsoleErrors;
  let client: GrpcNamingClient;

  before(async () => {
    assert.ok(existsSync(join(repoRoot(), 'packages/console/dist/web/index.html')), 'console not built: run `npm run build -w @cairn/console`');
    mkdirSync(SHOTS, { recursive: true });
    const grpcPort = await freePort();
    server = await spawnServer(['--grpc-port', String(grpcPort)]);
    client = await GrpcNamingClient.connect(grpcPort, 'checkout');
    const registered = await client.request('InstanceRequest', { namespace: '', serviceName: 'orders', groupName: 'DEFAULT_GROUP', type: 'registerInstance', instance: { ip: '127.0.0.1', port: 9100 } });
    assert.equal(registered.type, 'InstanceResponse', JSON.stringify(registered.body));
    await client.request('SubscribeServiceRequest', { namespace: '', serviceName: 'inventory', groupName: 'DEFAULT_GROUP', subscribe: true, clusters: '' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = new ConsoleErrors(page);
  });

  after(async () => {
    client?.close();
    await browser?.close();
    await server?.stop();
  });

  test('lists each connection with its client, what it registers and subscribes; a closed one leaves', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Connections' }).click();
    const row = page.locator(`tr[data-connection="${client.connectionId}"]`);
    await row.waitFor();
    assert.match(page.url(), /\/nacos\/connections$/);
    assert.equal(await row.locator('[data-col="app"]').textContent(), 'checkout');
    assert.match((await row.textContent()) ?? '', /Nacos-Java-Client:v2\.3\.2/);
    assert.equal(await row.locator('[data-col="published"]').textContent(), 'orders 127.0.0.1:9100');
    assert.equal(await row.locator('[data-col="subscribed"]').textContent(), 'inventory');
    await page.screenshot({ path: join(SHOTS, 'connections.png') });

    // A service link leads to the service's page.
    await row.locator('[data-col="published"]').getByRole('link', { name: 'orders' }).click();
    await page.getByRole('heading', { name: /orders/ }).waitFor();
    await page.goBack();

    client.close();
    await page.getByText('No client is connected over gRPC.').waitFor();
  });

  test('the browser logged no errors', () => {
    assert.deepEqual(errors.errors, []);
  });
});
