const tabs = [
  { href: '/program/selection', label: 'Selection' },
  { href: '/program/value', label: 'Value analysis' },
  { href: '/program/evaluation', label: 'Program evaluation' },
  { href: '/program/scorecards', label: 'Scorecards' },
];

/** The sub-navigation between the program pages (`/program` is the selection). */
export function ProgramTabs({ current }: { current: string }) {
  return (
    <nav aria-label="Key-account program" class="program-tabs no-print">
      <ul class="tabs">
        {tabs.map((t) => (
          <li key={t.href}>
            <a href={t.href} aria-current={t.href === current ? 'page' : undefined}>
              {t.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
