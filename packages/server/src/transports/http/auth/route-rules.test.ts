import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../../../testing/test-server.js';
import { guardedRoutes } from './http-auth.js';
import { hasRule } from './route-rules.js';

let ts: TestServer;
before(async () => {
  ts = await startTestServer({ authEnabled: true });
});
after(() => ts.close());

test('every route the server registers has an entry in the rule table (a route without one is a decision not made)', () => {
  const routes = guardedRoutes(ts.server.app);
  assert.ok(routes.length > 150, `the gate saw ${routes.length} routes`);
  const missing = routes.filter((route) => {
    const [method, path] = route.split(' ');
    return !hasRule(method, path);
  });
  assert.deepEqual(missing, [], 'add each to route-rules.ts with the rule it needs');
});

test('no route runs SQL or reaches an operations back door (CVE-2021-29442)', () => {
  const routes = guardedRoutes(ts.server.app);
  assert.deepEqual(
    routes.filter((r) => /derby|sql|\/cs\/ops|\/core\/ops|raft/i.test(r)),
    [],
  );
});
