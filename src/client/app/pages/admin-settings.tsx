import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { AdminFrame } from '../components/admin-tabs.js';
import { ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { formatDateTime, setCurrency } from '../format.js';
import { LOGO_MAX_BYTES, UpdateSettings, textOnAccent, type SettingKey, type Settings } from '../../../shared/schemas/settings.js';

const envName: Record<SettingKey, string> = {
  emailFrom: 'KEYPULSE_EMAIL_FROM',
  timeZone: 'KEYPULSE_TIMEZONE',
  minDaysBetweenSurveys: 'KEYPULSE_MIN_DAYS_BETWEEN_SURVEYS',
  companyName: 'KEYPULSE_COMPANY_NAME',
  accentColor: 'KEYPULSE_ACCENT_COLOR',
  currency: 'KEYPULSE_CURRENCY',
};
const textKeys = ['emailFrom', 'timeZone', 'companyName', 'accentColor', 'currency'] as const;

function formOf(settings: Settings) {
  const { values } = settings;
  return {
    emailFrom: values.emailFrom,
    timeZone: values.timeZone,
    minDaysBetweenSurveys: String(values.minDaysBetweenSurveys),
    companyName: values.companyName,
    accentColor: values.accentColor,
    currency: values.currency,
  };
}

/** Admin · Settings: sender, time zone, survey frequency window, brand and currency, over the environment's defaults. */
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
  return (
    <>
      <SettingsForm settings={current} onSaved={setSaved} />
      <LogoPanel settings={current} onSaved={setSaved} />
    </>
  );
}

const logoTypes = ['image/png', 'image/jpeg', 'image/webp'];

/** The logo: uploaded as it is (PNG, JPEG or WebP, ≤ 100 KB); the server checks the bytes and serves it to respondents. */
function LogoPanel({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }) {
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const logo = settings.logo;

  async function upload(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (!logoTypes.includes(file.type)) return setStatus({ ok: false, text: 'Nothing was saved: the logo must be a PNG, JPEG or WebP image (SVG is not accepted).' });
    if (file.size > LOGO_MAX_BYTES) {
      return setStatus({ ok: false, text: `Nothing was saved: the file is ${Math.ceil(file.size / 1024)} KB; the logo may be at most ${LOGO_MAX_BYTES / 1024} KB.` });
    }
    setBusy(true);
    const res = await api.send<Settings>('PUT', '/api/settings/logo', file, file.type);
    setBusy(false);
    if (!res.ok) return setStatus({ ok: false, text: `Nothing was saved: ${res.error.message}` });
    setStatus({ ok: true, text: 'Logo saved. Survey pages and new emails show it from now on.' });
    onSaved(res.data);
  }

  async function remove() {
    setBusy(true);
    const res = await api.delete<Settings>('/api/settings/logo');
    setBusy(false);
    if (!res.ok) return setStatus({ ok: false, text: `The logo was not removed: ${res.error.message}` });
    setStatus({ ok: true, text: 'Logo removed. Survey pages and emails show the company name alone.' });
    onSaved(res.data);
  }

  return (
    <section class="admin-form logo-settings" aria-labelledby="logo-title">
      <h2 id="logo-title">Logo</h2>
      <div aria-live="polite" role="status" class="status-line">
        {status && <p class={status.ok ? 'notice' : 'state error'}>{status.text}</p>}
      </div>
      {logo ? (
        <p>
          <img src={logo.url} alt={`Current logo of ${settings.values.companyName}`} width={logo.width} height={logo.height} class="logo-preview" />
          <span class="muted">
            {' '}
            {logo.width}×{logo.height} px, {Math.ceil(logo.bytes / 1024)} KB
          </span>
        </p>
      ) : (
        <p class="muted">No logo: survey pages and emails show the company name alone.</p>
      )}
      <Field id="logo" label={logo ? 'Replace the logo' : 'Upload a logo'} hint="PNG, JPEG or WebP, at most 100 KB. Shown up to 48 px high on survey pages and in emails.">
        <input id="logo" type="file" accept={logoTypes.join(',')} disabled={busy} onChange={upload} aria-describedby="logo-hint" />
      </Field>
      {logo && (
        <div class="actions">
          <button type="button" class="danger" disabled={busy} onClick={remove}>
            Remove the logo
          </button>
        </div>
      )}
    </section>
  );
}

function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }) {
  const [form, setForm] = useState(() => formOf(settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    setForm(formOf(settings));
  }, [settings]);
  const [zones, currencies] = useMemo(() => {
    const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
    return [intl.supportedValuesOf?.('timeZone') ?? [], intl.supportedValuesOf?.('currency') ?? []];
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
    setCurrency(res.data.values.currency);
    onSaved(res.data);
  }

  function submit(e: Event) {
    e.preventDefault();
    const days = form.minDaysBetweenSurveys.trim();
    // Only what changed is sent, so a value left alone keeps following the environment.
    const body: Record<string, unknown> = {};
    for (const key of textKeys) if (form[key] !== settings.values[key]) body[key] = form[key];
    if (days !== String(settings.values.minDaysBetweenSurveys)) body.minDaysBetweenSurveys = days === '' || !/^-?\d+(\.\d+)?$/.test(days) ? Number.NaN : Number(days);
    if (Object.keys(body).length === 0) return setStatus({ ok: true, text: 'Nothing changed.' });
    void send(body, 'Saved. New emails, survey pages, due dates, reports and campaigns use these values from now on.');
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
  const companyHint = 'Survey pages, emails and the NPS question name your company like this.';
  const accentHint = 'Buttons and the picked score on survey pages and in emails, e.g. #0b57d0. Text on it turns white or black, whichever reads better.';
  const currencyHint = 'Every amount of money (account values, reports) is shown in this currency: an ISO 4217 code such as EUR, USD or GBP.';
  const text = (key: (typeof textKeys)[number], label: string, hint: string, extra: Record<string, unknown> = {}) => (
    <Field id={key} label={label} error={errors[key]} hint={hint}>
      <input
        id={key}
        type="text"
        autocomplete="off"
        value={form[key]}
        onInput={(e) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value })}
        aria-invalid={errors[key] ? 'true' : undefined}
        aria-describedby={describe(key, hint)}
        {...extra}
      />
    </Field>
  );
  const validAccent = /^#[0-9a-fA-F]{6}$/.test(form.accentColor.trim()) ? form.accentColor.trim() : null;
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
      <fieldset>
        <legend>What respondents see</legend>
        {text('companyName', 'Company name', companyHint, { maxLength: 100 })}
        {source('companyName')}
        {text('accentColor', 'Accent colour', accentHint, { maxLength: 7, spellcheck: false })}
        {validAccent && (
          <p class="accent-sample" aria-hidden="true" data-accent={validAccent}>
            <svg width="160" height="40" viewBox="0 0 160 40" role="presentation">
              <rect width="160" height="40" rx="6" fill={validAccent} />
              <text x="80" y="25" text-anchor="middle" fill={textOnAccent(validAccent.toLowerCase())} font-weight="700" font-size="15">
                Send my answers
              </text>
            </svg>
          </p>
        )}
        {source('accentColor')}
      </fieldset>
      <fieldset>
        <legend>Money</legend>
        {text('currency', 'Currency', currencyHint, { list: 'currencies', maxLength: 3, spellcheck: false })}
        <datalist id="currencies">
          {currencies.map((code) => (
            <option key={code} value={code} />
          ))}
        </datalist>
        {source('currency')}
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
