import { useApi } from '../use-api.js';
import type { MyTeamPulses } from '../../../shared/schemas/team-pulse.js';

/*
 * The team pulse cards on My day and the overview. Kept apart from the answer form (team-pulse.tsx), which needs the
 * zod schemas: these pages are the first a person sees, and load no validation code until it is needed.
 */

/** '2026-H2' → 'H2 2026'. */
export const halfWords = (period: string) => period.replace(/^(\d{4})-(H[12])$/, '$2 $1');

/** My day: one card per key account whose team I am on and have not answered this half. */
export function TeamPulseCards() {
  const pulses = useApi<MyTeamPulses>('/api/team-pulse');
  const open = pulses.data?.pulses.filter((p) => p.answer === null) ?? [];
  if (!open.length) return null;
  return (
    <section aria-labelledby="team-pulse-cards-title" class="team-pulse-cards">
      <h2 id="team-pulse-cards-title">Your team pulse</h2>
      <ul class="cards">
        {open.map((p) => (
          <li key={p.accountId} class="card">
            <p class="card-label">
              How are we doing for {p.accountName}? ({halfWords(p.period)})
            </p>
            <p class="muted small">Two marks out of ten and a few words, shown without your name.</p>
            <p>
              <a href={`/team-pulse?account=${p.accountId}`}>Answer for {p.accountName}</a>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

