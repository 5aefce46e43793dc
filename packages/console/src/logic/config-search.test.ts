import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blurPattern, matchesBlur } from './config-search.js';

test('a plain term matches anywhere, a pattern with * matches the whole name', () => {
  assert.equal(blurPattern(' app '), '*app*');
  assert.equal(blurPattern('app*'), 'app*');
  assert.equal(blurPattern(''), '');
  assert.ok(matchesBlur(blurPattern('app'), 'my-app.yaml'));
  assert.ok(matchesBlur('app*', 'app.yaml'));
  assert.equal(matchesBlur('app*', 'my-app.yaml'), false);
  assert.ok(matchesBlur('*.yaml', 'a.b.yaml'));
  assert.equal(matchesBlur('*.yaml', 'ayaml'), false, 'the dot is a dot, not any character');
  assert.ok(matchesBlur('', 'anything'));
});
