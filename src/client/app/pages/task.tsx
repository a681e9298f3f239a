import { useEffect, useRef, useState } from 'preact/hooks';
import { api, issuesByField, type ApiProblem } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit, currentUser, isManager } from '../session.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { formatDate, formatDateTime, humanize, relativeDays } from '../format.js';
import { languageNames, otherLanguageThan } from '../../../shared/language-guess.js';
import { CloseTask, CloseTaskPreview, CreateComment, type LoopEmailPreview, type Task, type TaskContext } from '../../../shared/schemas/task.js';

type TaskDetail = Task & { comments: { id: string; authorId: string; body: string; createdAt: string }[] };

const statusWords: Record<Task['status'], string> = { open: 'Open', in_progress: 'In progress', done: 'Done', dismissed: 'Dismissed' };

/** Why the customer cannot be emailed, in words (null: they can). */
function cannotTell(context: TaskContext): string | null {
  if (!context.contact) return 'This task has no contact to tell.';
  if (context.contact.bounced) return `Email to ${context.contact.name} bounced, so they cannot be told by email.`;
  if (context.contact.unsubscribed) return `${context.contact.name} unsubscribed, so they cannot be told by email.`;
  return null;
}

export default function TaskPage({ id }: { id: string }) {
  const task = useApi<TaskDetail>(`/api/tasks/${id}`);
  const [justClosed, setJustClosed] = useState(false);
  const context = useApi<TaskContext>(`/api/tasks/${id}/context`);
  usePageTitle(task.data ? task.data.title : 'Task');
  const reload = () => {
    task.reload();
    context.reload();
  };

  if (task.error || context.error) {
    return (
      <>
        <h1>Task</h1>
        <ErrorState error={(task.error ?? context.error)!} retry={reload} />
        <p>
          <a href="/tasks">Back to the tasks</a>
        </p>
      </>
    );
  }
  if (!task.data || !context.data) {
    return (
      <>
        <h1>Task</h1>
        <Loading what="Loading the task…" />
      </>
    );
  }
  const t = task.data;
  const ctx = context.data;
  const closed = t.status === 'done' || t.status === 'dismissed';
  const mayWork = canEdit() && ctx.assignees.length > 0;
  return (
    <>
      <p class="breadcrumb no-print">
        <a href="/tasks">Tasks</a> <span aria-hidden="true">›</span> <AccountName account={ctx.account} />
      </p>
      <h1>{t.title}</h1>
      <dl class="task-facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`status status-${t.status}`}>{statusWords[t.status]}</span>
          </dd>
        </div>
        <div>
          <dt>Priority</dt>
          <dd>
            <span class={`priority priority-${t.priority}`}>{humanize(t.priority)}</span>
          </dd>
        </div>
        <div>
          <dt>Due</dt>
          <dd>
            {t.overdue ? (
              <span class="overdue">
                <span aria-hidden="true">⚠ </span>Overdue · {formatDate(t.dueAt)}
              </span>
            ) : (
              <>
                {formatDate(t.dueAt)} {!closed && <span class="muted">({relativeDays(t.dueAt.slice(0, 10))})</span>}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Assigned to</dt>
          <dd>{ctx.people[t.assigneeId] ?? 'A former colleague'}</dd>
        </div>
        <div>
          <dt>Account</dt>
          <dd>
            <AccountName account={ctx.account} /> <span class="muted">(owner: {ctx.account.owner.name})</span>
          </dd>
        </div>
      </dl>

      <div class="columns task-columns">
        <div>
          <CustomerAnswer task={t} context={ctx} />
          <Comments task={t} context={ctx} mayWork={mayWork && !closed} onChange={reload} />
        </div>
        <div>
          {closed ? (
            <ClosedSummary task={t} context={ctx} focus={justClosed} />
          ) : mayWork ? (
            <>
              <WorkOnTask task={t} context={ctx} onChange={reload} />
              <CloseForm
                task={t}
                context={ctx}
                onClosed={() => {
                  setJustClosed(true);
                  reload();
                }}
              />
            </>
          ) : (
            <p class="muted">You can read this task; executives do not work on tasks.</p>
          )}
        </div>
      </div>
    </>
  );
}

function CustomerAnswer({ task, context }: { task: Task; context: TaskContext }) {
  const { response, contact, rule } = context;
  // Every answer the task is about: a later answer that triggered the same rule joined this task.
  const answers = context.responses?.length ? context.responses : response ? [response] : [];
  return (
    <section aria-labelledby="answer-title">
      <h2 id="answer-title">What the customer told us</h2>
      {contact && (
        <p>
          <strong>{contact.name}</strong>
          {contact.title && <>, {contact.title}</>} at {context.account.name}
          <span class="muted">
            {' '}
            · {contact.email} · language {contact.language}
            {contact.deleted && ' · removed from the account'}
          </span>
        </p>
      )}
      {answers.length ? (
        answers.map((response, i) => (
          <div class="task-answer" key={response.id}>
            {answers.length > 1 && (
              <h3>
                {i === 0 ? 'First answer' : i === answers.length - 1 ? 'Latest answer' : `Answer ${i + 1}`} of {answers.length}
              </h3>
            )}
            <p>
              {response.category && (
                <span class={`badge ${response.category}`}>
                  {humanize(response.category)} · NPS {response.npsScore}
                </span>
              )}{' '}
              <span class="muted">
                {response.surveyName} survey · {response.completedAt ? `answered ${formatDateTime(response.completedAt)}` : `started ${formatDateTime(response.startedAt)}, not finished`}
              </span>
            </p>
            <dl class="answers">
              {response.answers.map((a) => (
                <div key={a.key}>
                  <dt>{a.question}</dt>
                  <dd>{a.kind === 'text' ? <blockquote>“{a.answer}”</blockquote> : <strong>{a.answer}</strong>}</dd>
                </div>
              ))}
            </dl>
          </div>
        ))
      ) : task.description ? (
        <blockquote class="task-description">{task.description}</blockquote>
      ) : (
        <p class="muted">This task was created by hand; there is no survey answer behind it.</p>
      )}
      {rule && (
        <p class="muted small">
          Created by the follow-up rule “{rule.name}”: {rule.priority} priority, due in {rule.dueInBusinessDays} business{' '}
          {rule.dueInBusinessDays === 1 ? 'day' : 'days'}.
        </p>
      )}
    </section>
  );
}

function Comments({ task, context, mayWork, onChange }: { task: TaskDetail; context: TaskContext; mayWork: boolean; onChange: () => void }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    const parsed = CreateComment.safeParse({ body });
    if (!parsed.success) {
      setError(zodErrors(parsed.error.issues).body ?? 'Write a comment first.');
      return;
    }
    setSending(true);
    const result = await api.post(`/api/tasks/${task.id}/comments`, parsed.data);
    setSending(false);
    if (!result.ok) {
      setError(issuesByField(result.error).body ?? result.error.message);
      return;
    }
    setBody('');
    setError(undefined);
    onChange();
  }
  return (
    <section aria-labelledby="comments-title">
      <h2 id="comments-title">Comments</h2>
      {task.comments.length === 0 ? (
        <p class="muted">No comments yet.</p>
      ) : (
        <ol class="comments">
          {task.comments.map((c) => (
            <li key={c.id}>
              <p class="comment-head">
                <strong>{context.people[c.authorId] ?? 'A former colleague'}</strong> <span class="muted small">{formatDateTime(c.createdAt)}</span>
              </p>
              <p class="comment-body">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {mayWork && (
        <form onSubmit={submit} noValidate>
          <Field id="comment-body" label="Add a comment" error={error} hint="What you did or learned; the team sees it here.">
            <textarea id="comment-body" value={body} onInput={(e) => setBody(e.currentTarget.value)} aria-describedby={describedBy('comment-body', error, 'hint')} aria-invalid={error ? true : undefined} />
          </Field>
          <button type="submit" disabled={sending}>
            {sending ? 'Adding…' : 'Add comment'}
          </button>
        </form>
      )}
    </section>
  );
}

function WorkOnTask({ task, context, onChange }: { task: Task; context: TaskContext; onChange: () => void }) {
  const [assignee, setAssignee] = useState(task.assigneeId);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  async function patch(body: Record<string, string>, done: string) {
    setBusy(true);
    const result = await api.patch<Task>(`/api/tasks/${task.id}`, body);
    setBusy(false);
    if (!result.ok) {
      setProblem(result.error);
      return;
    }
    setProblem(null);
    setStatus(done);
    onChange();
  }
  const fieldErrors = issuesByField(problem);
  return (
    <section aria-labelledby="work-title">
      <h2 id="work-title">Work on it</h2>
      <div role="status" aria-live="polite">
        {status && <p class="notice">{status}</p>}
      </div>
      {problem && !fieldErrors.assigneeId && (
        <p class="field-error" role="alert">
          {problem.message}
        </p>
      )}
      <div class="actions">
        {task.status === 'open' ? (
          <button type="button" disabled={busy} onClick={() => patch({ status: 'in_progress' }, 'Marked as in progress.')}>
            Start working
          </button>
        ) : (
          <button type="button" class="secondary" disabled={busy} onClick={() => patch({ status: 'open' }, 'Back to open.')}>
            Set back to open
          </button>
        )}
      </div>
      <form
        class="reassign"
        onSubmit={(e) => {
          e.preventDefault();
          if (assignee !== task.assigneeId) void patch({ assigneeId: assignee }, `Reassigned to ${context.people[assignee] ?? 'them'}.`);
        }}
      >
        <Field id="assignee" label="Assigned to" error={fieldErrors.assigneeId} hint="Account managers and admins can take a task.">
          <select id="assignee" value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)} aria-describedby={describedBy('assignee', fieldErrors.assigneeId, 'hint')}>
            {!context.assignees.some((p) => p.id === task.assigneeId) && <option value={task.assigneeId}>{context.people[task.assigneeId] ?? 'Current assignee'}</option>}
            {context.assignees.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({humanize(p.role)})
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="secondary" disabled={busy || assignee === task.assigneeId}>
          Reassign
        </button>
      </form>
    </section>
  );
}

function CloseForm({ task, context, onClosed }: { task: Task; context: TaskContext; onClosed: () => void }) {
  const blocked = cannotTell(context);
  const [resolution, setResolution] = useState('');
  const [dismiss, setDismiss] = useState(false);
  const [tell, setTell] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState('');
  const [preview, setPreview] = useState<LoopEmailPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const notify = tell && !blocked && !dismiss;
  // A resolution in another language than the customer's is sent as written: say so before it goes.
  const wrongLanguage = context.contact ? otherLanguageThan(resolution, context.contact.language) : null;

  async function showPreview() {
    const parsed = CloseTaskPreview.safeParse({ resolution });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setBusy(true);
    const result = await api.post<LoopEmailPreview>(`/api/tasks/${task.id}/close-preview`, parsed.data);
    setBusy(false);
    if (!result.ok) {
      setErrors(issuesByField(result.error));
      setProblem(result.error.message);
      return;
    }
    setErrors({});
    setProblem('');
    setPreview(result.data);
    // The preview is the next thing to read: move there.
    requestAnimationFrame(() => document.getElementById('email-preview-title')?.focus());
  }

  async function close() {
    const parsed = CloseTask.safeParse({ resolution, dismiss, notifyContact: notify });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    if (busy) return; // a double click sends once (and the API closes once anyway)
    setBusy(true);
    const result = await api.post<Task & { customerNotified: string }>(`/api/tasks/${task.id}/close`, parsed.data);
    setBusy(false);
    if (!result.ok) {
      setErrors(issuesByField(result.error));
      setProblem(result.error.message);
      return;
    }
    onClosed();
  }

  function submit(e: Event) {
    e.preventDefault();
    if (notify && !preview) void showPreview();
    else void close();
  }

  return (
    <section aria-labelledby="close-title">
      <h2 id="close-title">Close the task</h2>
      <form onSubmit={submit} noValidate>
        <Field id="resolution" label="Resolution" error={errors.resolution} hint="What was done. If you tell the customer, they read this.">
          <textarea
            id="resolution"
            value={resolution}
            onInput={(e) => {
              setResolution(e.currentTarget.value);
              setPreview(null);
            }}
            aria-describedby={describedBy('resolution', errors.resolution, 'hint')}
            aria-invalid={errors.resolution ? true : undefined}
          />
        </Field>
        <fieldset>
          <legend>Outcome</legend>
          <div class="choice">
            <input type="radio" id="outcome-done" name="outcome" checked={!dismiss} onChange={() => setDismiss(false)} />
            <label for="outcome-done">Done — we acted on it</label>
          </div>
          <div class="choice">
            <input
              type="radio"
              id="outcome-dismiss"
              name="outcome"
              checked={dismiss}
              onChange={() => {
                setDismiss(true);
                setPreview(null);
              }}
            />
            <label for="outcome-dismiss">Dismiss — no action was needed</label>
          </div>
        </fieldset>
        <div class="choice">
          <input
            type="checkbox"
            id="tell-customer"
            checked={notify}
            disabled={Boolean(blocked) || dismiss}
            onChange={(e) => {
              setTell(e.currentTarget.checked);
              setPreview(null);
            }}
            aria-describedby="tell-customer-hint"
          />
          <label for="tell-customer">Tell the customer</label>
        </div>
        <p id="tell-customer-hint" class="hint muted small">
          {blocked ??
            (context.customerEmailed
              ? `${context.contact!.name} was already told about this task; they are not emailed twice.`
              : `Emails ${context.contact!.name} (${context.contact!.email}) in their language what they told us and what we did, from ${context.account.owner.name}. You see the email before it goes.`)}
        </p>
        <div aria-live="polite">
          {notify && wrongLanguage && (
            <p class="notice warning" id="language-warning">
              <strong>Check the language:</strong> your resolution reads like {languageNames[wrongLanguage] ?? wrongLanguage}, but {context.contact!.name}{' '}
              reads {languageNames[context.contact!.language.split('-')[0]!] ?? context.contact!.language}. The email around it is in their language; your words go in as you wrote them.
            </p>
          )}
        </div>
        {problem && !errors.resolution && (
          <p class="field-error" role="alert">
            {problem}
          </p>
        )}
        {notify && preview ? (
          <EmailPreview preview={preview} busy={busy} onEdit={() => setPreview(null)} />
        ) : (
          <div class="actions">
            <button type="submit" disabled={busy}>
              {notify ? (busy ? 'Preparing the preview…' : 'Preview the email') : busy ? 'Closing…' : dismiss ? 'Dismiss the task' : 'Close the task'}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

/** The customer's email as text (the HTML version never runs inside the app), then send or go back. */
function EmailPreview({ preview, busy, onEdit }: { preview: LoopEmailPreview; busy: boolean; onEdit: () => void }) {
  if (!preview.email) {
    return (
      <p class="field-error" role="alert">
        The customer cannot be emailed ({humanize(preview.notice)}). Untick “Tell the customer” to close without an email.
      </p>
    );
  }
  return (
    <div class="email-preview" role="region" aria-labelledby="email-preview-title">
      <h3 id="email-preview-title" tabIndex={-1}>
        The email the customer will get
      </h3>
      <dl class="email-head">
        <div>
          <dt>To</dt>
          <dd>{preview.email.to}</dd>
        </div>
        <div>
          <dt>Reply-To</dt>
          <dd>{preview.email.replyTo}</dd>
        </div>
        <div>
          <dt>Subject</dt>
          <dd>{preview.email.subject}</dd>
        </div>
        <div>
          <dt>Language</dt>
          <dd>{preview.email.language}</dd>
        </div>
      </dl>
      <pre class="email-text" lang={preview.email.language} tabIndex={0} aria-label="Email text">
        {preview.email.text}
      </pre>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Send the email and close'}
        </button>
        <button type="button" class="secondary" onClick={onEdit} disabled={busy}>
          Edit the resolution
        </button>
      </div>
    </div>
  );
}

function ClosedSummary({ task, context, focus }: { task: Task; context: TaskContext; focus: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Right after closing, the form the focus was in is gone: the outcome is the next thing to read.
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [focus]);
  return (
    <section aria-labelledby="closed-title">
      <h2 id="closed-title" ref={heading} tabIndex={-1}>{task.status === 'done' ? 'Closed' : 'Dismissed'}</h2>
      <p class="muted">{formatDateTime(task.closedAt)}</p>
      {task.resolution ? <blockquote>{task.resolution}</blockquote> : <Empty>No resolution was recorded.</Empty>}
      {context.customerEmailed ? (
        <p class="notice">
          {context.contact?.name ?? 'The customer'} was emailed what we did. <a href="/emails">See it in the email log</a>.
        </p>
      ) : (
        <p class="muted">The customer was not emailed about it.</p>
      )}
    </section>
  );
}

/**
 * The account as a link, or as plain text for a manager working a plan action on a colleague's account: the
 * task is theirs to work, the account page is not theirs to open (it would be a 404).
 */
function AccountName({ account }: { account: TaskContext['account'] }) {
  const opens = !isManager() || account.owner.id === currentUser.value?.id;
  return opens ? <a href={`/accounts/${account.id}`}>{account.name}</a> : <>{account.name}</>;
}
