import { useLocation } from 'preact-iso';
import { useApi, type Resource } from '../use-api.js';
import { withQuery } from '../api.js';
import { usePageTitle } from '../use-page-title.js';
import { currentUser, isManager } from '../session.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Pagination } from '../components/pagination.js';
import { formatDate, humanize, plural } from '../format.js';
import type { Task } from '../../../shared/schemas/task.js';
import type { User } from '../../../shared/schemas/user.js';
import type { Page as ApiPage } from '../../../shared/schemas/common.js';

const PAGE_SIZE = 25;

/** The status filter's choices: the API takes a comma-separated list. */
const statusChoices = [
  { value: 'open,in_progress', label: 'Open and in progress' },
  { value: 'open', label: 'Open' },
  { value: 'in_progress', label: 'In progress' },
  { value: 'done,dismissed', label: 'Done or dismissed' },
  { value: 'all', label: 'Any status' },
];

const statusWords: Record<Task['status'], string> = { open: 'Open', in_progress: 'In progress', done: 'Done', dismissed: 'Dismissed' };

interface Filters {
  assignee: string;
  status: string;
  priority: string;
  overdue: boolean;
  accountId: string;
  page: number;
  view: 'list' | 'board';
}

/** The filters live in the URL, so a filtered list can be bookmarked, shared and reloaded. */
function readFilters(query: Record<string, string>): Filters {
  const page = Number.parseInt(query.page ?? '1', 10);
  return {
    assignee: query.assignee ?? (isManager() ? 'me' : 'anyone'),
    status: query.status ?? 'open,in_progress',
    priority: query.priority ?? '',
    overdue: query.overdue === 'true',
    accountId: query.accountId ?? '',
    page: Number.isFinite(page) && page > 0 ? page : 1,
    view: query.view === 'board' ? 'board' : 'list',
  };
}

function toUrl(f: Filters): string {
  return withQuery('/tasks', {
    assignee: f.assignee === (isManager() ? 'me' : 'anyone') ? undefined : f.assignee,
    status: f.status === 'open,in_progress' ? undefined : f.status,
    priority: f.priority,
    overdue: f.overdue ? 'true' : undefined,
    accountId: f.accountId,
    page: f.page > 1 ? f.page : undefined,
    view: f.view === 'board' ? 'board' : undefined,
  });
}

/** The board's columns: each is its own query, soonest due first; closed ones newest first. */
const boardColumns = [
  { status: 'open', title: 'Open' },
  { status: 'in_progress', title: 'In progress' },
  { status: 'done,dismissed', title: 'Done or dismissed', sort: '-closed' },
];
const BOARD_SIZE = 20;

function DueCell({ task }: { task: Task }) {
  return task.overdue ? (
    <span class="overdue">
      <span aria-hidden="true">⚠ </span>Overdue · {formatDate(task.dueAt)}
    </span>
  ) : (
    <>{formatDate(task.dueAt)}</>
  );
}

