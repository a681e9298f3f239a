import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, issuesByField, type ApiProblem } from '../api.js';
import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { canEdit } from '../session.js';
import { formatDate, formatNumber } from '../format.js';
import { ErrorState, Loading } from '../components/states.js';
import { Field, describedBy, zodErrors } from '../components/field.js';
import { respondentLanguages } from '../../../shared/i18n/languages.js';
import {
  CreateSurvey,
  UpdateSurvey,
  type LocalizedText,
  type Question,
  type QuestionKind,
  type Survey,
  type SurveyDefinition,
} from '../../../shared/schemas/survey.js';

/**
 * One survey: a preview of the respondent's real page (rendered by the server in preview mode, in a sandboxed
 * frame) per language; "make an editable copy" of a template; and, for copies, an editor for the texts (per
 * language) and the questions, checked with the API's own schemas before saving.
 */

const kindWords: Record<Survey['kind'], string> = { nps: 'NPS', audit: 'Key-account audit', custom: 'Custom' };
const surveyBadge = (s: Survey) => (s.templateKey ? 'Template · read-only' : s.canEdit ? 'Editable copy' : 'Copy · read-only');
const languageNames: Record<string, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
  pt: 'Português',
  nl: 'Nederlands',
  it: 'Italiano',
};
const languageName = (lang: string) => languageNames[lang] ?? lang;
/** Languages the respondent pages speak; a survey's texts can be written in any of them. */
const EDIT_LANGUAGES: readonly string[] = respondentLanguages;
const KINDS: { kind: QuestionKind; label: string }[] = [
  { kind: 'nps', label: 'NPS (0–10)' },
  { kind: 'rating', label: 'Marks out of ten' },
  { kind: 'choice', label: 'Choice' },
  { kind: 'text', label: 'Text' },
  { kind: 'yes_no', label: 'Yes / no' },
];

export function Preview({ survey, saves }: { survey: Survey; saves: number }) {
  const [lang, setLang] = useState(survey.languages.includes('en') ? 'en' : survey.languages[0]!);
  return (
    <section aria-labelledby="preview-title" class="survey-preview">
      <h2 id="preview-title">Preview</h2>
      <p class="hint">Exactly what a customer sees. Answers you try here are not saved and nothing is sent.</p>
      {survey.languages.length > 1 && (
        <fieldset class="language-switch">
          <legend>Language</legend>
          {survey.languages.map((l) => (
            <label key={l} class="check" lang={l}>
              <input type="radio" name="preview-lang" value={l} checked={lang === l} onChange={() => setLang(l)} /> {languageName(l)}
            </label>
          ))}
        </fieldset>
      )}
      <iframe
        class="survey-preview-frame"
        // The version and the saves made here in the address: a saved edit shows at once.
        src={`/survey-preview/${survey.id}?lang=${encodeURIComponent(lang)}&v=${survey.versionId}.${saves}`}
        title={`The survey as respondents see it, in ${languageName(lang)}`}
        // The form's own script must run (hydration, its checks, the thank-you view); forms must be allowed or a
        // sandboxed frame never even fires `submit` for the script to stop. Nothing can be posted anyway: the
        // preview page's CSP says form-action 'none' and its form has no action. Never allow-same-origin with
        // allow-scripts: a same-origin script could reach into this page or lift its own sandbox. Without it the
        // frame is an opaque origin, holding no cookie or storage of ours (the page's CSP sandboxes it the same way
        // when opened on its own). Still denied: top navigation, popups, downloads and dialogs.
        sandbox="allow-scripts allow-forms"
        loading="lazy"
      />
    </section>
  );
}

