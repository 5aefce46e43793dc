import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartGeometry, gapPoints, gapSummary, journalTimings, niceCeil } from './beat-chart.js';

test('gap points come from late beats and ended silences, oldest first', () => {
  const points = gapPoints([
    { at: 300, cause: 'BEAT_RESUMED', ip: '10.0.0.1', port: 80, evidence: { silentMs: 20_000 } },
    { at: 100, cause: 'BEAT_LATE', ip: '10.0.0.1', port: 80, evidence: { gapMs: 9000, intervalMs: 5000 } },
    { at: 200, cause: 'INSTANCE_EDITED', evidence: { enabled: false } },
    { at: 250, cause: 'BEAT_LATE', evidence: { gapMs: 'broken' } },
  ]);
  assert.deepEqual(
    points.map((p) => [p.at, p.gapMs, p.kind, p.label]),
    [
      [100, 9000, 'late', '10.0.0.1:80'],
      [300, 20_000, 'silence', '10.0.0.1:80'],
    ],
  );
});

test('nice ceilings are 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceCeil(0), 1);
  assert.equal(niceCeil(1.1), 2);
  assert.equal(niceCeil(4400), 5000);
  assert.equal(niceCeil(16_500), 20_000);
  assert.equal(niceCeil(50_000), 50_000);
});

test('the largest gap reaches high, time runs left to right, gaps at or above the timeout are severe', () => {
  const now = 1_000_000;
  const g = chartGeometry({
    points: [
      { at: now - 50_000, gapMs: 8000, kind: 'late', label: '' },
      { at: now - 10_000, gapMs: 30_000, kind: 'late', label: '' },
    ],
    now,
    intervalMs: 5000,
    timeoutMs: 15_000,
    width: 600,
    height: 200,
  });
  assert.equal(g.yMax, 50_000);
  assert.equal(g.to, now);
  assert.equal(g.from, now - 60_000);
  const [small, big] = g.marks;
  assert.ok(small.x < big.x, 'older is further left');
  assert.ok(big.y < small.y, 'larger gap is higher (smaller y)');
  assert.ok(big.y >= g.top && small.y <= g.bottom);
  assert.deepEqual(
    g.marks.map((m) => m.severe),
    [false, true],
  );
  assert.ok(g.intervalY > g.timeoutY!, 'the interval line sits below the timeout line');
  assert.ok(Math.abs(g.intervalY - (g.bottom - (5000 / 50_000) * (g.bottom - g.top))) < 1e-9);
});

test('with no points the chart still spans a minute and scales to the timeout', () => {
  const g = chartGeometry({ points: [], now: 120_000, intervalMs: 200, timeoutMs: 800, maxGapMs: 300, width: 600, height: 200 });
  assert.equal(g.marks.length, 0);
  assert.equal(g.to - g.from, 60_000);
  assert.equal(g.yMax, 1000);
});

test('the caption counts gaps in the right number and names the largest', () => {
  const late = (at: number, gapMs: number) => ({ at, gapMs, kind: 'late' as const, label: '' });
  assert.equal(gapSummary([], 5000), 'No late beats recorded; beats are expected every 5.0 s.');
  assert.equal(gapSummary([late(1, 601)], 200), '1 late beat or silence; the largest gap was 601 ms.');
  assert.equal(gapSummary([late(1, 601), late(2, 9000)], 200), '2 late beats or silences; the largest gap was 9.0 s.');
});

test("a service's journal gives the chart its interval and timeout, newest first", () => {
  const timings = journalTimings([
    { at: 3, cause: 'BEAT_MISSED', evidence: { silentMs: 801, timeoutMs: 800 } },
    { at: 2, cause: 'BEAT_LATE', evidence: { gapMs: 601, intervalMs: 200 } },
    { at: 1, cause: 'BEAT_MISSED', evidence: { timeoutMs: 15_000 } },
  ]);
  assert.deepEqual(timings, { intervalMs: 200, timeoutMs: 800 });
  assert.deepEqual(journalTimings([{ at: 1, cause: 'BEAT_LATE', evidence: { intervalMs: 'x' } }]), { intervalMs: undefined, timeoutMs: undefined });
  // A 601 ms gap is severe against a guessed 3 x 200 ms, but not against the real 800 ms timeout.
  const point = { at: 1, gapMs: 601, kind: 'late' as const, label: '' };
  const geometry = (timeoutMs?: number) => chartGeometry({ points: [point], now: 2, intervalMs: 200, timeoutMs, width: 960, height: 200 });
  assert.equal(geometry(undefined).marks[0].severe, true);
  assert.equal(geometry(timings.timeoutMs).marks[0].severe, false);
});
