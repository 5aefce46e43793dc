import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskSecrets } from './mask-secrets.js';

test('URL passwords are hidden up to the last @, inside any text', () => {
  assert.equal(maskSecrets('mysql://root:a@b@127.0.0.1:3306/test'), 'mysql://root:***@127.0.0.1:3306/test');
  assert.equal(maskSecrets('cannot reach postgres://cairn:s3:cr@t@db:5432/x (ECONNREFUSED)'), 'cannot reach postgres://cairn:***@db:5432/x (ECONNREFUSED)');
  assert.equal(maskSecrets('postgres://postgres@127.0.0.1/test'), 'postgres://postgres@127.0.0.1/test');
  assert.equal(maskSecrets('sqlite:./data/cairn.db'), 'sqlite:./data/cairn.db');
});

test('secret parameters and JSON fields are hidden, names matched without case and percent-decoded', () => {
  assert.equal(maskSecrets('/v1/ns/instance/list?serviceName=a&password=s3cr3t&PassWord=x'), '/v1/ns/instance/list?serviceName=a&password=***&PassWord=***');
  assert.equal(maskSecrets('p%61ssword=x&accessToken=abc'), 'p%61ssword=***&accessToken=***');
  assert.equal(maskSecrets('healthChecker={"type":"MYSQL","pwd":"root-pw"}'), 'healthChecker={"type":"MYSQL","pwd":"***"}');
  assert.equal(maskSecrets('serviceName=orders&ip=10.0.0.1'), 'serviceName=orders&ip=10.0.0.1');
});
