import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { formatDateTime } from '../format.js';
import { UpdateSettings, type SettingKey, type Settings } from '../../../shared/schemas/settings.js';

const envName: Record<SettingKey, string> = {
  emailFrom: 'KEYPULSE_EMAIL_FROM',
  timeZone: 'KEYPULSE_TIMEZONE',
  minDaysBetweenSurveys: 'KEYPULSE_MIN_DAYS_BETWEEN_SURVEYS',
};

/** Admin · Settings: sender, time zone and survey frequency window, over the environment's defaults. */
export default function AdminSettings() {
  usePageTitle('Settings · Admin');
  return (
    <AdminFrame current="/admin/settings" title="Settings">
      <SettingsPanel />
    </AdminFrame>
  );
}

function SettingsPanel() {
  const settings = useApi<Settings>('/api/settings');
  const [saved, setSaved] = useState<Settings | null>(null);
  const current = saved ?? settings.data;
  if (settings.loading && !current) return <Loading what="Loading settings…" />;
  if (settings.error && !current) return <ErrorState error={settings.error} retry={settings.reload} />;
  if (!current) return null;
  return <SettingsForm settings={current} onSaved={setSaved} />;
}

function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }) {
  const [form, setForm] = useState({
    emailFrom: settings.values.emailFrom,
    timeZone: settings.values.timeZone,
    minDaysBetweenSurveys: String(settings.values.minDaysBetweenSurveys),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    setForm({ emailFrom: settings.values.emailFrom, timeZone: settings.values.timeZone, minDaysBetweenSurveys: String(settings.values.minDaysBetweenSurveys) });
  }, [settings]);
  const zones = useMemo(() => {
    const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
    return intl.supportedValuesOf?.('timeZone') ?? [];
  }, []);

  async function send(body: Record<string, unknown>, done: string) {
    const parsed = UpdateSettings.safeParse(body);
    if (!parsed.success) {
      setErrors(zodErrors(parsed.error.issues));
      setStatus({ ok: false, text: 'Nothing was saved: check the fields marked below.' });
      return;
    }
    setErrors({});
    setSaving(true);
    const res = await api.patch<Settings>('/api/settings', parsed.data);
    setSaving(false);
    if (!res.ok) {
      setErrors(issuesByField(res.error));
      setStatus({ ok: false, text: `Nothing was saved: ${res.error.message}` });
      return;
    }
    setStatus({ ok: true, text: done });
    onSaved(res.data);
  }

  function submit(e: Event) {
    e.preventDefault();
    const days = form.minDaysBetweenSurveys.trim();
    // Only what changed is sent, so a value left alone keeps following the environment.
    const body: Record<string, unknown> = {};
    if (form.emailFrom !== settings.values.emailFrom) body.emailFrom = form.emailFrom;
    if (form.timeZone !== settings.values.timeZone) body.timeZone = form.timeZone;
    if (days !== String(settings.values.minDaysBetweenSurveys)) body.minDaysBetweenSurveys = days === '' || !/^-?\d+(\.\d+)?$/.test(days) ? Number.NaN : Number(days);
    if (Object.keys(body).length === 0) return setStatus({ ok: true, text: 'Nothing changed.' });
    void send(body, 'Saved. New emails, due dates, reports and campaigns use these values from now on.');
  }

  const source = (key: SettingKey) =>
    settings.sources[key] === 'admin' ? (
      <p class="setting-source changed" id={`${key}-source`}>
        <span class="badge active">Changed here</span> The environment says <code>{String(settings.environment[key])}</code> ({envName[key]}).{' '}
        <button type="button" class="linkish" disabled={saving} onClick={() => send({ [key]: null }, `Back to the environment's value (${envName[key]}).`)}>
          Use the environment's value
        </button>
      </p>
    ) : (
      <p class="setting-source" id={`${key}-source`}>
        <span class="badge">From the environment</span> {envName[key]}
      </p>
    );
  const describe = (key: SettingKey, hint: string) => [describedBy(key, errors[key], hint), `${key}-source`].filter(Boolean).join(' ');

  const fromHint = 'The From of every survey and notification email, e.g. Acme Customer Team <feedback@acme.com>. Replies go to the account owner.';
  const zoneHint = 'Business days, due dates, report periods and the Monday Morning Report (Mondays 07:00) follow this zone.';
  const daysHint = 'A contact is not surveyed again within this many days, across all campaigns (0–365; 0 turns it off).';
  return (
    <form onSubmit={submit} noValidate class="admin-form settings-form">
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      <fieldset>
        <legend>Email</legend>
        <Field id="emailFrom" label="Sender (From)" error={errors.emailFrom} hint={fromHint}>
          <input
            id="emailFrom"
            type="text"
            autocomplete="off"
            value={form.emailFrom}
            onInput={(e) => setForm({ ...form, emailFrom: (e.target as HTMLInputElement).value })}
            aria-invalid={errors.emailFrom ? 'true' : undefined}
            aria-describedby={describe('emailFrom', fromHint)}
          />
        </Field>
        {source('emailFrom')}
      </fieldset>
      <fieldset>
        <legend>Calendar</legend>
        <Field id="timeZone" label="Time zone" error={errors.timeZone} hint={zoneHint}>
          <input
            id="timeZone"
            type="text"
            list="time-zones"
            autocomplete="off"
            value={form.timeZone}
            onInput={(e) => setForm({ ...form, timeZone: (e.target as HTMLInputElement).value })}
            aria-invalid={errors.timeZone ? 'true' : undefined}
            aria-describedby={describe('timeZone', zoneHint)}
          />
        </Field>
        <datalist id="time-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {source('timeZone')}
      </fieldset>
      <fieldset>
        <legend>Surveys</legend>
        <Field id="minDaysBetweenSurveys" label="Frequency window (days)" error={errors.minDaysBetweenSurveys} hint={daysHint}>
          <input
            id="minDaysBetweenSurveys"
            type="number"
            inputMode="numeric"
            min={0}
            max={365}
            value={form.minDaysBetweenSurveys}
            onInput={(e) => setForm({ ...form, minDaysBetweenSurveys: (e.target as HTMLInputElement).value })}
            aria-invalid={errors.minDaysBetweenSurveys ? 'true' : undefined}
            aria-describedby={describe('minDaysBetweenSurveys', daysHint)}
          />
        </Field>
        {source('minDaysBetweenSurveys')}
      </fieldset>
      <div class="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
        {settings.updatedAt && <span class="muted">Last changed here {formatDateTime(settings.updatedAt)}</span>}
      </div>
    </form>
  );
}
