import assert from 'node:assert/strict';
import { test } from 'node:test';
import { highlightLine, type Token } from './highlight.js';

const kinds = (tokens: Token[]) => tokens.filter((t) => t.kind !== 'plain').map((t) => `${t.kind}:${t.text}`);

test('tokens always spell the line back exactly', () => {
  for (const [type, line] of [
    ['json', '  "a": [1, -2.5e3, true, "x\\"y"], "b": null'],
    ['yaml', '- name: "svc" # the service'],
    ['properties', 'a.b\\:c = value with spaces'],
    ['text', 'anything { at all'],
  ]) {
    assert.equal(
      highlightLine(type, line)
        .map((t) => t.text)
        .join(''),
      line,
    );
  }
});

test('JSON keys, strings, numbers and literals are told apart', () => {
  assert.deepEqual(kinds(highlightLine('json', '"port": 8080, "on": true, "name": "x"')), ['key:"port"', 'punct::', 'number:8080', 'punct:,', 'key:"on"', 'punct::', 'literal:true', 'punct:,', 'key:"name"', 'punct::', 'string:"x"']);
});

test('YAML keys and comments; properties keys and values', () => {
  assert.deepEqual(kinds(highlightLine('yaml', 'server:  # web')), ['key:server', 'punct::', 'comment:# web']);
  assert.deepEqual(kinds(highlightLine('yaml', '  port: 8080')), ['key:  port', 'punct::', 'number:8080']);
  assert.deepEqual(kinds(highlightLine('properties', 'db.url = jdbc:mysql://h')), ['key:db.url', 'punct: = ', 'string:jdbc:mysql://h']);
  assert.deepEqual(kinds(highlightLine('properties', '# note')), ['comment:# note']);
});