function BoardColumn({ status, title, sort, filters, assigneeName }: { status: string; title: string; sort?: string; filters: Filters; assigneeName: (id: string) => string }) {
  const path = withQuery('/api/tasks', {
    assignee: filters.assignee === 'anyone' ? undefined : filters.assignee,
    status,
    priority: filters.priority,
    overdue: filters.overdue ? 'true' : undefined,
    accountId: filters.accountId,
    sort,
    pageSize: BOARD_SIZE,
  });
  const tasks = useApi<ApiPage<Task>>(path);
  const id = `column-${status.replace(/\W/g, '-')}`;
  return (
    <section class="board-column" aria-labelledby={id}>
      <h2 id={id}>
        {title} {tasks.data && <span class="count">({tasks.data.total})</span>}
      </h2>
      {tasks.loading && !tasks.data && <Loading what={`Loading ${title.toLowerCase()} tasks…`} />}
      {tasks.error && <ErrorState error={tasks.error} retry={tasks.reload} />}
      {tasks.data && tasks.data.total === 0 && <p class="muted">None.</p>}
      {tasks.data && tasks.data.total > 0 && (
        <ul class="task-list">
          {tasks.data.data.map((t) => (
            <li key={t.id} class={t.overdue ? 'is-overdue' : undefined}>
              <a href={`/tasks/${t.id}`}>{t.title}</a>
              <span class="task-meta">
                {t.accountName} · <span class={`priority priority-${t.priority}`}>{humanize(t.priority)}</span>
                {t.status === 'dismissed' && ' · Dismissed'}
              </span>
              <span class="task-meta">
                {t.closedAt ? <>Closed {formatDate(t.closedAt)}</> : <DueCell task={t} />} · {assigneeName(t.assigneeId)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {tasks.data && tasks.data.total > tasks.data.data.length && (
        <p>
          <a href={toUrl({ ...filters, view: 'list', status, page: 1 })}>All {tasks.data.total} in the list</a>
        </p>
      )}
    </section>
  );
}

export default function TasksPage() {
  usePageTitle('Tasks');
  const { query, route } = useLocation();
  const filters = readFilters(query);
  const seesEveryone = !isManager();
  const me = currentUser.value!;
  const apiPath = withQuery('/api/tasks', {
    assignee: filters.assignee === 'anyone' ? undefined : filters.assignee,
    status: filters.status === 'all' ? undefined : filters.status,
    priority: filters.priority,
    overdue: filters.overdue ? 'true' : undefined,
    accountId: filters.accountId,
    page: filters.page,
    pageSize: PAGE_SIZE,
  });
  const tasks = useApi<ApiPage<Task>>(filters.view === 'list' ? apiPath : null);
  // Managers see their own accounts; the account filter lists them (and everyone's, for admins and executives).
  const accounts = useApi<ApiPage<{ id: string; name: string }>>('/api/accounts?pageSize=100&sort=name');
  const users = useApi<ApiPage<User>>(seesEveryone ? '/api/users?pageSize=100' : null);
  const people = new Map((users.data?.data ?? []).map((u) => [u.id, u.name]));
  const assigneeName = (id: string) => (id === me.id ? 'You' : (people.get(id) ?? 'A colleague'));

  const change = (patch: Partial<Filters>) => route(toUrl({ ...filters, page: 1, ...patch }), true);
  const filtered = filters.priority || filters.overdue || filters.accountId || filters.status !== 'open,in_progress' || filters.assignee !== (isManager() ? 'me' : 'anyone');

  return (
    <>
      <div class="page-head">
        <h1>Tasks</h1>
        <nav class="view-switch" aria-label="View">
          <a href={toUrl({ ...filters, view: 'list' })} aria-current={filters.view === 'list' ? 'page' : undefined}>
            List
          </a>
          <a href={toUrl({ ...filters, view: 'board', status: 'open,in_progress', page: 1 })} aria-current={filters.view === 'board' ? 'page' : undefined}>
            Board by status
          </a>
        </nav>
      </div>
      <form class="toolbar task-filters" role="search" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-assignee">Assigned to</label>
          <select id="f-assignee" value={filters.assignee} onChange={(e) => change({ assignee: e.currentTarget.value })}>
            <option value="me">Me</option>
            <option value="anyone">Anyone</option>
            {seesEveryone &&
              (users.data?.data ?? [])
                .filter((u) => u.role !== 'executive' && u.id !== me.id)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
          </select>
        </div>
        {filters.view === 'list' && (
          <div class="field">
            <label for="f-status">Status</label>
            <select id="f-status" value={filters.status} onChange={(e) => change({ status: e.currentTarget.value })}>
              {statusChoices.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="field">
          <label for="f-priority">Priority</label>
          <select id="f-priority" value={filters.priority} onChange={(e) => change({ priority: e.currentTarget.value })}>
            <option value="">Any priority</option>
            <option value="high">High</option>
            <option value="normal">Normal</option>
            <option value="low">Low</option>
          </select>
        </div>
        <div class="field">
          <label for="f-account">Account</label>
          <select id="f-account" value={filters.accountId} onChange={(e) => change({ accountId: e.currentTarget.value })}>
            <option value="">All accounts</option>
            {(accounts.data?.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field checkbox-field">
          <input id="f-overdue" type="checkbox" checked={filters.overdue} onChange={(e) => change({ overdue: e.currentTarget.checked })} />
          <label for="f-overdue">Overdue only</label>
        </div>
        {filtered && (
          <a class="button secondary" href="/tasks">
            Clear filters
          </a>
        )}
      </form>

      {filters.view === 'board' ? (
        <div class="board task-board">
          {boardColumns.map((c) => (
            <BoardColumn key={c.status} status={c.status} title={c.title} sort={c.sort} filters={filters} assigneeName={assigneeName} />
          ))}
        </div>
      ) : (
        <TaskList tasks={tasks} filtered={Boolean(filtered)} assigneeName={assigneeName} onPage={(page) => route(toUrl({ ...filters, page }))} />
      )}
    </>
  );
}

function TaskList({
  tasks,
  filtered,
  assigneeName,
  onPage,
}: {
  tasks: Resource<ApiPage<Task>>;
  filtered: boolean;
  assigneeName: (id: string) => string;
  onPage: (page: number) => void;
}) {
  return (
    <>
      <div role="status" aria-live="polite" class="visually-hidden">
        {tasks.data && !tasks.loading ? `${plural(tasks.data.total, 'task')} found` : ''}
      </div>
      {tasks.loading && !tasks.data && <Loading what="Loading tasks…" />}
      {tasks.error && <ErrorState error={tasks.error} retry={tasks.reload} />}
      {tasks.data && tasks.data.total === 0 && (
        <Empty>
          {filtered ? (
            <p>
              No tasks match these filters. <a href="/tasks">Clear the filters</a>.
            </p>
          ) : (
            <p>
              No open tasks — well done. Tasks appear when customers' answers need a follow-up; <a href="/campaigns/new">send a campaign</a> to hear from them.
            </p>
          )}
        </Empty>
      )}
      {tasks.data && tasks.data.total > 0 && (
        <>
          <div class="table-wrap">
            <table class="data task-table" aria-busy={tasks.loading}>
              <caption class="visually-hidden">Tasks, soonest due first</caption>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Account</th>
                  <th scope="col">Status</th>
                  <th scope="col">Priority</th>
                  <th scope="col" aria-sort="ascending">
                    Due
                  </th>
                  <th scope="col">Assigned to</th>
                </tr>
              </thead>
              <tbody>
                {tasks.data.data.map((t) => (
                  <tr key={t.id} class={t.overdue ? 'is-overdue' : undefined}>
                    <th scope="row">
                      <a href={`/tasks/${t.id}`}>{t.title}</a>
                    </th>
                    <td data-label="Account">
                      <a href={`/accounts/${t.accountId}`}>{t.accountName}</a>
                    </td>
                    <td data-label="Status">
                      <span class={`status status-${t.status}`}>{statusWords[t.status]}</span>
                    </td>
                    <td data-label="Priority">
                      <span class={`priority priority-${t.priority}`}>{humanize(t.priority)}</span>
                    </td>
                    <td data-label="Due">
                      <DueCell task={t} />
                    </td>
                    <td data-label="Assigned to">{assigneeName(t.assigneeId)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={tasks.data.page}
            pageSize={tasks.data.pageSize}
            total={tasks.data.total}
            onPage={onPage}
            noun="tasks"
          />
        </>
      )}
    </>
  );
}