function MakeCopy({ survey }: { survey: Survey }) {
  const { route } = useLocation();
  const [name, setName] = useState(`${survey.name} (copy)`);
  const [error, setError] = useState<string | undefined>();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = { name, copyFromId: survey.id };
    const checked = CreateSurvey.safeParse(body);
    if (!checked.success) {
      setError(zodErrors(checked.error.issues).name ?? 'Check the name');
      return;
    }
    setBusy(true);
    const result = await api.post<Survey>('/api/surveys', checked.data);
    setBusy(false);
    if (result.ok) route(`/surveys/${result.data.id}`);
    else {
      const fields = issuesByField(result.error);
      if (fields.name) setError(fields.name);
      else setProblem(result.error);
    }
  };
  return (
    <form class="make-copy" onSubmit={submit} noValidate aria-labelledby="copy-title">
      <h2 id="copy-title">Make an editable copy</h2>
      <p>{survey.templateKey ? 'This is a built-in template, so it cannot be changed.' : ''} A copy starts with the same questions and texts in every language.</p>
      <Field id="copy-name" label="Name of the copy" error={error}>
        <input
          id="copy-name"
          type="text"
          value={name}
          maxLength={200}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy('copy-name', error)}
          onInput={(e) => {
            setName(e.currentTarget.value);
            setError(undefined);
          }}
        />
      </Field>
      {problem && <ErrorState error={problem} />}
      <div class="actions">
        <button type="submit" aria-disabled={busy ? 'true' : undefined}>
          {busy ? 'Copying…' : 'Make an editable copy'}
        </button>
      </div>
    </form>
  );
}

function newQuestion(kind: QuestionKind, taken: string[]): Question {
  let n = taken.length + 1;
  while (taken.includes(`question_${n}`)) n++;
  const base = { key: `question_${n}`, text: { en: '' }, required: false };
  switch (kind) {
    case 'nps':
      return { ...base, kind };
    case 'rating':
      return { ...base, kind, min: 1, max: 10 };
    case 'choice':
      return {
        ...base,
        kind,
        multiple: false,
        allowOther: false,
        options: [
          { value: 'option_1', label: { en: 'Option 1' } },
          { value: 'option_2', label: { en: 'Option 2' } },
        ],
      };
    case 'text':
      return { ...base, kind, long: false };
    case 'yes_no':
      return { ...base, kind };
  }
}

/** Sets one language of a text; an emptied non-English text is removed (English is the fallback). */
function setText(text: LocalizedText | undefined, lang: string, value: string): LocalizedText | undefined {
  const next: Record<string, string> = { ...(text ?? {}) };
  if (value === '' && lang !== 'en') delete next[lang];
  else next[lang] = value;
  return Object.keys(next).length ? (next as LocalizedText) : undefined;
}

interface Draft {
  name: string;
  definition: SurveyDefinition;
}

/** A text input for one language of a localized text, with its error (schema paths end in the language). */
function TextInput(props: {
  id: string;
  label: string;
  value: LocalizedText | undefined;
  lang: string;
  long?: boolean;
  errors: Record<string, string>;
  path: string;
  hint?: string;
  onChange: (text: LocalizedText | undefined) => void;
}) {
  const { id, lang, errors, path } = props;
  const error = errors[`${path}.${lang}`] ?? (lang === 'en' ? errors[path] : undefined);
  const english = props.value?.en;
  const hint = [props.hint, lang !== 'en' && english ? `English: “${english}”` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    lang,
    value: props.value?.[lang] ?? '',
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(id, error, hint),
    onInput: (e: Event) => props.onChange(setText(props.value, lang, (e.currentTarget as HTMLInputElement).value)),
  };
  return (
    <Field id={id} label={props.label} error={error} hint={hint}>
      {props.long ? <textarea rows={3} {...common} /> : <input type="text" {...common} />}
    </Field>
  );
}

