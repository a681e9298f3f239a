import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { TeamPulseForm, halfWords } from '../components/team-pulse.js';
import { formatDateTime } from '../format.js';
import type { MyTeamPulse, MyTeamPulses } from '../../../shared/schemas/team-pulse.js';

/**
 * My team pulses this half: for each key account whose team I am on, two marks and a few words — answered from a
 * My day card (`?account=` shows that one account) and revised here until the half ends.
 */
export default function TeamPulsePage() {
  usePageTitle('Team pulse');
  const pulses = useApi<MyTeamPulses>('/api/team-pulse');
  const { query } = useLocation();
  const [status, setStatus] = useState('');
  const [saved, setSaved] = useState<Record<string, MyTeamPulse>>({});
  const all = (pulses.data?.pulses ?? []).map((p) => saved[p.accountId] ?? p);
  const only = all.find((p) => p.accountId === query.account);
  const shown = only ? [only] : all;

  const onSaved = (p: MyTeamPulse) => {
    setSaved({ ...saved, [p.accountId]: p });
    setStatus(`Thank you — your answer for ${p.accountName} is saved. You can revise it here until the end of ${halfWords(p.period)}.`);
  };

  return (
    <>
      <h1>Team pulse{pulses.data ? ` ${halfWords(pulses.data.period)}` : ''}</h1>
      <p class="lead">
        Each half, the people on a key account’s team say how well we deliver to it and how smoothly our departments work together for it. Your marks and
        words are shown to the account’s manager, executives and admins without your name, and only once at least three people on the team have answered.
      </p>
      <div role="status" aria-live="polite">
        {status && (
          <p class="notice">
            {status} <a href="/my-day">Back to My day</a>
          </p>
        )}
      </div>
      {pulses.loading && !pulses.data && <Loading what="Loading your team pulses…" />}
      {pulses.error && <ErrorState error={pulses.error} retry={pulses.reload} />}
      {pulses.data && all.length === 0 && (
        <Empty>
          <p>You are not on the team of any key account, so there is nothing to answer.</p>
        </Empty>
      )}
      {shown.map((p) => (
        <section key={p.accountId} id={`pulse-${p.accountId}`} class="card team-pulse" aria-labelledby={`pulse-${p.accountId}-title`}>
          <h2 id={`pulse-${p.accountId}-title`}>
            How are we doing for {p.accountName}? ({halfWords(p.period)})
          </h2>
          <p class="muted small">
            You are on the team as {p.teamRole}.{p.answer && ` Answered ${formatDateTime(p.answer.updatedAt)}.`}
          </p>
          <TeamPulseForm pulse={p} onSaved={onSaved} />
        </section>
      ))}
      {only && all.length > 1 && (
        <p>
          <a href="/team-pulse">All your team pulses ({all.length})</a>
        </p>
      )}
    </>
  );
}
