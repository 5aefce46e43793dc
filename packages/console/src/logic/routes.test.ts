import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminPath, configNewPath, configPath, configsPath, connectionsPath, instancePath, loginPath, namespacesPath, parseRoute, servicePath, servicesPath, serviceTimelinePath } from './routes.js';

function roundTrip(path: string) {
  const [pathname, search = ''] = path.split('?');
  return parseRoute(pathname, search ? `?${search}` : '');
}

test('every page path parses back to its page', () => {
  assert.deepEqual(roundTrip(servicesPath('dev', { name: 'ord', group: 'G', pageNo: 3 })), { page: 'services', namespace: 'dev', name: 'ord', group: 'G', pageNo: 3 });
  assert.deepEqual(roundTrip(servicePath('public', 'DEFAULT_GROUP', 'a b/c')), { page: 'service', namespace: 'public', group: 'DEFAULT_GROUP', name: 'a b/c' });
  assert.deepEqual(roundTrip(serviceTimelinePath('x', 'G', 's')), { page: 'service-timeline', namespace: 'x', group: 'G', name: 's' });
  assert.deepEqual(roundTrip(instancePath('public', 'G', 's', '10.0.0.1', 8080, 'east')), { page: 'instance', namespace: 'public', group: 'G', name: 's', ip: '10.0.0.1', port: 8080, cluster: 'east' });
  assert.deepEqual(roundTrip(instancePath('public', 'G', 's', '::1', 80, 'DEFAULT')), { page: 'instance', namespace: 'public', group: 'G', name: 's', ip: '::1', port: 80, cluster: 'DEFAULT' });
  assert.deepEqual(roundTrip(namespacesPath('public')), { page: 'namespaces', namespace: 'public' });
  assert.deepEqual(roundTrip(connectionsPath('dev')), { page: 'connections', namespace: 'dev' });
  assert.deepEqual(roundTrip(loginPath('/nacos/configs?namespace=dev')), { page: 'login', namespace: 'public', next: '/nacos/configs?namespace=dev' });
  assert.deepEqual(roundTrip(adminPath('users', 'public', { filter: 'ali', pageNo: 2 })), { page: 'users', namespace: 'public', filter: 'ali', pageNo: 2 });
  assert.deepEqual(roundTrip(adminPath('roles', 'dev')), { page: 'roles', namespace: 'dev', filter: '', pageNo: 1 });
  assert.deepEqual(roundTrip(adminPath('permissions', 'public')), { page: 'permissions', namespace: 'public', filter: '', pageNo: 1 });
});

test('defaults stay out of the URL; the root and index.html are the services page', () => {
  assert.equal(servicesPath('public'), '/nacos/services');
  assert.equal(servicesPath('public', { pageNo: 1, name: '' }), '/nacos/services');
  assert.equal(parseRoute('/nacos/', '').page, 'services');
  assert.equal(parseRoute('/nacos/index.html', '').page, 'services');
  assert.equal(parseRoute('/nacos/services', '?page=-2').page === 'services' && (parseRoute('/nacos/services', '?page=-2') as { pageNo: number }).pageNo, 1);
});

test('unknown paths are a not-found page, not a crash', () => {
  assert.equal(parseRoute('/nacos/services/G/s/instances/nope', '').page, 'not-found');
  assert.equal(parseRoute('/nacos/whatever', '').page, 'not-found');
  assert.equal(parseRoute('/nacos/services/%E0%A4%A/x', '').page, 'service');
});

test('config pages parse back to their page, the data id and group kept exactly', () => {
  assert.deepEqual(roundTrip(configsPath('dev', { dataId: 'app*', group: 'G', appName: 'shop', pageNo: 2 })), { page: 'configs', namespace: 'dev', dataId: 'app*', group: 'G', appName: 'shop', pageNo: 2 });
  assert.deepEqual(roundTrip(configNewPath('public')), { page: 'config-new', namespace: 'public' });
  assert.deepEqual(roundTrip(configPath('public', 'DEFAULT_GROUP', 'app.yaml')), { page: 'config', namespace: 'public', group: 'DEFAULT_GROUP', dataId: 'app.yaml' });
  assert.deepEqual(roundTrip(configPath('x', 'G', 'a:b', 'config-edit')), { page: 'config-edit', namespace: 'x', group: 'G', dataId: 'a:b' });
  assert.deepEqual(roundTrip(configPath('x', 'G', 'd', 'config-history', 42)), { page: 'config-history', namespace: 'x', group: 'G', dataId: 'd', nid: 42 });
  assert.deepEqual(roundTrip(configPath('x', 'G', 'd', 'config-history')), { page: 'config-history', namespace: 'x', group: 'G', dataId: 'd' });
  assert.deepEqual(roundTrip(configPath('x', 'G', 'd', 'config-beta')), { page: 'config-beta', namespace: 'x', group: 'G', dataId: 'd' });
  assert.deepEqual(roundTrip(configPath('x', 'G', 'd', 'config-listeners')), { page: 'config-listeners', namespace: 'x', group: 'G', dataId: 'd' });
  // nid belongs to the history page only
  assert.equal(configPath('public', 'G', 'd', 'config', 42), '/nacos/configs/G/d');
  assert.equal(configsPath('public'), '/nacos/configs');
});

test('unknown config paths are a not-found page', () => {
  assert.equal(parseRoute('/nacos/configs/G/d/nope', '').page, 'not-found');
  assert.equal(parseRoute('/nacos/configs/G/d/history', '?nid=abc').page === 'config-history' && 'nid' in parseRoute('/nacos/configs/G/d/history', '?nid=abc'), false);
  assert.equal(parseRoute('/nacos/configs/G', '').page, 'not-found');
  assert.equal(parseRoute('/nacos/configs/G/d/edit/x', '').page, 'not-found');
});
