import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { Empty, ErrorState, Loading } from './states.js';
import { Field, describedBy, zodErrors } from './field.js';
import { formatDateTime } from '../format.js';
import {
  ChatEventType,
  CreateChatChannel,
  type ChatChannel,
  type ChatFormat,
  type ChatScope,
} from '../../../shared/schemas/chat-channels.js';

/*
 * Slack and Teams channels: the admin page shows the installation's (every account), the profile page a person's
 * own (only the accounts they own). One panel for both; the server decides who may see and change what.
 */

const eventLabels: Record<ChatEventType, { label: string; hint: string }> = {
  'detractor.alert': { label: 'Detractor alerts', hint: 'When a customer answers 0–6 and a follow-up task is opened: account, contact, score, their words.' },
  'risk.summary': { label: 'Monday risk summary', hint: 'Monday 07:00: red, amber and green accounts and the most at risk, with reasons.' },
};
const formatLabels: Record<ChatFormat, string> = { slack: 'Slack', teams: 'Microsoft Teams' };

export function ChatChannelsPanel({ scope }: { scope: ChatScope }) {
  const channels = useApi<{ data: ChatChannel[] }>('/api/chat-channels');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const shown = channels.data?.data.filter((c) => c.scope === scope) ?? [];
  const say = (ok: boolean, text: string) => setStatus({ ok, text });

  async function act(channel: ChatChannel, run: () => Promise<{ ok: boolean; error?: { message: string } }>, done: string) {
    setBusy(channel.id);
    setStatus(null);
    const res = await run();
    setBusy(null);
    say(res.ok, res.ok ? done : (res.error?.message ?? 'Something went wrong.'));
    channels.reload();
  }

  const test = (c: ChatChannel) =>
    act(c, () => api.post(`/api/chat-channels/${c.id}/test`, {}), `A test message is on its way to ${formatLabels[c.format]} (${c.urlHint}).`);
  const toggle = (c: ChatChannel) =>
    act(c, () => api.patch(`/api/chat-channels/${c.id}`, { enabled: !c.enabled }), c.enabled ? 'Switched off: nothing more is sent.' : 'Switched on.');
  const setEvents = (c: ChatChannel, events: ChatEventType[]) =>
    events.length === 0
      ? say(false, 'Keep at least one kind of message, or remove the channel.')
      : act(c, () => api.patch(`/api/chat-channels/${c.id}`, { events }), 'Saved.');
  const remove = (c: ChatChannel) => {
    setConfirming(null);
    return act(c, () => api.delete(`/api/chat-channels/${c.id}`), `Removed the ${formatLabels[c.format]} channel.`);
  };

  return (
    <div class="chat-channels">
      <AddChannelForm
        scope={scope}
        onAdded={(c) => {
          say(true, `Added. Send a test to check that it arrives in ${formatLabels[c.format]}.`);
          channels.reload();
        }}
      />
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {channels.loading && !channels.data && <Loading what="Loading channels…" />}
      {channels.error && <ErrorState error={channels.error} retry={channels.reload} />}
      {channels.data && shown.length === 0 && (
        <Empty>
          <p>
            {scope === 'installation'
              ? 'No Slack or Teams channel yet. Add one above: it will hear about every account.'
              : 'No Slack or Teams channel of your own yet. Add one above to hear about your accounts there.'}
          </p>
        </Empty>
      )}
      {shown.length > 0 && (
        <ul class="card-list" aria-label={scope === 'installation' ? 'Installation channels' : 'Your channels'}>
          {shown.map((c) => (
            <li key={c.id} class="card">
              <p>
                <strong>{formatLabels[c.format]}</strong> <code class="wrap-anywhere">{c.urlHint}</code>{' '}
                {c.enabled ? <span class="badge active">On</span> : <span class="badge expired">{c.disabledReason === 'failing' ? 'Off: kept failing' : 'Off'}</span>}
              </p>
              {c.description && <p class="muted">{c.description}</p>}
              <p class="muted">
                {c.lastSuccessAt ? `Last message delivered ${formatDateTime(c.lastSuccessAt)}.` : 'Nothing delivered yet.'}
                {c.failingSince && ` Failing since ${formatDateTime(c.failingSince)}.`}
              </p>
              <fieldset class="plain">
                <legend>Messages sent there</legend>
                {ChatEventType.options.map((e) => (
                  <label class="check" key={e}>
                    <input
                      type="checkbox"
                      checked={c.events.includes(e)}
                      disabled={busy === c.id}
                      onChange={(ev) =>
                        setEvents(c, (ev.target as HTMLInputElement).checked ? [...c.events, e] : c.events.filter((x) => x !== e))
                      }
                    />{' '}
                    {eventLabels[e].label}
                  </label>
                ))}
              </fieldset>
              <div class="actions">
                <button type="button" disabled={busy === c.id || !c.enabled} onClick={() => test(c)} aria-label={`Send test to ${formatLabels[c.format]} ${c.urlHint}`}>
                  Send test
                </button>
                <button type="button" class="secondary" disabled={busy === c.id} onClick={() => toggle(c)}>
                  {c.enabled ? 'Switch off' : 'Switch on'}
                </button>
                {confirming !== c.id ? (
                  <button type="button" class="secondary" onClick={() => setConfirming(c.id)} aria-label={`Remove ${formatLabels[c.format]} ${c.urlHint}`}>
                    Remove
                  </button>
                ) : (
                  <span class="confirm" role="group" aria-label="Remove this channel?">
                    <span>Remove? Nothing more is sent there.</span>
                    <button type="button" class="danger" onClick={() => remove(c)}>
                      Yes, remove
                    </button>
                    <button type="button" class="secondary" onClick={() => setConfirming(null)}>
                      Keep it
                    </button>
                  </span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AddChannelForm({ scope, onAdded }: { scope: ChatScope; onAdded: (c: ChatChannel) => void }) {
  const [format, setFormat] = useState<ChatFormat>('slack');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<ChatEventType[]>(['detractor.alert', 'risk.summary']);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const prefix = `chat-${scope}`;

  async function submit(e: Event) {
    e.preventDefault();
    const parsed = CreateChatChannel.safeParse({ format, url, events, scope });
    if (!parsed.success) return setErrors(zodErrors(parsed.error.issues));
    setErrors({});
    setSaving(true);
    const res = await api.post<ChatChannel>('/api/chat-channels', parsed.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      return setErrors(Object.keys(byField).length ? byField : { url: res.error.message });
    }
    setUrl('');
    onAdded(res.data);
  }

  const urlHint =
    format === 'slack'
      ? 'In Slack: an app with Incoming Webhooks → Add New Webhook to Workspace → pick the channel → copy the URL (https://hooks.slack.com/services/…).'
      : 'In Teams: the channel’s … → Workflows → “Post to a channel when a webhook request is received” → copy the URL it gives.';
  return (
    <form onSubmit={submit} noValidate class="admin-form">
      <fieldset>
        <legend>{scope === 'installation' ? 'Add a channel for every account' : 'Add a channel for your accounts'}</legend>
        <fieldset class="plain">
          <legend>Where</legend>
          {(['slack', 'teams'] as const).map((f) => (
            <label class="check" key={f}>
              <input type="radio" name={`${prefix}-format`} value={f} checked={format === f} onChange={() => setFormat(f)} /> {formatLabels[f]}
            </label>
          ))}
        </fieldset>
        <Field id={`${prefix}-url`} label="Webhook URL" error={errors.url} hint={urlHint}>
          <input
            id={`${prefix}-url`}
            type="url"
            inputMode="url"
            autocomplete="off"
            spellcheck={false}
            value={url}
            onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
            aria-invalid={errors.url ? 'true' : undefined}
            aria-describedby={describedBy(`${prefix}-url`, errors.url, urlHint)}
          />
        </Field>
        <fieldset class="plain" aria-describedby={errors.events ? `${prefix}-events-error` : undefined}>
          <legend>Messages</legend>
          {ChatEventType.options.map((ev) => (
            <div key={ev}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={events.includes(ev)}
                  onChange={(e) => setEvents((e.target as HTMLInputElement).checked ? [...events, ev] : events.filter((x) => x !== ev))}
                  aria-describedby={`${prefix}-${ev}-hint`}
                />{' '}
                {eventLabels[ev].label}
              </label>
              <p class="hint" id={`${prefix}-${ev}-hint`}>
                {eventLabels[ev].hint}
              </p>
            </div>
          ))}
          {errors.events && (
            <p class="field-error" id={`${prefix}-events-error`} role="alert">
              {errors.events}
            </p>
          )}
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Adding…' : 'Add channel'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