function Editor({ survey, onSaved }: { survey: Survey; onSaved: (s: Survey) => void }) {
  const [draft, setDraft] = useState<Draft>(() => ({ name: survey.name, definition: structuredClone(survey.definition) }));
  const [lang, setLang] = useState('en');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [newKind, setNewKind] = useState<QuestionKind>('text');
  const focusAfter = useRef<string | null>(null);
  useEffect(() => {
    if (!focusAfter.current) return;
    // After a move, focus follows the question; at the top or bottom the other move button takes it.
    const target = document.getElementById(focusAfter.current) as HTMLButtonElement | null;
    const other = focusAfter.current.replace(/-(up|down)$/, (m) => (m === '-up' ? '-down' : '-up'));
    (target?.disabled ? document.getElementById(other) : target)?.focus();
    focusAfter.current = null;
  });

  const edit = (change: (d: Draft) => void) => {
    setDraft((d) => {
      const next = structuredClone(d);
      change(next);
      return next;
    });
    setStatus('');
  };
  const editQuestion = (i: number, change: (q: Question) => void) => edit((d) => change(d.definition.questions[i]!));
  const move = (i: number, by: -1 | 1) => {
    edit((d) => {
      const [q] = d.definition.questions.splice(i, 1);
      d.definition.questions.splice(i + by, 0, q!);
    });
    focusAfter.current = `q-${i + by}-${by < 0 ? 'up' : 'down'}`;
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const checked = UpdateSurvey.safeParse(draft);
    if (!checked.success) {
      const found = zodErrors(checked.error.issues);
      setErrors(found);
      setStatus('Some fields need attention.');
      // An error in another language's text: show that language.
      const other = Object.keys(found).map((p) => p.split('.').pop()!).find((last) => EDIT_LANGUAGES.includes(last) && last !== lang);
      if (other && !Object.keys(found).some((p) => p.endsWith(`.${lang}`))) setLang(other);
      return;
    }
    setBusy(true);
    setProblem(null);
    const result = await api.patch<Survey>(`/api/surveys/${survey.id}`, checked.data);
    setBusy(false);
    if (result.ok) {
      setErrors({});
      setStatus(result.data.version > survey.version ? `Saved as version ${result.data.version}.` : 'Saved.');
      onSaved(result.data);
    } else {
      const fields = issuesByField(result.error);
      setErrors(fields);
      if (!Object.keys(fields).length) setProblem(result.error);
      setStatus('Not saved.');
    }
  };

  const def = draft.definition;
  const qPath = (i: number) => `definition.questions.${i}`;
  return (
    <form class="survey-editor" onSubmit={save} noValidate aria-labelledby="editor-title">
      <h2 id="editor-title">Edit this copy</h2>
      <p class="version-note">
        Once a campaign has used this survey, saving creates a new version: answers already given stay with the version they answered, and new
        campaigns use the new one.
      </p>
      <Field id="survey-name" label="Survey name" error={errors.name}>
        <input
          id="survey-name"
          type="text"
          value={draft.name}
          aria-invalid={errors.name ? 'true' : undefined}
          aria-describedby={describedBy('survey-name', errors.name)}
          onInput={(e) => edit((d) => (d.name = e.currentTarget.value))}
        />
      </Field>
      <fieldset class="language-switch">
        <legend>Texts in</legend>
        {EDIT_LANGUAGES.map((l) => (
          <label key={l} class="check" lang={l}>
            <input type="radio" name="edit-lang" value={l} checked={lang === l} onChange={() => setLang(l)} /> {languageName(l)}
          </label>
        ))}
      </fieldset>
      <p class="hint">
        English is required and is shown when a text is missing in the respondent's language. Write {'{company}'} for your company's name.
      </p>
      <TextInput id="survey-title" label="Title" value={def.title} lang={lang} errors={errors} path="definition.title" onChange={(t) => edit((d) => (d.definition.title = t!))} />
      <TextInput id="survey-intro" label="Introduction (optional)" long value={def.intro} lang={lang} errors={errors} path="definition.intro" onChange={(t) => edit((d) => (t ? (d.definition.intro = t) : delete d.definition.intro))} />
      <TextInput id="survey-thanks" label="Thank-you text (optional)" long value={def.thanks} lang={lang} errors={errors} path="definition.thanks" onChange={(t) => edit((d) => (t ? (d.definition.thanks = t) : delete d.definition.thanks))} />

      <h3>Questions</h3>
      {errors['definition.questions'] && (
        <p class="field-error" role="alert">
          {errors['definition.questions']}
        </p>
      )}
      {def.questions.map((q, i) => (
        <fieldset key={i} class="question-editor">
          <legend>
            Question {i + 1}: {KINDS.find((k) => k.kind === q.kind)?.label}
          </legend>
          <TextInput id={`q-${i}-text`} label="Question" value={q.text} lang={lang} errors={errors} path={`${qPath(i)}.text`} onChange={(t) => editQuestion(i, (x) => (x.text = t ?? { en: '' }))} />
          <div class="form-grid">
            <Field id={`q-${i}-key`} label="Key" error={errors[`${qPath(i)}.key`]} hint="Reports and follow-up rules find the question by it.">
              <input
                id={`q-${i}-key`}
                type="text"
                value={q.key}
                aria-invalid={errors[`${qPath(i)}.key`] ? 'true' : undefined}
                aria-describedby={describedBy(`q-${i}-key`, errors[`${qPath(i)}.key`], 'hint')}
                onInput={(e) => editQuestion(i, (x) => (x.key = e.currentTarget.value))}
              />
            </Field>
          </div>
          <label class="check">
            <input type="checkbox" checked={q.required} onChange={(e) => editQuestion(i, (x) => (x.required = e.currentTarget.checked))} /> Required
          </label>
          {q.kind === 'text' && (
            <label class="check">
              <input type="checkbox" checked={q.long} onChange={(e) => editQuestion(i, (x) => ((x as typeof q).long = e.currentTarget.checked))} /> Long answer
            </label>
          )}
          {q.kind === 'choice' && (
            <>
              <label class="check">
                <input type="checkbox" checked={q.multiple} onChange={(e) => editQuestion(i, (x) => ((x as typeof q).multiple = e.currentTarget.checked))} /> Several may be chosen
              </label>
              <label class="check">
                <input type="checkbox" checked={q.allowOther} onChange={(e) => editQuestion(i, (x) => ((x as typeof q).allowOther = e.currentTarget.checked))} /> Offer "Other"
              </label>
              <fieldset class="options">
                <legend>Options</legend>
                {errors[`${qPath(i)}.options`] && (
                  <p class="field-error" role="alert">
                    {errors[`${qPath(i)}.options`]}
                  </p>
                )}
                {q.options.map((o, j) => (
                  <div class="option-row" key={j}>
                    <Field id={`q-${i}-o-${j}-value`} label={`Option ${j + 1} value`} error={errors[`${qPath(i)}.options.${j}.value`]}>
                      <input
                        id={`q-${i}-o-${j}-value`}
                        type="text"
                        value={o.value}
                        aria-invalid={errors[`${qPath(i)}.options.${j}.value`] ? 'true' : undefined}
                        aria-describedby={describedBy(`q-${i}-o-${j}-value`, errors[`${qPath(i)}.options.${j}.value`])}
                        onInput={(e) => editQuestion(i, (x) => ((x as typeof q).options[j]!.value = e.currentTarget.value))}
                      />
                    </Field>
                    <TextInput
                      id={`q-${i}-o-${j}-label`}
                      label={`Option ${j + 1} label`}
                      value={o.label}
                      lang={lang}
                      errors={errors}
                      path={`${qPath(i)}.options.${j}.label`}
                      onChange={(t) => editQuestion(i, (x) => ((x as typeof q).options[j]!.label = t ?? { en: '' }))}
                    />
                    <button type="button" class="secondary" aria-label={`Remove option ${j + 1} of question ${i + 1}`} onClick={() => editQuestion(i, (x) => (x as typeof q).options.splice(j, 1))}>
                      Remove
                    </button>
                  </div>
                ))}
                <button
                  type="button"
                  class="secondary"
                  onClick={() => editQuestion(i, (x) => (x as typeof q).options.push({ value: `option_${(x as typeof q).options.length + 1}`, label: { en: '' } }))}
                >
                  Add an option
                </button>
              </fieldset>
            </>
          )}
          <div class="question-tools">
            <button type="button" class="secondary" id={`q-${i}-up`} disabled={i === 0} aria-label={`Move up question ${i + 1}`} onClick={() => move(i, -1)}>
              Move up
            </button>
            <button type="button" class="secondary" id={`q-${i}-down`} disabled={i === def.questions.length - 1} aria-label={`Move down question ${i + 1}`} onClick={() => move(i, 1)}>
              Move down
            </button>
            <button type="button" class="secondary" aria-label={`Remove question ${i + 1}`} onClick={() => edit((d) => d.definition.questions.splice(i, 1))}>
              Remove
            </button>
          </div>
        </fieldset>
      ))}
      <div class="toolbar">
        <div class="field">
          <label for="new-question-kind">New question</label>
          <select id="new-question-kind" value={newKind} onChange={(e) => setNewKind(e.currentTarget.value as QuestionKind)}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            focusAfter.current = `q-${def.questions.length}-text`;
            edit((d) => d.definition.questions.push(newQuestion(newKind, d.definition.questions.map((q) => q.key))));
          }}
        >
          Add question
        </button>
      </div>
      {problem && <ErrorState error={problem} />}
      <div class="actions">
        <button type="submit" aria-disabled={busy ? 'true' : undefined}>
          {busy ? 'Saving…' : 'Save changes'}
        </button>
        <p class="save-status" role="status" aria-live="polite">
          {status}
        </p>
      </div>
    </form>
  );
}

