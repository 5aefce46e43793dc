import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_OPTIONS, describeOptions, envName, flagName, isLoopbackHost, OptionsError, resolveOptions } from './options.js';

test('defaults are the documented Nacos-compatible ones', () => {
  const o = resolveOptions();
  assert.equal(o.port, 8848);
  assert.equal(o.host, '127.0.0.1');
  assert.equal(o.contextPath, '/nacos');
  assert.equal(o.dataDir, './data');
  assert.equal(o.beatIntervalMs, 5000);
  assert.equal(o.beatTimeoutMs, 15000);
  assert.equal(o.deleteTimeoutMs, 30000);
  assert.ok(Object.isFrozen(o));
});

test('flags win over environment variables, which win over defaults', () => {
  const env = { CAIRN_PORT: '9000', CAIRN_HOST: '127.0.0.2', CAIRN_BEAT_TIMEOUT_MS: '20000' };
  const o = resolveOptions({}, ['--port', '9100', '--context-path=cairn'], env);
  assert.equal(o.port, 9100);
  assert.equal(o.host, '127.0.0.2');
  assert.equal(o.beatTimeoutMs, 20000);
  assert.equal(o.contextPath, '/cairn');
});

test('flag and variable names derive from the option name', () => {
  assert.equal(flagName('deleteTimeoutMs'), '--delete-timeout-ms');
  assert.equal(envName('deleteTimeoutMs'), 'CAIRN_DELETE_TIMEOUT_MS');
});

test('bad values are refused with a message naming the setting', () => {
  assert.throws(
    () => resolveOptions({}, ['--port', '70000']),
    (e: unknown) => e instanceof OptionsError && /--port/.test(e.message),
  );
  assert.throws(() => resolveOptions({}, ['--nope', '1']), /unknown option '--nope'/);
  assert.throws(() => resolveOptions({}, [], { CAIRN_EXPIRE_INSTANCES: 'maybe' }), /CAIRN_EXPIRE_INSTANCES must be true or false/);
  assert.throws(() => resolveOptions({}, ['--beat-timeout-ms', '1000']), /beatTimeoutMs must be at least beatIntervalMs/);
  assert.throws(() => resolveOptions({}, ['--port']), /needs a value/);
});

test("the caller's object is not changed", () => {
  const explicit = { port: 1234 };
  resolveOptions(explicit);
  assert.deepEqual(explicit, { port: 1234 });
  assert.equal(DEFAULT_OPTIONS.port, 8848);
});

test('auth is on by default beyond loopback; turning it off there needs an explicit --allow-unauthenticated', () => {
  assert.equal(resolveOptions({}, ['--host', '0.0.0.0']).authEnabled, true);
  assert.equal(resolveOptions({}, ['--host', '127.0.0.1']).authEnabled, false);
  assert.equal(resolveOptions({}, ['--auth-enabled', 'true']).authEnabled, true);
  assert.equal(resolveOptions({}, [], { CAIRN_AUTH_ENABLED: 'true' }).authEnabled, true);
  assert.throws(() => resolveOptions({}, ['--host', '0.0.0.0', '--auth-enabled', 'false']), /anyone who reaches the port.*--allow-unauthenticated true/);
  const open = resolveOptions({}, ['--host', '0.0.0.0', '--auth-enabled', 'false', '--allow-unauthenticated', 'true']);
  assert.equal(open.host, '0.0.0.0');
  assert.equal(open.authEnabled, false);
  assert.equal(resolveOptions({}, ['--host', '127.0.0.2']).host, '127.0.0.2');
  assert.equal(resolveOptions({}, ['--host', '::1']).host, '::1');
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('127.evil.example'), false);
});

test('the start banner hides a database password, even one that contains @ or :', () => {
  const banner = describeOptions(resolveOptions({ db: 'mysql://cairn:p@ss:w0rd@127.0.0.1:3306/cairn' }));
  assert.match(banner, /db +mysql:\/\/cairn:\*\*\*@127\.0\.0\.1:3306\/cairn /);
  assert.doesNotMatch(banner, /p@ss|w0rd/);
});

test('a header timeout longer than the request timeout is refused, naming both flags', () => {
  assert.throws(
    () => resolveOptions({}, ['--header-timeout-ms', '20000', '--request-timeout-ms', '10000']),
    (e: unknown) => e instanceof OptionsError && /--header-timeout-ms \(20000\) must be at most --request-timeout-ms \(10000\)/.test(e.message),
  );
  assert.equal(resolveOptions({}, ['--header-timeout-ms', '10000', '--request-timeout-ms', '10000']).headerTimeoutMs, 10_000);
});

test('cluster mode is refused on SQLite, saying which database it needs; its lease settings are checked together', () => {
  const sqlite = /--cluster true needs a database every node reaches: set --db postgres:\/\/.*mysql:\/\/.*SQLite is a file of one node/;
  assert.throws(
    () => resolveOptions({}, ['--cluster', 'true']),
    (e: unknown) => e instanceof OptionsError && sqlite.test(e.message),
  );
  assert.throws(() => resolveOptions({}, ['--cluster', 'true', '--db', 'sqlite:./data/cairn.db']), sqlite);
  assert.equal(resolveOptions({}, ['--cluster', 'true', '--db', 'postgres://cairn@db.internal:5432/cairn']).cluster, true);
  assert.equal(resolveOptions({}, ['--cluster', 'true', '--db', 'mysql://cairn@db.internal:3306/cairn']).clusterLeaseMs, 10_000);
  assert.throws(() => resolveOptions({}, ['--cluster-renew-ms', '3000', '--cluster-lease-ms', '5000']), /--cluster-lease-ms \(5000\) must be at least twice --cluster-renew-ms \(3000\)/);
  assert.equal(resolveOptions({}, ['--cluster-address', '10.0.0.2:8848']).clusterAddress, '10.0.0.2:8848');
  assert.equal(resolveOptions({}, ['--cluster-address', '[fd00::2]:8848']).clusterAddress, '[fd00::2]:8848');
  for (const bad of ['10.0.0.2', '10.0.0.2:0', 'http://10.0.0.2:8848', 'a b:1']) {
    assert.throws(() => resolveOptions({}, ['--cluster-address', bad]), /--cluster-address must be host:port/, bad);
  }
});
