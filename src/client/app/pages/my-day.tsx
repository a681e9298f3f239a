import { useState } from 'preact/hooks';
import { api, withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit, currentUser } from '../session.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Pagination } from '../components/pagination.js';
import { RiskBadge } from '../components/risk-badge.js';
import { formatDate, formatDateTime, formatNps, formatNumber, humanize, relativeDays } from '../format.js';
import type { MyDay, NewResponse } from '../../../shared/schemas/my-day.js';
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
  return (
    <>
      <h1>My day</h1>
      <p class="muted">Hello {name}. Here is what needs you today.</p>
      <div class="columns my-day">
        <MyTasks />
        <MyAccounts />
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

function MyTasks() {
  const tasks = useApi<ApiPage<Task>>(withQuery('/api/tasks', { assignee: 'me', status: 'open,in_progress', pageSize: TASKS_SHOWN }));
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
            {formatNumber(tasks.data.total)} open {tasks.data.total === 1 ? 'task' : 'tasks'}
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

function MyAccounts() {
  const risk = useApi<RiskReport>('/api/reports/risk?owner=me');
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
                    {formatNps(a.nps)}
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
  const day = useApi<MyDay>(withQuery('/api/me/day', { page }));
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
    setStatus(`Marked ${formatNumber(day.data.total)} ${day.data.total === 1 ? 'answer' : 'answers'} as seen.`);
    setPage(1);
    day.reload();
  }

  return (
    <section aria-labelledby="new-answers-title">
      <div class="section-head">
        <h2 id="new-answers-title">New answers {since ? <>since {since}</> : <>on my accounts</>}</h2>
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
            {since ? `No new answers since ${since}.` : 'No answers yet on your accounts.'}{' '}
            <a href="/campaigns/new">Send a campaign</a> to hear from your customers.
          </p>
        </Empty>
      )}
      {day.data && day.data.total > 0 && (
        <>
          <p>
            {formatNumber(day.data.total)} new {day.data.total === 1 ? 'answer' : 'answers'}
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
        </>
      )}
    </section>
  );
}
