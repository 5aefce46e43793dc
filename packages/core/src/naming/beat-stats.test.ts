import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEATER, CLIENT, T0, beat, eventsOf, instanceAt, newRegistry, registration } from './testing/registry-fixture.js';
import { GAP_WINDOW_MS, maxGapLastHourMs, meanGapMs, newBeatStats, recordBeat } from './beat-stats.js';

test('beat statistics count beats, the last and largest gap, and late beats (gap above 1.5x the interval)', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  const gaps = [5_000, 5_000, 7_500, 7_501, 4_000, 12_000, 5_000];
  for (const gap of gaps) {
    time.advance(gap);
    registry.beat(beat(), BEATER);
  }
  const stats = instanceAt(registry)!.beats!;
  assert.equal(stats.count, gaps.length);
  assert.equal(stats.lastGapMs, 5_000);
  assert.equal(stats.maxGapMs, 12_000);
  // The first beat has no gap; 7 500 is exactly 1.5x and on time; 7 501 and 12 000 are late.
  assert.equal(stats.lateCount, 2);
  assert.equal(meanGapMs(stats), (5_000 + 7_500 + 7_501 + 4_000 + 12_000 + 5_000) / 6);

  const late = eventsOf(registry, { cause: 'BEAT_LATE' });
  assert.deepEqual(
    late.map((e) => e.evidence.gapMs),
    [7_501, 12_000],
  );
  assert.equal(late[0].evidence.intervalMs, 5_000);
  assert.equal(late[0].evidence.from, '10.0.0.7');
  assert.equal(late[1].at, T0 + 5_000 + 5_000 + 7_500 + 7_501 + 4_000 + 12_000);
});

test("the late threshold follows the instance's own interval", () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration({ metadata: { 'preserved.heart.beat.interval': '1000', 'preserved.heart.beat.timeout': '5000' } }), CLIENT);
  registry.beat(beat(), BEATER);
  time.advance(1_600);
  registry.beat(beat(), BEATER);
  assert.equal(instanceAt(registry)!.beats!.lateCount, 1);
  assert.equal(eventsOf(registry, { cause: 'BEAT_LATE' })[0].evidence.intervalMs, 1_000);
});

test('the largest gap of the last hour forgets gaps older than two half-hour windows', () => {
  const stats = newBeatStats(0);
  recordBeat(stats, 0, 5_000, 1.5);
  recordBeat(stats, 40_000, 5_000, 1.5); // a 40 s gap
  assert.equal(maxGapLastHourMs(stats, 40_000), 40_000);
  let at = 40_000;
  while (at < GAP_WINDOW_MS + 60_000) {
    at += 5_000;
    recordBeat(stats, at, 5_000, 1.5);
  }
  assert.equal(maxGapLastHourMs(stats, at), 40_000, 'the previous window still counts');
  while (at < 2 * GAP_WINDOW_MS + 60_000) {
    at += 5_000;
    recordBeat(stats, at, 5_000, 1.5);
  }
  assert.equal(maxGapLastHourMs(stats, at), 5_000, 'older than the previous window: forgotten');
  assert.equal(stats.maxGapMs, 40_000, 'the all-time maximum stays');
  assert.equal(maxGapLastHourMs(stats, at + 2 * GAP_WINDOW_MS), 0, 'no beats for an hour: nothing to report');
});
