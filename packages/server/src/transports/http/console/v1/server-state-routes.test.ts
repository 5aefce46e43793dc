import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../../testing/test-server.js';

const PACKAGE_VERSION = (createRequire(import.meta.url)('../../../../../package.json') as { version: string }).version;

describe('/v1/console/server/state', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  it("tells the truth: Cairn's version, naming and config, standalone, this port, no auth, its store", async () => {
    const res = await call(ts.url, 'GET', '/v1/console/server/state');
    assert.equal(res.status, 200);
    const state = res.json();
    assert.equal(state.version, PACKAGE_VERSION);
    assert.equal(state.cairn_version, PACKAGE_VERSION);
    assert.equal(state.nacos_api_version, '2.5.1', 'the Nacos release whose HTTP API Cairn answers');
    assert.equal(state.function_mode, null, 'naming and config both run (Nacos: null = both)');
    assert.equal(state.standalone_mode, 'standalone');
    assert.equal(state.startup_mode, 'standalone');
    assert.equal(state.server_port, new URL(ts.url).port);
    assert.equal(state.auth_enabled, 'false');
    assert.equal(state.login_page_enabled, 'false');
    assert.equal(state.config_retention_days, '30', 'the default config history age, as Nacos');
    assert.equal(state.datasource_platform, 'sqlite');
    for (const [key, value] of Object.entries(state)) if (key !== 'function_mode') assert.equal(typeof value, 'string', `${key} is a string, as in Nacos's flat map`);
  });
});
