import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSyntax } from './config-syntax.js';
import { draftOf, fieldChanges, nameProblem, publishBlocker } from './config-draft.js';

test('the review lists every changed field besides the content', () => {
  const before = draftOf(null);
  assert.deepEqual(fieldChanges(before, { ...before, type: 'json', tags: 'a,b', content: 'changed' }), ['Type: text → json', 'Tags: (none) → a,b']);
  assert.deepEqual(fieldChanges(before, { ...before, appName: '  ' }), []);
});

test('a syntax error blocks publishing with its line; a warning does not; empty content does', () => {
  const json = { ...draftOf(null), type: 'json', content: '{\n  "a": 1,\n}' };
  assert.equal(publishBlocker(json, checkSyntax('json', json.content)), 'Fix the JSON error on line 3 before publishing: trailing comma before }');
  const props = { ...draftOf(null), type: 'properties', content: 'a=1\na=2' };
  assert.equal(publishBlocker(props, checkSyntax('properties', props.content)), undefined);
  const empty = { ...draftOf(null), content: ' \n' };
  assert.match(publishBlocker(empty, checkSyntax('text', empty.content)) ?? '', /empty/);
});

test('data ids and groups follow the server rule', () => {
  assert.equal(nameProblem('Data ID', 'app.yaml'), undefined);
  assert.equal(nameProblem('Group', ''), 'Group is required.');
  assert.match(nameProblem('Data ID', 'a b') ?? '', /only letters/);
});
