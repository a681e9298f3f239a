import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { withQuery } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Pagination } from '../components/pagination.js';
import { CsvLink } from '../components/csv-link.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { actionGroups, actionLabel, actorText, detailText, targetOf, viaText } from '../components/audit-words.js';
import { formatDateTime } from '../format.js';
import { AuditLogQuery, type AuditEntry } from '../../../shared/schemas/audit.js';
import type { Page } from '../../../shared/schemas/common.js';

const PAGE_SIZE = 50;
const PATH = '/admin/audit-log';

/** The filters live in the URL (bookmarkable, shareable); dates are calendar days in the browser's time zone. */
interface Filters {
  action: string;
  actor: string;
  from: string;
  to: string;
  targetType: string;
  targetId: string;
  page: number;
}

function readFilters(query: Record<string, string>): Filters {
  const page = Number.parseInt(query.page ?? '1', 10);
  return {
    action: query.action ?? '',
    actor: query.actor ?? '',
    from: query.from ?? '',
    to: query.to ?? '',
    targetType: query.targetType ?? '',
    targetId: query.targetId ?? '',
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

const toUrl = (f: Filters) => withQuery(PATH, { ...f, page: f.page > 1 ? f.page : undefined });

/** A local calendar day's first or last instant, so "to 3 March" includes the evening of 3 March here. */
function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const instant = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
}

/** The API's filters for these page filters (the CSV link takes the same, without paging). */
const apiFilters = (f: Filters) => ({
  action: f.action || undefined,
  actor: f.actor || undefined,
  from: dayBound(f.from, false),
  to: dayBound(f.to, true),
  targetType: f.targetType || undefined,
  targetId: f.targetId || undefined,
});

/** Admin · Audit log: who did what, when and from where; filter, page through, download. */
export default function AdminAuditLog() {
  usePageTitle('Audit log · Admin');
  return (
    <AdminFrame current={PATH} title="Audit log">
      <AuditLogPanel />
    </AdminFrame>
  );
}

function AuditLogPanel() {
  const { query, route } = useLocation();
  const filters = readFilters(query);
  const entries = useApi<Page<AuditEntry>>(withQuery('/api/audit-log', { ...apiFilters(filters), page: filters.page, pageSize: PAGE_SIZE }));
  const filtered = Boolean(filters.action || filters.actor || filters.from || filters.to || filters.targetType || filters.targetId);

  return (
    <>
      <p>
        Every sign-in, change to users, settings, rules, stages and campaigns, and every export, with who did it and from which
        address. Nobody can change or delete an entry; old entries are removed only when a retention period is configured.
      </p>
      <FilterForm filters={filters} onApply={(f) => route(toUrl({ ...f, page: 1 }))} />
      {filters.targetType && (
        <p>
          Showing only the entries about one {targetWord(filters.targetType)}.{' '}
          <a href={toUrl({ ...filters, targetType: '', targetId: '', page: 1 })}>Show all entries</a>
        </p>
      )}
      <div role="status" aria-live="polite" class="visually-hidden">
        {entries.data && !entries.loading ? `${entries.data.total} entries found` : ''}
      </div>
      {entries.loading && !entries.data && <Loading what="Loading the audit log…" />}
      {entries.error && <ErrorState error={entries.error} retry={entries.reload} />}
      {entries.data && entries.data.total === 0 && (
        <Empty>
          {filtered ? (
            <p>
              No entries match these filters. <a href={PATH}>Clear the filters</a>.
            </p>
          ) : (
            <p>Nothing recorded yet. Sign-ins, changes and exports appear here as they happen.</p>
          )}
        </Empty>
      )}
      {entries.data && entries.data.total > 0 && (
        <>
          <div class="section-head">
            <CsvLink path="/api/audit-log" query={apiFilters(filters)} label="Download these entries (CSV)" />
          </div>
          <AuditTable entries={entries.data.data} onActor={(actor) => route(toUrl({ ...filters, actor, page: 1 }))} />
          <Pagination
            page={entries.data.page}
            pageSize={entries.data.pageSize}
            total={entries.data.total}
            onPage={(page) => route(toUrl({ ...filters, page }))}
            noun="entries"
          />
        </>
      )}
    </>
  );
}

const targetWord = (type: string) => type.replaceAll('_', ' ');

/** Applied on submit: a half-typed email is not a filter yet. */
function FilterForm({ filters, onApply }: { filters: Filters; onApply: (f: Filters) => void }) {
  const [form, setForm] = useState(filters);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => setForm(filters), [filters.action, filters.actor, filters.from, filters.to]);
  const set = (key: 'action' | 'actor' | 'from' | 'to') => (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value });

  function submit(e: Event) {
    e.preventDefault();
    const next = { ...form, actor: form.actor.trim() };
    // The API's own schema, so the browser says what the server would.
    const parsed = AuditLogQuery.safeParse(apiFilters(next));
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    onApply(next);
  }

  return (
    <form class="toolbar" role="search" aria-label="Filter the audit log" onSubmit={submit} noValidate>
      <div class="field">
        <label for="audit-action">Action</label>
        <select id="audit-action" value={form.action} onChange={set('action')}>
          <option value="">Any action</option>
          {actionGroups.map((g) => (
            <optgroup key={g.area} label={g.label}>
              {g.actions.length > 1 && <option value={g.all}>All: {g.label}</option>}
              {g.actions.map((a) => (
                <option key={a.value} value={a.value}>
                  {a.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <Field id="audit-actor" label="Who" error={errors.actor}>
        <input
          id="audit-actor"
          type="text"
          value={form.actor}
          onInput={set('actor')}
          placeholder="email or user id"
          autocomplete="off"
          aria-invalid={errors.actor ? 'true' : undefined}
          aria-describedby={describedBy('audit-actor', errors.actor)}
        />
      </Field>
      <Field id="audit-from" label="From" error={errors.from}>
        <input id="audit-from" type="date" value={form.from} onInput={set('from')} aria-describedby={describedBy('audit-from', errors.from)} />
      </Field>
      <Field id="audit-to" label="To" error={errors.to}>
        <input id="audit-to" type="date" value={form.to} onInput={set('to')} aria-describedby={describedBy('audit-to', errors.to)} />
      </Field>
      <button type="submit">Apply</button>
      {(filters.action || filters.actor || filters.from || filters.to) && (
        <a class="button secondary" href={PATH}>
          Clear filters
        </a>
      )}
    </form>
  );
}

function AuditTable({ entries, onActor }: { entries: AuditEntry[]; onActor: (actor: string) => void }) {
  return (
    <div class="table-wrap">
      <table class="data audit-log">
        <caption class="visually-hidden">Audit log entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">About</th>
            <th scope="col">Address</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const target = targetOf(e);
            const via = viaText(e);
            const detail = detailText(e);
            return (
              <tr key={e.id}>
                <td>
                  <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                </td>
                <td class="break">
                  {e.actorEmail ? (
                    <button type="button" class="linkish" title="Only this person's entries" onClick={() => onActor(e.actorEmail!)}>
                      {actorText(e)}
                    </button>
                  ) : (
                    <span class="muted">{actorText(e)}</span>
                  )}
                  {via && <span class="small muted"> {via}</span>}
                </td>
                <td>
                  {actionLabel(e.action)}
                  {detail && <span class="small muted"> — {detail}</span>}
                </td>
                <td class="break">
                  {target && (target.href ? <a href={target.href}>{target.label}</a> : target.label)}
                  {target && e.targetId && (
                    <>
                      {' '}
                      <a class="small" href={toUrl({ ...readFilters({}), targetType: e.targetType!, targetId: e.targetId })}>
                        history
                      </a>
                    </>
                  )}
                </td>
                <td>{e.ip ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
