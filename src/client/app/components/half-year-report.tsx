import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../api.js';
import { useApi, type Resource } from '../use-api.js';
import { CsvLink } from './csv-link.js';
import { formatHours, formatMargin, formatNumber, formatPercent, plural } from '../format.js';
import type { LoopMetrics } from '../../../shared/schemas/loop-report.js';
import { HalfYear } from '../../../shared/schemas/program-report.js';

/** Half years the selector offers, back from the current one. */
const HALVES_OFFERED = 6;

/** "2026-H2" shifted by whole half years. */
function shiftHalf(half: string, offset: number): string {
  const [year, h] = half.split('-H').map(Number) as [number, number];
  const index = year * 2 + h - 1 + offset;
  return `${Math.floor(index / 2)}-H${(index % 2) + 1}`;
}

export interface HalfYearReport<T> {
  report: Resource<T>;
  /** The half years to choose from, newest (the server's current half) first. */
  options: string[];
  /** The half on screen: the one chosen, else the current one. */
  shown: string | undefined;
  choose(half: string | undefined): void;
}

/**
 * A report by half year (program evaluation, scorecards): the server decides the current half in the
 * installation's time zone; the first answer tells which, and the selector offers it and the halves before.
 */
export function useHalfYearReport<T extends { period: string }>(path: string): HalfYearReport<T> {
  const [period, choose] = useState<string | undefined>(undefined);
  const [current, setCurrent] = useState<string | null>(null);
  const report = useApi<T>(withQuery(path, { period }));
  useEffect(() => {
    if (report.data && current === null && period === undefined) setCurrent(report.data.period);
  }, [report.data, current, period]);
  const newest = current ?? report.data?.period ?? null;
  const options = newest ? Array.from({ length: HALVES_OFFERED }, (_, i) => shiftHalf(newest, -i)) : [];
  return { report, options, shown: period ?? newest ?? undefined, choose };
}

/** The half-year selector and the CSV download of the half shown. */
export function HalfYearToolbar({ id, path, csvLabel, state }: { id: string; path: string; csvLabel: string; state: HalfYearReport<unknown> }) {
  if (!state.options.length) return null;
  return (
    <div class="toolbar">
      <div class="field">
        <label for={id}>Half year</label>
        <select id={id} value={state.shown} onChange={(e) => state.choose(HalfYear.safeParse(e.currentTarget.value).success ? e.currentTarget.value : undefined)}>
          {state.options.map((h) => (
            <option key={h} value={h}>
              {h}
            </option>
          ))}
        </select>
      </div>
      <CsvLink path={path} query={{ period: state.shown }} label={csvLabel} />
    </div>
  );
}

/** ▲ ▼ ■ before a change, nothing when there is none to show. */
export const changeArrow = (change: number | null) => (change === null ? '' : change > 0 ? '▲ ' : change < 0 ? '▼ ' : '■ ');
/** A mean's margin after the figure, never "±0.0" (formatMargin leaves a zero out). */
export const meanMargin = (m: number | null | undefined) => (formatMargin(m) ? ` ${formatMargin(m)}` : '');

/** A half's closing-the-loop figures in one sentence (program evaluation, scorecards). */
export function loopWords(loop: LoopMetrics): string {
  const tasks =
    loop.tasks === 0
      ? 'No tasks created this half'
      : `${plural(loop.tasks, 'task')}, ${formatNumber(loop.open)} open; closed on time ${formatPercent(loop.closedOnTimeShare)}; first action after ${formatHours(loop.medianHoursToFirstAction)} (median)`;
  const detractors = loop.detractorsFollowedUp > 0 ? `; ${formatNumber(loop.detractorsFollowedUp)} detractors followed up, ${formatPercent(loop.detractorsImprovedShare)} improved` : '';
  return tasks + detractors;
}
