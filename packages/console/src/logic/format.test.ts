import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countOf, formatAge, formatDuration, formatThreshold, formatWeight, metadataInline, metadataToText, textToMetadata } from './format.js';

test('durations read short at every scale', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(4200), '4.2 s');
  assert.equal(formatDuration(15_000), '15 s');
  assert.equal(formatDuration(185_000), '3 min 5 s');
  assert.equal(formatDuration(120_000), '2 min');
  assert.equal(formatDuration(2 * 3_600_000 + 10 * 60_000), '2 h 10 min');
  assert.equal(formatDuration(-5), '0 ms');
  assert.equal(formatDuration(Number.NaN), '—');
});

test('an age in the future (clock skew) reads as just now', () => {
  assert.equal(formatAge(10_000, 14_200), '4.2 s ago');
  assert.equal(formatAge(10_000, 9_000), 'just now');
});

test('weights without float noise, threshold 0 reads off', () => {
  assert.equal(formatWeight(0.1 + 0.2), '0.3');
  assert.equal(formatWeight(2), '2');
  assert.equal(formatThreshold(0), 'off');
  assert.equal(formatThreshold(0.8), '80 %');
});

test('metadata round-trips through its text form; values may hold =', () => {
  const metadata = { zone: 'a', url: 'http://x/?q=1', version: '2' };
  assert.deepEqual(textToMetadata(metadataToText(metadata)), metadata);
  assert.equal(metadataToText({ b: '2', a: '1' }), 'a=1\nb=2');
  assert.deepEqual(textToMetadata('\n  k = v \n\n'), { k: 'v' });
  assert.equal(metadataInline({ b: '2', a: '1' }), 'a=1, b=2');
});

test('a metadata line without key=value is refused naming its line', () => {
  assert.throws(() => textToMetadata('a=1\noops'), /line 2 is not key=value: 'oops'/);
  assert.throws(() => textToMetadata('=x'), /line 1/);
});

test('a count takes its noun in the right number', () => {
  assert.equal(countOf(0, 'instance'), '0 instances');
  assert.equal(countOf(1, 'instance'), '1 instance');
  assert.equal(countOf(2, 'late beat or silence', 'late beats or silences'), '2 late beats or silences');
});
