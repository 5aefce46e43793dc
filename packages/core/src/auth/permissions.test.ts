import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_ROLE, decide, type Grant, patternCovers, type Resource, resourceString } from './permissions.js';

const orders: Resource = { kind: 'naming', namespace: 'public', group: 'DEFAULT_GROUP', name: 'orders' };
const devConfig: Resource = { kind: 'config', namespace: 'dev', group: 'APP', name: 'app.yaml' };

test('resource strings follow Nacos: public is the empty namespace, blanks are *', () => {
  assert.equal(resourceString(orders), ':DEFAULT_GROUP:naming/orders');
  assert.equal(resourceString(devConfig), 'dev:APP:config/app.yaml');
  assert.equal(resourceString({ kind: 'config', namespace: 'dev', group: '', name: '' }), 'dev:*:config/*');
  assert.equal(resourceString({ kind: 'console', name: 'users' }), 'console/users');
});

test('a pattern matches with * as the only wildcard; other characters match only themselves', () => {
  assert.ok(patternCovers(':*:naming/*', ':DEFAULT_GROUP:naming/orders'));
  assert.ok(patternCovers('dev:APP:config/app.yaml', 'dev:APP:config/app.yaml'));
  assert.ok(patternCovers('dev:*:config/app*', 'dev:APP:config/app.yaml'));
  assert.ok(patternCovers('*', 'anything'));
  assert.ok(patternCovers('a*b*c', 'abc'));
  assert.ok(!patternCovers('a*b*c', 'acb'));
  assert.ok(!patternCovers('a*a', 'a'), 'the prefix and suffix may not overlap');
  assert.ok(!patternCovers('dev:APP:config/app.yaml', 'dev:APP:config/app-yaml'), 'a dot is no wildcard (Nacos: it is)');
  assert.ok(!patternCovers('dev:*:config/*', 'prod:APP:config/app.yaml'));
  assert.ok(!patternCovers('dev:(x:config/*', 'dev:APP:config/x'), 'regex characters are literal and never fail');
});

test('admins pass everything; others need a grant of their role that covers the resource and the action', () => {
  const grants: Grant[] = [
    { role: 'reader', resource: ':*:naming/*', action: 'r' },
    { role: 'dev-writer', resource: 'dev:*:config/*', action: 'rw' },
  ];
  assert.deepEqual(decide([ADMIN_ROLE], [], { kind: 'console', name: 'users' }, 'w'), { allowed: true, because: 'admin' });
  assert.equal(decide(['reader'], grants, orders, 'r').allowed, true);
  assert.deepEqual(decide(['reader'], grants, orders, 'w'), { allowed: false, reason: "no role of this user may write ':DEFAULT_GROUP:naming/orders'" });
  assert.equal(decide(['reader', 'dev-writer'], grants, devConfig, 'w').allowed, true);
  assert.equal(decide(['dev-writer'], grants, { ...devConfig, namespace: 'public' }, 'r').allowed, false, 'a grant in one namespace says nothing of another');
  assert.equal(decide(['other'], grants, orders, 'r').allowed, false, "another role's grants do not count");
});

test('console resources need the admin role whatever the grants say', () => {
  const grants: Grant[] = [{ role: 'ops', resource: '*', action: 'rw' }];
  assert.equal(decide(['ops'], grants, orders, 'w').allowed, true);
  assert.deepEqual(decide(['ops'], grants, { kind: 'console', name: 'users' }, 'r'), { allowed: false, reason: "'console/users' needs the ROLE_ADMIN role" });
});
