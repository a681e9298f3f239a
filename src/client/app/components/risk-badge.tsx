export type RiskLevel = 'green' | 'amber' | 'red';

const words: Record<RiskLevel, string> = { green: 'On track', amber: 'Watch', red: 'At risk' };
const icons: Record<RiskLevel, string> = { green: '●', amber: '▲', red: '■' };

/** Risk as color, shape and word together: never color alone. */
export function RiskBadge({ level, title }: { level: RiskLevel | null | undefined; title?: string }) {
  if (!level) return <span class="muted">—</span>;
  return (
    <span class={`risk risk-${level}`} title={title}>
      <span aria-hidden="true">{icons[level]}</span> {words[level]}
    </span>
  );
}
