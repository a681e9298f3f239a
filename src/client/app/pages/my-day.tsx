import { useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import { useLocation } from 'preact-iso';
import { api, withQuery } from '../api.js';
import { useApi, type Resource } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit, currentUser } from '../session.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Pagination } from '../components/pagination.js';
import { RiskBadge } from '../components/risk-badge.js';
import { formatDate, formatDateTime, formatNumber, humanize, plural, relativeDays } from '../format.js';
import { NpsFigure } from '../components/nps-figure.js';
import { TeamPulseCards } from '../components/team-pulse-cards.js';
import type { MyDay, NewResponse } from '../../../shared/schemas/my-day.js';
import { FIRST_VISIT_DAYS } from '../../../shared/my-day-window.js';
import type { Task } from '../../../shared/schemas/task.js';
import type { RiskReport } from '../../../shared/schemas/risk-report.js';
import type { Page as ApiPage } from '../../../shared/schemas/common.js';

const TASKS_SHOWN = 25;

/**
 * The account manager's home: what needs doing (my open tasks, soonest due first), what customers said since
 * I last looked (detractors first, in their own words), and how my accounts are doing.
 */
export default function MyDayPage() {
  usePageTitle('My day');
  const name = currentUser.value?.name.split(' ')[0] ?? '';
  // Fetched here, once, for the figures at the top and the lists below them.
  const tasks = useApi<ApiPage<Task>>(withQuery('/api/tasks', { assignee: 'me', status: 'open,in_progress', pageSize: TASKS_SHOWN }));
  const risk = useApi<RiskReport>('/api/reports/risk?owner=me');
  return (
    <>
      <h1>My day</h1>
      <p class="muted">Hello {name}. Here is what needs you today.</p>
      <LogTouchpoint />
      <Glance tasks={tasks} risk={risk} />
      <TeamPulseCards />
      <div class="columns my-day">
        <MyTasks tasks={tasks} />
        <MyAccounts risk={risk} />
      </div>
      <NewAnswers />
    </>
  );
}

function DueDate({ task }: { task: Task }) {
  return task.overdue ? (
    <span class="overdue">
      <span aria-hidden="true">⚠ </span>Overdue · due {formatDate(task.dueAt)}
    </span>
  ) : (
    <span>
      Due {relativeDays(task.dueAt.slice(0, 10))} <span class="muted">({formatDate(task.dueAt)})</span>
    </span>
  );
}

/** The day's figures first: open and overdue tasks, accounts at risk. Nothing until both have loaded. */
function Glance({ tasks, risk }: { tasks: Resource<ApiPage<Task>>; risk: Resource<RiskReport> }) {
  if (!tasks.data || !risk.data) return null;
  const overdue = tasks.data.data.filter((t) => t.overdue).length;
  const atRisk = risk.data.accounts.filter((a) => a.level === 'red').length;
  const watch = risk.data.accounts.filter((a) => a.level === 'amber').length;
  return (
    <ul class="cards glance" aria-label="Today at a glance">
      <li class="card">
        <p class="card-label">Open tasks</p>
        <p class="stat">{formatNumber(tasks.data.total)}</p>
        <p class={overdue > 0 ? 'overdue' : 'muted'}>{overdue > 0 ? `${formatNumber(overdue)} overdue` : 'None overdue'}</p>
      </li>
      <li class="card">
        <p class="card-label">Accounts at risk</p>
        <p class="stat">{formatNumber(atRisk)}</p>
        <p class="muted">
          of {plural(risk.data.accounts.length, 'account')}
          {watch > 0 && <> · {formatNumber(watch)} to watch</>}
        </p>
      </li>
    </ul>
  );
}

