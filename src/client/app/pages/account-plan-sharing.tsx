import { useEffect, useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { formatDate, formatDateTime } from '../format.js';
import { Field, describedBy } from '../components/field.js';
import type { AccountPlan, JointGoal, PlanAction } from '../../../shared/schemas/account-plan.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Contact } from '../../../shared/schemas/contact.js';
import type { PlanComment, PlanShare, PlanShareCreated } from '../../../shared/schemas/plan-share.js';

/**
 * "Shared with the customer" on the account plan page (issue 14, part 3): which goals and actions are joint, whose
 * side each joint action is on, personal links for the account's contacts (the link is shown once, with a copy
 * button), the links made so far with when each was last opened and a revoke button, and the customer's comments
 * with a reply box. Only the joint part ever reaches the customer's page.
 */

interface Props {
  plan: AccountPlan;
  editable: boolean;
  onSaved: () => Promise<void>;
}

const stateWords: Record<PlanShare['state'], string> = { active: 'Active', expired: 'Expired', revoked: 'Revoked' };

export function SharedWithCustomer({ plan, editable, onSaved }: Readonly<Props>) {
  const shares = useApi<{ data: PlanShare[] }>(`/api/accounts/${plan.accountId}/plan/shares`);
  const comments = useApi<{ data: PlanComment[] }>(`/api/accounts/${plan.accountId}/plan/comments`);
  const contacts = useApi<Page<Contact>>(editable ? `/api/accounts/${plan.accountId}/contacts?pageSize=100` : null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const people = contacts.data?.data ?? [];

  // What the boxes show: the saved plan, or the change being saved. A box follows a click at once, even when the
  // page re-renders before the server answers (the lists below load at the same time), and goes back on an error.
  const saved = plan.intentions.jointGoals;
  const [goals, setGoals] = useState<JointGoal[]>(saved);
  useEffect(() => setGoals(saved), [saved.join()]);
  const [jointNow, setJointNow] = useState<Record<string, boolean>>({});

  const saveGoals = async (next: JointGoal[]) => {
    setError('');
    setGoals(next);
    const res = await api.patch<AccountPlan>(`/api/accounts/${plan.accountId}/plan`, { intentions: { jointGoals: next } });
    if (!res.ok) {
      setGoals(saved);
      return setError(res.error.message);
    }
    await onSaved();
    setMessage(next.length ? `Joint goals: ${next.map((g) => (g === 'value' ? 'value to add' : 'relationships to build')).join(', ')}.` : 'No goal is shared now.');
  };
  const saveAction = async (a: PlanAction, patch: { joint?: boolean } & Record<string, unknown>) => {
    setError('');
    if (patch.joint !== undefined) setJointNow((j) => ({ ...j, [a.id]: patch.joint! }));
    const res = await api.patch<PlanAction>(`/api/accounts/${plan.accountId}/plan/actions/${a.id}`, patch);
    const settled = () => setJointNow(({ [a.id]: _, ...rest }) => rest);
    if (!res.ok) {
      settled();
      return setError(res.error.message);
    }
    await onSaved();
    settled();
    setMessage(`“${res.data.title}”: ${res.data.joint ? `joint, on ${res.data.side === 'theirs' ? "the customer's" : 'our'} side` : 'internal only'}.`);
  };

  const toggleGoal = (g: JointGoal, on: boolean) => saveGoals(on ? [...new Set([...goals, g])] : goals.filter((x) => x !== g));
  const list = shares.data?.data ?? [];
  return (
    <section class="plan-section plan-sharing" aria-labelledby="sharing-title">
      <h2 id="sharing-title">Shared with the customer</h2>
      <p class="muted">
        Joint goals and actions are shown to the contacts you share the plan with, on a personal page without sign-in. The rest of the plan (profile, intelligence,
        sales goal, value figures, descriptions) is never shown to them.
      </p>
      <p role="status" class="saved">
        {message}
      </p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <h3>Joint goals</h3>
      {editable ? (
        <fieldset class="joint-goals">
          <legend class="visually-hidden">Goals shared with the customer</legend>
          <label class="checkbox">
            <input type="checkbox" checked={goals.includes('value')} onChange={(e) => toggleGoal('value', e.currentTarget.checked)} /> Value to add
          </label>
          <label class="checkbox">
            <input type="checkbox" checked={goals.includes('relationships')} onChange={(e) => toggleGoal('relationships', e.currentTarget.checked)} /> Relationships to build
          </label>
        </fieldset>
      ) : (
        <p>{goals.length ? goals.map((g) => (g === 'value' ? 'Value to add' : 'Relationships to build')).join(', ') : 'None.'}</p>
      )}

      <h3>Joint actions</h3>
      {plan.implementation.actions.length ? (
        <div class="table-wrap">
          <table class="data joint-actions">
            <caption class="visually-hidden">Which actions the customer sees, and whose side they are on</caption>
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Joint</th>
                <th scope="col">Side</th>
                <th scope="col">Their owner</th>
              </tr>
            </thead>
            <tbody>
              {plan.implementation.actions.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    {a.title}
                    {a.proposedBy && <span class="muted due-words">Proposed by {a.proposedBy.name}</span>}
                  </th>
                  <td>
                    {editable ? (
                      <label class="checkbox">
                        <input type="checkbox" checked={jointNow[a.id] ?? a.joint} onChange={(e) => saveAction(a, { joint: e.currentTarget.checked })} />
                        <span class="visually-hidden">Share “{a.title}” with the customer</span>
                      </label>
                    ) : a.joint ? (
                      'Yes'
                    ) : (
                      'No'
                    )}
                  </td>
                  <td>
                    {editable ? (
                      <select aria-label={`Side of “${a.title}”`} value={a.side} onChange={(e) => saveAction(a, { side: e.currentTarget.value })}>
                        <option value="ours">Ours</option>
                        <option value="theirs">Theirs</option>
                      </select>
                    ) : a.side === 'theirs' ? (
                      'Theirs'
                    ) : (
                      'Ours'
                    )}
                  </td>
                  <td>
                    {editable && a.side === 'theirs' ? (
                      <select aria-label={`Their owner of “${a.title}”`} value={a.theirOwner?.id ?? ''} onChange={(e) => saveAction(a, { theirOwnerContactId: e.currentTarget.value || null })}>
                        <option value="">Not named</option>
                        {people.map((p) => (
                          <option key={p.id} value={p.id}>
                            {p.name}
                          </option>
                        ))}
                      </select>
                    ) : (
                      (a.theirOwner?.name ?? '—')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">No actions yet.</p>
      )}

      <h3>Links</h3>
      {editable && <ShareForm accountId={plan.accountId} contacts={people} onShared={() => void shares.reload()} />}
      {list.length ? (
        <div class="table-wrap">
          <table class="data plan-shares">
            <caption class="visually-hidden">Personal links to the shared plan, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Contact</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last viewed</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.contact.name}</th>
                  <td>{formatDate(s.createdAt)}</td>
                  <td>{formatDate(s.expiresAt)}</td>
                  <td>{s.lastViewedAt ? formatDateTime(s.lastViewedAt) : 'Not opened yet'}</td>
                  <td>
                    {stateWords[s.state]}{' '}
                    {editable && s.state === 'active' && (
                      <button
                        type="button"
                        class="link-button"
                        onClick={async () => {
                          const res = await api.delete(`/api/accounts/${plan.accountId}/plan/shares/${s.id}`);
                          if (!res.ok) return setError(res.error.message);
                          await shares.reload();
                          setMessage(`The link for ${s.contact.name} no longer works.`);
                        }}
                      >
                        Revoke<span class="visually-hidden"> the link for {s.contact.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">Not shared with anyone yet.</p>
      )}

      <h3>Comments</h3>
      <CommentThread plan={plan} comments={comments.data?.data ?? []} editable={editable} onReplied={() => void comments.reload()} />
    </section>
  );
}

function ShareForm({ accountId, contacts, onShared }: Readonly<{ accountId: string; contacts: Contact[]; onShared: () => void }>) {
  const [contactId, setContactId] = useState('');
  const [days, setDays] = useState('90');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<PlanShareCreated | null>(null);
  const [copied, setCopied] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setCopied('');
    if (!contactId) return setErrors({ contactId: 'Choose a contact.' });
    const res = await api.post<PlanShareCreated>(`/api/accounts/${accountId}/plan/shares`, { contactId, expiresInDays: Number(days) });
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
    }
    setErrors({});
    setCreated(res.data);
    onShared();
  };
  return (
    <form class="card plan-form no-print share-form" onSubmit={submit} noValidate aria-label="Share the plan with a contact">
      {errors._form && (
        <p class="field-error" role="alert">
          {errors._form}
        </p>
      )}
      <div class="form-grid">
        <Field id="share-contact" label="Contact" error={errors.contactId}>
          <select id="share-contact" value={contactId} aria-describedby={describedBy('share-contact', errors.contactId)} onChange={(e) => setContactId(e.currentTarget.value)}>
            <option value="">Choose…</option>
            {contacts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="share-days" label="Works for (days)" error={errors.expiresInDays} hint="1 to 365">
          <input id="share-days" type="number" min={1} max={365} value={days} aria-describedby={describedBy('share-days', errors.expiresInDays, '1 to 365')} onInput={(e) => setDays(e.currentTarget.value)} />
        </Field>
      </div>
      <div class="actions">
        <button type="submit">Create a personal link</button>
      </div>
      {created && (
        <div class="share-link" role="status">
          <p>
            The link for {created.contact.name} (works until {formatDate(created.expiresAt)}). <strong>It is shown only now</strong>: copy it and send it to them.
          </p>
          <label for="share-url" class="visually-hidden">
            Link for {created.contact.name}
          </label>
          <input id="share-url" type="text" readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} />
          <button
            type="button"
            class="secondary"
            onClick={async () => {
              try {
                await navigator.clipboard.writeText(created.url);
                setCopied('Copied.');
              } catch {
                setCopied('Select the link and copy it.');
              }
            }}
          >
            Copy the link
          </button>{' '}
          <span aria-live="polite">{copied}</span>
        </div>
      )}
    </form>
  );
}

function CommentThread({ plan, comments, editable, onReplied }: Readonly<{ plan: AccountPlan; comments: PlanComment[]; editable: boolean; onReplied: () => void }>) {
  const [body, setBody] = useState('');
  const [actionId, setActionId] = useState('');
  const [error, setError] = useState('');
  const titleOf = (id: string | null) => (id ? (plan.implementation.actions.find((a) => a.id === id)?.title ?? 'an action') : 'the plan');
  const joint = plan.implementation.actions.filter((a) => a.joint);
  return (
    <>
      {comments.length ? (
        <ol class="plan-comments">
          {comments.map((c) => (
            <li key={c.id} class={`plan-comment by-${c.author.kind}`}>
              <p class="muted small">
                <strong>{c.author.name}</strong>
                {c.author.kind === 'contact' ? ' (customer)' : ''} on {titleOf(c.actionId)}, {formatDateTime(c.createdAt)}
              </p>
              <p class="plan-text">{c.body}</p>
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">No comments yet.</p>
      )}
      {editable && comments.length > 0 && (
        <form
          class="plan-form no-print"
          aria-label="Reply on the shared plan"
          onSubmit={async (e) => {
            e.preventDefault();
            if (!body.trim()) return setError('Write a reply first.');
            const res = await api.post(`/api/accounts/${plan.accountId}/plan/comments`, { body, actionId: actionId || null });
            if (!res.ok) return setError(res.error.message);
            setBody('');
            setError('');
            onReplied();
          }}
        >
          <div class="form-grid">
            <Field id="reply-about" label="About">
              <select id="reply-about" value={actionId} onChange={(e) => setActionId(e.currentTarget.value)}>
                <option value="">The plan as a whole</option>
                {joint.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.title}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <Field id="reply-body" label="Reply (the customer sees it)" error={error}>
            <textarea id="reply-body" value={body} aria-describedby={describedBy('reply-body', error)} onInput={(e) => setBody(e.currentTarget.value)} />
          </Field>
          <div class="actions">
            <button type="submit">Send reply</button>
          </div>
        </form>
      )}
    </>
  );
}
