import { formatNps, formatNpsMargin, plural, type NpsFigure as Figure } from '../format.js';

/**
 * One NPS as every page shows it: whole points, then its margin to one decimal (or "all 4 contacts answered"
 * when everyone asked answered — never "±0.0"), then how many answers stand behind it. `compact` leaves the
 * count out where the table has its own answers column.
 */
export function NpsFigure({ figure, period, compact = false }: { figure: Figure; period?: string | null; compact?: boolean }) {
  if (figure.nps === null) return <span class="nps-figure muted">—</span>;
  const margin = formatNpsMargin(figure);
  const everyone = Boolean(figure.everyoneAnswered && figure.asked);
  return (
    <span class="nps-figure" data-period={period ?? undefined}>
      <span class="nps-value">{formatNps(figure.nps)}</span>
      {margin && !everyone && <span class="nps-margin"> {margin}</span>}
      {everyone && <span class="nps-n muted small"> · {margin}</span>}
      {!everyone && !compact && <span class="nps-n muted small"> · {plural(figure.responses, 'answer')}</span>}
    </span>
  );
}
