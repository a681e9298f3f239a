import { useState } from 'preact/hooks';
import { api, issuesByField } from '../api.js';
import { formatMoney } from '../format.js';
import { Field, describedBy, zodErrors } from './field.js';
import { PutAccountValue, Quarter, type AccountValue } from '../../../shared/schemas/program.js';

type Errors = Record<string, string>;
type Form = { quarter: string; revenue: string; grossProfit: string; teamCost: string; discounts: string };

/** The last quarter that has ended, written YYYY-Qn. */
export function lastCompleteQuarter(now = new Date()): string {
  const q = Math.floor(now.getMonth() / 3); // the current quarter, 0-based
  return q === 0 ? `${now.getFullYear() - 1}-Q4` : `${now.getFullYear()}-Q${q}`;
}

/** Whole currency units as typed → cents; anything else is passed on for the schema to refuse. */
const toCents = (v: string): unknown => {
  const t = v.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? Math.round(n * 100) : t;
};

const MONEY: { key: keyof Omit<Form, 'quarter'>; label: string; hint?: string }[] = [
  { key: 'revenue', label: 'Revenue' },
  { key: 'grossProfit', label: 'Gross profit', hint: 'May be negative' },
  { key: 'teamCost', label: 'Account-team cost' },
  { key: 'discounts', label: 'Discounts' },
];

/** Enter (or replace) an account's figures for one quarter by hand — the alternative to the CSV import. */
export function QuarterValueForm({ accountId, onSaved }: { accountId: string; onSaved: () => void }) {
  const blank = (): Form => ({ quarter: lastCompleteQuarter(), revenue: '', grossProfit: '', teamCost: '', discounts: '' });
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<Form>(blank);
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    setMessage('');
    const quarter = Quarter.safeParse(form.quarter.trim().toUpperCase());
    const body = PutAccountValue.safeParse({
      revenue: toCents(form.revenue),
      grossProfit: toCents(form.grossProfit),
      teamCost: toCents(form.teamCost),
      discounts: toCents(form.discounts),
    });
    const found: Errors = {
      ...(quarter.success ? {} : { quarter: quarter.error.issues[0]?.message ?? 'invalid quarter' }),
      ...(body.success ? {} : zodErrors(body.error.issues)),
    };
    setErrors(found);
    if (!quarter.success || !body.success) return;
    setSaving(true);
    // api.ts has no put(): send the JSON body through its raw sender.
    const res = await api.put<AccountValue>(`/api/accounts/${accountId}/value/${quarter.data}`, body.data);
    setSaving(false);
    if (!res.ok) {
      const byField = issuesByField(res.error);
      setErrors(Object.keys(byField).length ? byField : { _form: res.error.message });
      return;
    }
    setOpen(false);
    setForm(blank());
    setMessage(
      `Figures for ${res.data.quarter} saved: contribution ${formatMoney(res.data.contribution)}${res.data.contribution < 0 ? ' (negative)' : ''}.`,
    );
    onSaved();
  };

  return (
    <div class="quarter-value no-print">
      <p role="status" class="saved">
        {message}
      </p>
      {!open ? (
        <button type="button" onClick={() => { setErrors({}); setMessage(''); setOpen(true); }}>
          Enter a quarter's figures
        </button>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Enter a quarter's figures">
          <h3>Enter a quarter's figures</h3>
          {errors._form && (
            <p class="field-error" role="alert">
              {errors._form}
            </p>
          )}
          <div class="form-grid">
            <Field id="qv-quarter" label="Quarter" hint="YYYY-Qn, e.g. 2026-Q3" error={errors.quarter}>
              <input
                id="qv-quarter"
                value={form.quarter}
                aria-invalid={errors.quarter ? true : undefined}
                aria-describedby={describedBy('qv-quarter', errors.quarter, 'hint')}
                onInput={(e) => setForm({ ...form, quarter: e.currentTarget.value })}
              />
            </Field>
            {MONEY.map(({ key, label, hint }) => {
              const id = `qv-${key}`;
              const fullHint = `Whole currency units${hint ? `; ${hint.toLowerCase()}` : ''}`;
              return (
                <Field key={key} id={id} label={label} hint={fullHint} error={errors[key]}>
                  <input
                    id={id}
                    type="number"
                    step="1"
                    inputMode="numeric"
                    value={form[key]}
                    aria-invalid={errors[key] ? true : undefined}
                    aria-describedby={describedBy(id, errors[key], fullHint)}
                    onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
                  />
                </Field>
              );
            })}
          </div>
          <div class="actions">
            <button type="submit" disabled={saving}>
              {saving ? 'Saving…' : 'Save figures'}
            </button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
