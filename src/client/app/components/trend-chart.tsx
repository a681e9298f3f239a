import { formatNps, formatNumber } from '../format.js';

export interface TrendPoint {
  /** Period label, e.g. "2026-Q1". */
  label: string;
  /** NPS (−100…100), or null for a period without answers. */
  value: number | null;
  /** ± margin of error at the report's confidence; null when unknown. */
  margin: number | null;
  /** Answers behind the value. */
  count: number;
}

interface TrendChartProps {
  title: string;
  points: TrendPoint[];
  /** Value range; NPS by default. */
  min?: number;
  max?: number;
  format?: (value: number | null) => string;
}

const W = 640;
const H = 240;
const PAD = { left: 40, right: 12, top: 12, bottom: 44 };

/**
 * A lean SVG line chart with the margin-of-error band around each value and the answer count under each
 * period. Periods without answers leave a gap instead of pretending a value. Screen readers get the same
 * numbers as a table.
 */
export function TrendChart({ title, points, min = -100, max = 100, format = formatNps }: TrendChartProps) {
  const n = Math.max(points.length, 1);
  const x = (i: number) => PAD.left + (n === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const clamp = (v: number) => Math.min(max, Math.max(min, v));
  const y = (v: number) => PAD.top + ((max - clamp(v)) * (H - PAD.top - PAD.bottom)) / (max - min);
  const ticks = [min, min + (max - min) / 4, (min + max) / 2, max - (max - min) / 4, max];

  // Consecutive runs of periods with a value: one line and one band per run.
  const runs: { i: number; p: TrendPoint }[][] = [];
  points.forEach((p, i) => {
    if (p.value === null) return;
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1]!.i === i - 1) last.push({ i, p });
    else runs.push([{ i, p }]);
  });
  const line = (run: { i: number; p: TrendPoint }[]) => run.map(({ i, p }) => `${x(i).toFixed(1)},${y(p.value!).toFixed(1)}`).join(' ');
  const band = (run: { i: number; p: TrendPoint }[]) => {
    const upper = run.map(({ i, p }) => `${x(i).toFixed(1)},${y(p.value! + (p.margin ?? 0)).toFixed(1)}`);
    const lower = [...run].reverse().map(({ i, p }) => `${x(i).toFixed(1)},${y(p.value! - (p.margin ?? 0)).toFixed(1)}`);
    return [...upper, ...lower].join(' ');
  };
  const labelEvery = Math.ceil(n / 8);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: chart; the same figures follow as a table`}>
        {ticks.map((t) => (
          <g key={t}>
            <line class={t === 0 ? 'axis-zero' : 'grid'} x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text class="tick" x={PAD.left - 6} y={y(t) + 4} text-anchor="end">
              {format(t)}
            </text>
          </g>
        ))}
        {runs.map((run, k) => (
          <g key={k}>
            {run.length > 1 ? <polygon class="band" points={band(run)} /> : (
              <line class="band-line" x1={x(run[0]!.i)} x2={x(run[0]!.i)} y1={y(run[0]!.p.value! + (run[0]!.p.margin ?? 0))} y2={y(run[0]!.p.value! - (run[0]!.p.margin ?? 0))} />
            )}
            <polyline class="line" points={line(run)} />
          </g>
        ))}
        {points.map((p, i) => (
          <g key={p.label}>
            {p.value !== null && <circle class="dot" cx={x(i)} cy={y(p.value)} r={4} />}
            {i % labelEvery === 0 && (
              <>
                <text class="tick" x={x(i)} y={H - PAD.bottom + 16} text-anchor="middle">
                  {p.label}
                </text>
                <text class="tick count" x={x(i)} y={H - PAD.bottom + 32} text-anchor="middle">
                  n={formatNumber(p.count)}
                </text>
              </>
            )}
          </g>
        ))}
      </svg>
      {/* A table does not shrink to a 1 px box: its wrapper does, so the hidden copy never widens the page. */}
      <div class="visually-hidden">
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Value</th>
            <th scope="col">Margin of error</th>
            <th scope="col">Answers</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.label}>
              <th scope="row">{p.label}</th>
              <td>{format(p.value)}</td>
              <td>{p.margin === null ? '—' : `±${p.margin.toFixed(1)}`}</td>
              <td>{formatNumber(p.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </figure>
  );
}
