import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSyntax, hasErrors, lineAndColumn } from './config-syntax.js';
import { findJsonFault } from './json-syntax.js';
import { parseProperties } from './properties-syntax.js';

const only = (type: string, content: string) => {
  const { problems } = checkSyntax(type, content);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  return problems[0];
};

test('valid content of every checked type passes', () => {
  assert.deepEqual(checkSyntax('json', '{"a": [1, 2.5e3, true, null, "x\\u0041"]}').problems, []);
  assert.deepEqual(checkSyntax('yaml', 'server:\n  port: 8080\n---\nb: [1, 2]\n').problems, []);
  assert.deepEqual(checkSyntax('properties', '# comment\na=1\nb : 2\nc 3\nlong=one \\\n  two\n').problems, []);
  assert.equal(checkSyntax('text', '{ not json').checked, false);
});

test('JSON errors name the line, the column and what was expected', () => {
  assert.deepEqual(only('json', '{\n  "a": 1,\n}'), { line: 3, column: 1, reason: 'trailing comma before }', severity: 'error' });
  assert.deepEqual(only('json', '{\n  "a": 1\n  "b": 2\n}'), { line: 3, column: 3, reason: "expected ',' or '}' after a property, found '\"'", severity: 'error' });
  assert.equal(only('json', "{'a': 1}").reason, "expected a property name in double quotes, found '''");
  assert.equal(only('json', '[1, 2').reason, "expected ',' or ']' after an element, found end of text");
  assert.equal(only('json', '{"a": 1} x').reason, "unexpected 'x' after the end of the JSON value");
  assert.equal(only('json', '').line, 1);
});

test('the JSON scanner agrees with JSON.parse', () => {
  for (const text of ['{}', '[]', '"s"', '-0.5E+2', '{"a":{"b":[{}]}}', '01', '1.', '"\\x"', '{"a" 1}', '[,]', '"a\nb"', 'tru', '{"a":1,}']) {
    let parses = true;
    try {
      JSON.parse(text);
    } catch {
      parses = false;
    }
    assert.equal(findJsonFault(text) === undefined, parses, text);
  }
});

test('YAML errors come from the yaml parser with their line', () => {
  const p = only('yaml', 'a: 1\nb: [1, 2\nc: 3\n');
  assert.equal(p.line, 3);
  assert.match(p.reason, /Flow sequence/);
  assert.doesNotMatch(p.reason, /at line/);
  const dup = checkSyntax('yaml', 'a: 1\na: 2\n').problems;
  assert.equal(dup[0].line, 2);
  assert.match(dup[0].reason, /unique/);
  assert.ok(hasErrors(checkSyntax('yaml', 'a: 1\n  b: 2\n')));
});

test('properties: a bad \\u escape is an error, suspicious lines are warnings', () => {
  const bad = only('properties', 'a=1\nname=caf\\u00zz\n');
  assert.deepEqual([bad.line, bad.column, bad.severity], [2, 9, 'error']);
  assert.match(bad.reason, /malformed \\uxxxx escape/);
  const warnings = checkSyntax('properties', 'a=1\n=orphan\nflag\na=2\n').problems;
  assert.deepEqual(
    warnings.map((w) => [w.line, w.severity]),
    [
      [2, 'warning'],
      [3, 'warning'],
      [4, 'warning'],
    ],
  );
  assert.match(warnings[2].reason, /also set on line 1/);
  assert.equal(hasErrors(checkSyntax('properties', 'a=1\n=orphan\n')), false);
});

test('properties are read the way Java reads them', () => {
  const { entries } = parseProperties('a = 1\nb:2\nc 3\nd=x\\\n   y\ne=\\u0041\\tB\n! bang comment\n  # indented comment\nf\\=g=h\n');
  assert.deepEqual(Object.fromEntries(entries), { a: '1', b: '2', c: '3', d: 'xy', e: 'A\tB', 'f=g': 'h' });
});

test('offsets turn into 1-based lines and columns', () => {
  assert.deepEqual(lineAndColumn('ab\ncd', 0), { line: 1, column: 1 });
  assert.deepEqual(lineAndColumn('ab\ncd', 4), { line: 2, column: 2 });
});
