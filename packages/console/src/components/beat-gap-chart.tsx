import { chartGeometry, gapSummary, type GapPoint } from '../logic/beat-chart.js';
import { formatClock, formatDuration } from '../logic/format.js';

interface Props {
  points: GapPoint[];
  now: number;
  intervalMs: number;
  timeoutMs?: number;
  maxGapMs?: number;
}

const WIDTH = 960;
const HEIGHT = 200;

/** Gaps between heartbeats over time, in plain SVG: tall marks are client pauses. */
export function BeatGapChart({ points, now, intervalMs, timeoutMs, maxGapMs }: Props) {
  const g = chartGeometry({ points, now, intervalMs, timeoutMs, maxGapMs, width: WIDTH, height: HEIGHT });
  const summary = gapSummary(points, intervalMs);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Beat gaps over time. ${summary}`} data-testid="beat-gap-chart">
        <line className="axis" x1={g.left} y1={g.bottom} x2={g.right} y2={g.bottom} />
        <line className="axis" x1={g.left} y1={g.top} x2={g.left} y2={g.bottom} />
        {g.yTicks.map((t) => (
          <text key={t.ms} className="tick" x={g.left - 4} y={t.y + 4} textAnchor="end">
            {formatDuration(t.ms)}
          </text>
        ))}
        {g.xTicks.map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: three positional ticks (start, middle, end), stateless, rebuilt on every render
          <text key={i} className="tick" x={t.x} y={g.bottom + 16} textAnchor={i === 0 ? 'start' : i === 2 ? 'end' : 'middle'}>
            {formatClock(t.at).slice(0, 8)}
          </text>
        ))}
        {/* Reference labels sit on the left: the newest gaps, drawn on the right, would cover them. */}
        <line className="ref interval" x1={g.left} y1={g.intervalY} x2={g.right} y2={g.intervalY} />
        <text className="ref-label" x={g.left + 4} y={g.intervalY - 3}>
          expected interval
        </text>
        {g.timeoutY !== null && (
          <>
            <line className="ref timeout" x1={g.left} y1={g.timeoutY} x2={g.right} y2={g.timeoutY} />
            <text className="ref-label" x={g.left + 4} y={g.timeoutY - 3}>
              unhealthy after
            </text>
          </>
        )}
        {g.marks.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: stateless marks, rebuilt from the data on every render
          <g key={i} className={`mark ${m.point.kind}${m.severe ? ' severe' : ''}`}>
            <line x1={m.x} y1={g.bottom} x2={m.x} y2={m.y} />
            <circle cx={m.x} cy={m.y} r={3.5}>
              <title>{`${formatClock(m.point.at)} ${m.point.label} gap ${formatDuration(m.point.gapMs)} (${m.point.kind === 'late' ? 'late beat' : 'silence, then beat resumed'})`}</title>
            </circle>
          </g>
        ))}
      </svg>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}
