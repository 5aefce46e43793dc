import { repoRoot, spawnServer, type SpawnedServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ConsoleErrors, launchChromium, NO_BROWSER } from './browser.js';
import { api, register } from './fixture.js';

const SHOTS = join(repoRoot(), 'test-artifacts', 'console');
const ADMIN_PASSWORD = 'console-admin-password';

/** Logs in over HTTP (as a script would) and answers the status, the body and `Retry-After`. */
async function login(base: string, username: string, password: string): Promise<{ status: number; body: string; retryAfter: string | null }> {
  const res = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }).toString() });
  return { status: res.status, body: await res.text(), retryAfter: res.headers.get('retry-after') };
}

async function tokenOf(base: string, username: string, password: string): Promise<string> {
  const res = await login(base, username, password);
  assert.equal(res.status, 200, res.body);
  return (JSON.parse(res.body) as { accessToken: string }).accessToken;
}

describe('the console with auth on, in headless Chromium against a real server', { timeout: 90_000, skip: NO_BROWSER }, () => {
  let server: SpawnedServer;
  let base: string;
  let browser: Browser;
  let page: Page;
  let errors: ConsoleErrors;
  let adminToken: string;

  const submitLogin = async (username: string, password: string) => {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  };
  const nav = () => page.getByRole('navigation', { name: 'Main' });

  before(async () => {
    assert.ok(existsSync(join(repoRoot(), 'packages/console/dist/web/index.html')), 'console not built: run `npm run build -w @cairn/console`');
    mkdirSync(SHOTS, { recursive: true });
    server = await spawnServer(['--auth-enabled', 'true'], { CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD });
    base = server.url;
    adminToken = await tokenOf(base, 'nacos', ADMIN_PASSWORD);
    await register(base, { service: 'orders', ip: '127.0.0.1', port: 9001 }, { accessToken: adminToken });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = new ConsoleErrors(page);
    // Refusals are this file's subject: the browser logs each refused request (403, 429) as an error.
    errors.tolerate(/the server responded with a status of (403|429)/);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the console opens at the login page, keeping the page asked for; a wrong password is refused clearly', async () => {
    await page.goto(`${base}/configs?namespace=public`);
    await page.getByRole('heading', { name: 'Log in to Cairn' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/nacos/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/nacos/configs?namespace=public');
    assert.equal(await nav().count(), 0, 'no navigation before the login');
    await submitLogin('nacos', 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'Wrong username or password (the server said: user not found!).');
    await page.screenshot({ path: join(SHOTS, 'login-refused.png') });
  });

  test('the admin logs in, returns to that page, and the services page loads with data', async () => {
    await submitLogin('nacos', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Configs' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/nacos/configs');
    assert.match((await page.locator('header .who').textContent()) ?? '', /Signed in as nacos \(admin\)/);
    for (const name of ['Connections', 'Users', 'Roles', 'Permissions']) assert.equal(await nav().getByRole('link', { name }).count(), 1, `${name} is in the admin's header`);
    await nav().getByRole('link', { name: 'Services' }).click();
    await page.locator('tr[data-service="orders"]').waitFor();
    // The token survives a reload (sessionStorage) and goes in a header, never in the address.
    await page.reload();
    await page.locator('tr[data-service="orders"]').waitFor();
    assert.doesNotMatch(page.url(), /accessToken/);
  });

  test('the admin creates a user, a role and a permission through the pages', async () => {
    await nav().getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.locator('tr[data-user="nacos"]').waitFor();
    await page.getByRole('button', { name: 'Create user' }).click();
    let dialog = page.getByRole('dialog', { name: 'Create user' });
    await dialog.getByLabel('User name').fill('alice');
    await dialog.getByLabel('Password', { exact: true }).fill('alice-password-1');
    await dialog.getByLabel('Repeat the password').fill('alice-password-2');
    await dialog.getByRole('button', { name: 'Create' }).click();
    assert.equal(await dialog.getByRole('alert').textContent(), 'The two passwords differ.');
    await dialog.getByLabel('Repeat the password').fill('alice-password-1');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.locator('tr[data-user="alice"]').waitFor();

    await nav().getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('button', { name: 'Assign role' }).click();
    dialog = page.getByRole('dialog', { name: 'Assign a role' });
    await dialog.getByLabel(/^Role/).fill('readers');
    await dialog.getByLabel('User name').fill('alice');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await page.locator('tr[data-role="readers"][data-user="alice"]').waitFor();

    await nav().getByRole('link', { name: 'Permissions' }).click();
    await page.getByRole('button', { name: 'Add permission' }).click();
    dialog = page.getByRole('dialog', { name: 'Add a permission' });
    await dialog.getByLabel('Role').fill('readers');
    await dialog.getByLabel(/^Resource pattern/).fill(':*:*');
    await dialog.getByLabel('Action').selectOption('r');
    await dialog.getByRole('button', { name: 'Add' }).click();
    const grant = page.locator('tr[data-role="readers"][data-resource=":*:*"]');
    await grant.waitFor();
    assert.equal(await grant.locator('[data-col="action"]').textContent(), 'read');
    await page.screenshot({ path: join(SHOTS, 'permissions.png') });

    // What the pages did is on the server.
    const roles = await api(base, 'GET', '/v1/auth/roles', { search: 'accurate', username: 'alice', pageNo: 1, pageSize: 10, accessToken: adminToken });
    assert.deepEqual(
      roles.pageItems.map((r: { role: string }) => r.role),
      ['readers'],
    );
  });

  test('logout forgets the token and returns to the login page', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to Cairn' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/nacos/login');
    assert.equal(await page.getByRole('status').textContent(), 'You logged out.');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('cairn.session')), null);
    // A page asked for by address leads back to the login.
    await page.goto(`${base}/services`);
    await page.getByRole('heading', { name: 'Log in to Cairn' }).waitFor();
  });

  test('a user who is not an admin sees no admin pages, and a refused write says why', async () => {
    await submitLogin('alice', 'alice-password-1');
    await page.locator('tr[data-service="orders"]').waitFor();
    assert.match((await page.locator('header .who').textContent()) ?? '', /Signed in as alice/);
    assert.doesNotMatch((await page.locator('header .who').textContent()) ?? '', /admin/);
    for (const name of ['Connections', 'Users', 'Roles', 'Permissions']) assert.equal(await nav().getByRole('link', { name }).count(), 0, `${name} is hidden from a user who is not an admin`);

    // The create is refused by the server (alice may only read): the dialog says so and stays open.
    await page.getByRole('button', { name: 'Create service' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create service' });
    await dialog.getByLabel('Service name').fill('payments');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor();
    assert.match((await refusal.textContent()) ?? '', /^Your user may not do this\. The server said: authorization failed! no role of this user may write ':DEFAULT_GROUP:naming\/payments'/);
    await page.screenshot({ path: join(SHOTS, 'write-refused.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Namespaces are read-only; an admin page's address says it is for admins.
    await nav().getByRole('link', { name: 'Namespaces' }).click();
    await page.locator('tr[data-namespace="public"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create namespace' }).count(), 0);
    await page.goto(`${base}/users`);
    await page.getByRole('heading', { name: 'For administrators only' }).waitFor();
    await page.goto(`${base}/connections`);
    await page.getByRole('heading', { name: 'For administrators only' }).waitFor();
  });

  test('a token the server no longer accepts (password changed) leads to the login page, keeping the page', async () => {
    await page.goto(`${base}/services?name=ord`);
    await page.locator('tr[data-service="orders"]').waitFor();
    await api(base, 'PUT', '/v1/auth/users', { username: 'alice', newPassword: 'alice-password-2', accessToken: adminToken });
    // The next poll is refused with "token invalid!": the login page shows, keeping the page.
    await page.getByRole('heading', { name: 'Log in to Cairn' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('next'), '/nacos/services?name=ord');
    assert.match((await page.getByRole('status').textContent()) ?? '', /no longer valid/);
    await submitLogin('alice', 'alice-password-2');
    await page.locator('tr[data-service="orders"]').waitFor();
    assert.equal(new URL(page.url()).search, '?name=ord');
  });

  test('a token the server never issued (another server, another key) leads to the login page', async () => {
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${base}/namespaces`);
    await submitLogin('nacos', ADMIN_PASSWORD);
    await page.locator('tr[data-namespace="public"]').waitFor();
    // As after a restart on a new data folder: the stored token is signed with a key this server does not hold.
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('cairn.session') ?? '{}');
      const [header, payload] = String(s.token).split('.');
      sessionStorage.setItem('cairn.session', JSON.stringify({ ...s, token: `${header}.${payload}.c2lnbmVkLWVsc2V3aGVyZQ` }));
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Log in to Cairn' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('next'), '/nacos/namespaces');
    assert.match((await page.getByRole('status').textContent()) ?? '', /no longer valid/);
  });

  test('near the token’s end the console asks for a new login, and at its end shows the login page (browser clock)', async () => {
    // A page of its own whose clock the test moves: the token lives 18000 s (the server's default).
    const timed = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const timedErrors = new ConsoleErrors(timed);
    // A poll due in the same jump as the expiry may go out just after the token is forgotten: refused, harmless.
    timedErrors.tolerate(/the server responded with a status of 403/);
    try {
      await timed.clock.install();
      await timed.goto(`${base}/services`);
      await timed.getByLabel('Username').fill('nacos');
      await timed.getByLabel('Password').fill(ADMIN_PASSWORD);
      await timed.getByRole('button', { name: 'Log in' }).click();
      await timed.locator('tr[data-service="orders"]').waitFor();
      assert.equal(await timed.locator('.renew').count(), 0);
      await timed.clock.fastForward(16_300 * 1000); // past 90 % of 18000 s
      await timed.locator('.renew').waitFor();
      assert.match((await timed.locator('.renew').textContent()) ?? '', /^Your session ends at [\d: .-]+\. Log in again$/);
      await timed.clock.fastForward(1_800 * 1000); // past the token's end
      await timed.getByRole('heading', { name: 'Log in to Cairn' }).waitFor();
      assert.equal(await timed.getByRole('status').textContent(), 'Your session expired. Log in again to continue.');
      assert.equal(new URL(timed.url()).searchParams.get('next'), '/nacos/services');
      assert.deepEqual(timedErrors.errors, []);
    } finally {
      await timed.close();
    }
  });

  test('a throttled login shows how long to wait', async () => {
    // Failures from this address until the server makes the next attempt wait at least 4 s.
    for (let i = 0; i < 20; i++) {
      const res = await login(base, 'mallory', 'guess');
      if (res.status === 429 && Number(res.retryAfter) >= 4) break;
      if (res.status === 429) await new Promise((r) => setTimeout(r, Number(res.retryAfter) * 1000));
    }
    await submitLogin('nacos', ADMIN_PASSWORD);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /^Too many failed logins\. Try again in \d+ s\.$/);
    const seconds = Number(/in (\d+) s/.exec((await alert.textContent()) ?? '')?.[1]);
    assert.ok(seconds >= 1, `waits ${seconds} s`);
  });

  test('the browser logged no other errors', () => {
    assert.deepEqual(errors.errors, []);
  });
});
