import { formatDate, formatNumber, plural } from '../format.js';
import type { ProgramAccount, ProgramReport } from '../../../shared/schemas/program-report.js';

const EXECUTIVE_MEANS = 'a touchpoint with at least one instigator-level contact present — the people who set the direction and sign off';

const listed = (accounts: ProgramAccount[]) => accounts.map((a) => a.accountName).join(', ');

/**
 * The program evaluation's "Meeting the customer": how many key accounts had an executive-level touch in the half
 * and a social event in the last twelve months, with the accounts that had none named.
 */
export function ProgramTouchSummary({ report }: { report: ProgramReport }) {
  const t = report.touches;
  const total = report.accounts.length;
  const noExecutive = report.accounts.filter((a) => a.touches.executive === 0);
  const noSocial = report.accounts.filter((a) => a.touches.socialEventOn === null);
  return (
    <section class="program-touches" aria-labelledby="touches-heading">
      <h2 id="touches-heading">Meeting the customer</h2>
      <ul class="cards">
        <li class="card">
          <p class="card-label">Executive-level touch in {report.period}</p>
          <p class="stat">
            {formatNumber(t.withExecutiveTouch)} of {plural(total, 'key account')}
          </p>
          <p class="muted small">{noExecutive.length ? `None at ${listed(noExecutive)}` : 'Every key account'}</p>
        </li>
        <li class="card">
          <p class="card-label">Social event in the last twelve months</p>
          <p class="stat">
            {formatNumber(t.withSocialEvent)} of {plural(total, 'key account')}
          </p>
          <p class="muted small">{noSocial.length ? `None at ${listed(noSocial)}` : 'Every key account'}</p>
        </li>
      </ul>
      <p class="muted small">
        From the touchpoints logged. An executive-level touch is {EXECUTIVE_MEANS}, whatever its kind, between {formatDate(report.from)} and{' '}
        {formatDate(report.to)}. The social event counts from {formatDate(t.socialFrom)} to {formatDate(t.socialTo)}.
      </p>
    </section>
  );
}

/** One key account's line: touchpoints in the half, the executive-level ones, and its latest social event. */
export function AccountTouchFacts({ touches: t }: { touches: ProgramAccount['touches'] }) {
  return (
    <div>
      <dt>Meeting the customer</dt>
      <dd>
        {plural(t.touches, 'touchpoint')} this half, {formatNumber(t.executive)} at executive level
        {t.lastExecutiveOn && ` (last ${formatDate(t.lastExecutiveOn)})`};{' '}
        {t.socialEventOn ? `social event ${formatDate(t.socialEventOn)}` : <strong>no social event in the last twelve months</strong>}
      </dd>
    </div>
  );
}