function MyTasks({ tasks }: { tasks: Resource<ApiPage<Task>> }) {
  const overdue = tasks.data?.data.filter((t) => t.overdue).length ?? 0;
  return (
    <section aria-labelledby="my-tasks-title">
      <h2 id="my-tasks-title">My open tasks</h2>
      {tasks.loading && !tasks.data && <Loading what="Loading your tasks…" />}
      {tasks.error && <ErrorState error={tasks.error} retry={tasks.reload} />}
      {tasks.data && tasks.data.total === 0 && (
        <Empty>
          <p>No open tasks — well done.</p>
        </Empty>
      )}
      {tasks.data && tasks.data.total > 0 && (
        <>
          <p>
            {plural(tasks.data.total, 'open task')}
            {overdue > 0 && (
              <>
                , <span class="overdue">{formatNumber(overdue)} overdue</span>
              </>
            )}
            .
          </p>
          <ul class="task-list">
            {tasks.data.data.map((task) => (
              <li key={task.id} class={task.overdue ? 'is-overdue' : undefined}>
                <a href={`/tasks/${task.id}`}>{task.title}</a>
                <span class="task-meta">
                  {task.accountName} · <span class={`priority priority-${task.priority}`}>{humanize(task.priority)} priority</span>
                  {task.status === 'in_progress' && ' · In progress'}
                </span>
                <span class="task-meta">
                  <DueDate task={task} />
                </span>
              </li>
            ))}
          </ul>
          {tasks.data.total > tasks.data.data.length && (
            <p>
              <a href="/tasks?assignee=me">All {formatNumber(tasks.data.total)} of my open tasks</a>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function MyAccounts({ risk }: { risk: Resource<RiskReport> }) {
  return (
    <section aria-labelledby="my-accounts-title">
      <h2 id="my-accounts-title">My accounts</h2>
      {risk.loading && !risk.data && <Loading what="Loading your accounts…" />}
      {risk.error && <ErrorState error={risk.error} retry={risk.reload} />}
      {risk.data && risk.data.accounts.length === 0 && (
        <Empty>
          <p>
            You own no accounts yet. <a href="/accounts">See the accounts</a>.
          </p>
        </Empty>
      )}
      {risk.data && risk.data.accounts.length > 0 && (
        <div class="table-wrap">
          <table class="data my-accounts">
            <caption class="visually-hidden">My accounts with their latest NPS and risk</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col" class="num">
                  NPS
                </th>
                <th scope="col">Risk</th>
              </tr>
            </thead>
            <tbody>
              {risk.data.accounts.map((a) => (
                <tr key={a.accountId}>
                  <th scope="row">
                    <a href={`/accounts/${a.accountId}`}>{a.name}</a>
                    <span class="muted small"> {humanize(a.stage)}</span>
                  </th>
                  <td class="num">
                    <NpsFigure
                      figure={{ nps: a.nps, margin: a.npsMargin, responses: a.npsResponses, asked: a.npsAsked, everyoneAnswered: a.npsEveryoneAnswered }}
                      period={a.npsPeriod}
                    />
                    {a.npsPeriod && <span class="muted small"> {a.npsPeriod}</span>}
                  </td>
                  <td>
                    <RiskBadge level={a.level} />
                    {a.reasons[0] && <span class="risk-reason">{a.reasons[0].text}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ResponseCard({ response }: { response: NewResponse }) {
  return (
    <li class={`answer-card ${response.category ?? 'unscored'}`}>
      <p class="answer-head">
        {response.category ? (
          <span class={`badge ${response.category}`}>
            {humanize(response.category)} · {response.npsScore}
          </span>
        ) : (
          <span class="badge">No score yet</span>
        )}{' '}
        <strong>{response.contactName}</strong> at <a href={`/accounts/${response.accountId}`}>{response.accountName}</a>
        <span class="muted small">
          {' '}
          · {formatDateTime(response.submittedAt)}
          {!response.complete && ' · not finished'}
        </span>
      </p>
      {response.words.length > 0 ? (
        response.words.map((w, i) => (
          <blockquote key={i}>
            “{w}”
          </blockquote>
        ))
      ) : (
        <p class="muted small">No comment given.</p>
      )}
      {response.task && (
        <p class="answer-task">
          <a href={`/tasks/${response.task.id}`}>
            Open the task: {response.task.title}
          </a>{' '}
          <span class="muted small">({humanize(response.task.status)})</span>
        </p>
      )}
    </li>
  );
}

function NewAnswers() {
  const [page, setPage] = useState(1);
  // A first visit shows the last 30 days; the person may look further back (never "everything since the start"),
  // kept in the address so a reload shows the same.
  const { path, query, route } = useLocation();
  const days = [90, 365].includes(Number(query.days)) ? Number(query.days) : FIRST_VISIT_DAYS;
  const setDays = (n: number) => route(`${path}?days=${n}`, true);
  const day = useApi<MyDay>(withQuery('/api/me/day', { page, days: days === FIRST_VISIT_DAYS ? undefined : days }));
  const [marking, setMarking] = useState(false);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState('');
  const since = day.data?.seenAt ? formatDateTime(day.data.seenAt) : null;

  async function markSeen() {
    if (!day.data) return;
    setMarking(true);
    setProblem('');
    // Up to the moment this list was read: answers that came in meanwhile stay new.
    const result = await api.post<{ seenAt: string }>('/api/me/responses-seen', { upTo: day.data.generatedAt });
    setMarking(false);
    if (!result.ok) {
      setProblem(result.error.message);
      return;
    }
    setStatus(`Marked ${plural(day.data.total, 'answer')} as seen.`);
    setPage(1);
    day.reload();
  }

  // A first visit shows a month; looking further back is one click, with answers or without.
  const furtherBack = !since && days < 365 && (
    <p class="actions">
      {days < 90 && (
        <button type="button" class="secondary" onClick={() => (setPage(1), setDays(90))}>
          Show the last 90 days
        </button>
      )}
      <button type="button" class="secondary" onClick={() => (setPage(1), setDays(365))}>
        Show the last 12 months
      </button>
    </p>
  );

  return (
    <section aria-labelledby="new-answers-title">
      <div class="section-head">
        <h2 id="new-answers-title">{since ? <>New answers since {since}</> : <>New answers from the last {days === 365 ? '12 months' : `${days} days`}</>}</h2>
        {canEdit() && day.data && day.data.total > 0 && (
          <button type="button" class="secondary" onClick={markSeen} disabled={marking}>
            {marking ? 'Marking…' : 'Mark as seen'}
          </button>
        )}
      </div>
      <div role="status" aria-live="polite">
        {status && <p class="notice">{status}</p>}
      </div>
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
      {day.loading && !day.data && <Loading what="Loading new answers…" />}
      {day.error && <ErrorState error={day.error} retry={day.reload} />}
      {day.data && day.data.total === 0 && (
        <Empty>
          <p>
            {since ? `No new answers since ${since}.` : `No answers on your accounts in the last ${days === 365 ? '12 months' : `${days} days`}.`}{' '}
            <a href="/campaigns/new">Send a campaign</a> to hear from your customers.
          </p>
          {furtherBack}
        </Empty>
      )}
      {day.data && day.data.total > 0 && (
        <>
          <p>
            {plural(day.data.total, 'new answer')}
            {day.data.detractors > 0 && (
              <>
                , <strong>{formatNumber(day.data.detractors)} from {day.data.detractors === 1 ? 'a detractor' : 'detractors'}</strong> (shown first)
              </>
            )}
            . They stay here until you mark them as seen.
          </p>
          <ul class="answer-list">
            {day.data.responses.map((r) => (
              <ResponseCard key={r.id} response={r} />
            ))}
          </ul>
          <Pagination page={day.data.page} pageSize={day.data.pageSize} total={day.data.total} onPage={setPage} noun="answers" />
          {furtherBack}
        </>
      )}
    </section>
  );
}

/**
 * "Log a touchpoint": the button alone until pressed, then the quick add (components/touchpoints.tsx). The form and
 * its validation load only then, so My day, the page most people open first, stays light.
 */
function LogTouchpoint() {
  const [Form, setForm] = useState<ComponentType<{ startOpen?: boolean }> | null>(null);
  const [failed, setFailed] = useState(false);
  if (!canEdit()) return null;
  if (Form) return <Form startOpen />;
  const open = () =>
    import('../components/touchpoints.js').then(
      (m) => setForm(() => m.MyDayTouchpoint),
      () => setFailed(true),
    );
  return (
    <section class="my-day-touchpoint" aria-label="Log a touchpoint">
      <p role="status" class="saved">
        {failed && 'The form could not be loaded. Check your connection and try again.'}
      </p>
      <button type="button" class="secondary" onClick={open}>
        Log a touchpoint
      </button>
    </section>
  );
}