export default function SurveyPage({ id }: { id: string }) {
  const survey = useApi<Survey>(`/api/surveys/${encodeURIComponent(id)}`);
  const [saved, setSaved] = useState<Survey | null>(null);
  const [saves, setSaves] = useState(0);
  const data = saved?.id === id ? saved : survey.data;
  usePageTitle(data?.name ?? 'Survey');

  if (!data) {
    return (
      <section aria-labelledby="survey-title">
        <h1 id="survey-title" tabIndex={-1}>
          Survey
        </h1>
        {survey.error ? <ErrorState error={survey.error} retry={survey.reload} /> : <Loading what="Loading the survey…" />}
      </section>
    );
  }
  // The server decides (its maker and admins edit a copy; templates are read-only), and refuses anyone else.
  const editable = data.canEdit;
  return (
    <section aria-labelledby="survey-title" class="survey-page">
      <p class="breadcrumb">
        <a href="/surveys">Surveys</a>
      </p>
      <h1 id="survey-title" tabIndex={-1}>
        {data.name}
      </h1>
      <p>
        <span class="badge">{surveyBadge(data)}</span> <span class="badge">{kindWords[data.kind]}</span>{' '}
        <span class="hint">
          Version {formatNumber(data.version)} · {formatNumber(data.responseCount)} {data.responseCount === 1 ? 'response' : 'responses'} · updated{' '}
          {formatDate(data.updatedAt)}
        </span>
      </p>
      <div class="columns">
        <Preview survey={data} saves={saves} />
        <div>
          {editable && <Editor
              key={data.id}
              survey={data}
              onSaved={(s) => {
                setSaved(s);
                setSaves((n) => n + 1);
              }}
            />}
          {!editable && !data.templateKey && canEdit() && (
            <p class="hint">Only the person who made this copy, or an admin, can change it. Make your own copy to edit it.</p>
          )}
          {canEdit() && <MakeCopy key={`copy-${data.id}`} survey={data} />}
        </div>
      </div>
    </section>
  );
}
