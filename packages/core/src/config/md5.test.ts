import assert from 'node:assert/strict';
import { test } from 'node:test';
import { md5Hex } from './md5.js';

test('md5Hex matches the RFC 1321 vectors', () => {
  assert.equal(md5Hex(''), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(md5Hex('abc'), '900150983cd24fb0d6963f7d28e17f72');
  assert.equal(md5Hex('12345678901234567890123456789012345678901234567890123456789012345678901234567890'), '57edf4a22be3c955ac49da2e2107b67a');
});

// Expected values from node:crypto's createHash('md5').update(text, 'utf8') (core tests may not import node:crypto).
test('md5Hex hashes UTF-8 bytes, at every padding boundary', () => {
  const cases: [string, string][] = [
    ['a=1 & b=ü', '17eb2131cf4cc356cc72de36be145f4c'],
    ['日本語', '00110af8b4393ef3f72c50be5b332bec'],
    ['😀 emoji', '937948e47e1dfa66901634dea84a7092'],
    ['x'.repeat(55), '04364420e25c512fd958a70738aa8f72'],
    ['x'.repeat(56), '668a72d5ba17f08e62dabcafad6db14b'],
    ['x'.repeat(64), 'c1bb4f81d892b2d57947682aeb252456'],
    ['é'.repeat(1000), '114b4cb8b759a2d3ff8b7287989ce2b9'],
  ];
  for (const [text, md5] of cases) assert.equal(md5Hex(text), md5, text.slice(0, 20));
});
