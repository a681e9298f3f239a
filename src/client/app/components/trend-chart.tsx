import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatMargin, formatNps, formatNumber } from '../format.js';

export interface TrendPoint {
  /** Period label, e.g. "2026-Q1". */
  label: string;
  /** NPS (−100…100), or null for a period without answers. */
  value: number | null;
  /** ± margin of error at the report's confidence; null when unknown. */
  margin: number | null;
  /** Answers behind the value. */
  count: number;
  /** Everyone asked answered (one account's NPS): the margin is 0 and the table says so in words. */
  everyoneAnswered?: boolean;
}

interface TrendChartProps {
  title: string;
  points: TrendPoint[];
  /** Value range; NPS by default. */
  min?: number;
  max?: number;
  format?: (value: number | null) => string;
}

/** The drawing's width before the chart is measured, its narrowest and its widest. */
const FIRST = 640;
const NARROWEST = 260;
const WIDEST = 1200;
const H = 240;
/** Room on the right for half the last period's label, which is centred on its point. */
const PAD = { left: 40, right: 30, top: 12, bottom: 44 };
/** A period label ("2026-Q1") and its answer count need this much room to stay apart. */
const LABEL_ROOM = 64;

/**
 * The chart's width in CSS pixels, so the drawing is made at 1:1 and its 12 px labels stay 12 px on a phone
 * (a fixed 640-wide drawing scaled into a 330 px phone would shrink them to 6 px, and blow them up on a desktop).
 */
function useWidth(): [RefObject<HTMLElement>, number] {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(FIRST);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const w = Math.round(el.clientWidth);
      if (w > 0) setWidth(Math.max(NARROWEST, Math.min(WIDEST, w)));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/**
 * A lean SVG line chart with the margin-of-error band around each value and the answer count under each
 * period. Periods without answers leave a gap instead of pretending a value. Screen readers get the same
 * numbers as a table.
 */
export function TrendChart({ title, points, min = -100, max = 100, format = formatNps }: TrendChartProps) {
  const [figure, W] = useWidth();
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
  const labelEvery = Math.ceil(n / Math.max(1, Math.floor((W - PAD.left - PAD.right) / LABEL_ROOM)));

  return (
    <figure class="chart" ref={figure}>
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
              <td>{p.everyoneAnswered ? 'everyone asked answered' : formatMargin(p.margin) || '—'}</td>
              <td>{formatNumber(p.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </figure>
  );
}
