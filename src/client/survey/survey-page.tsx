import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { checkAnswers } from '../../shared/answers.js';
import { localize, t } from '../../shared/i18n.js';
import type { AnswerValue, SurveyDefinition } from '../../shared/schemas/survey.js';
import { saveAnswers, type SaveOutcome } from './api.js';
import { fieldId, initialValues, npsKeyOf, opensOnScore, toAnswer, toAnswers, type FormValues } from './form-state.js';
import { QuestionField } from './questions.js';
import { SurveyShell } from './survey-shell.js';
import { SURVEY_PROPS_ELEMENT_ID, SURVEY_ROOT_ID, type PageAssets, type SurveyPageProps } from './types.js';
import { useAutosave, type SaveStatus } from './use-autosave.js';

type Errors = Record<string, string>;

/** "Question? Message." or "Question: message." */
const withMessage = (question: string, message: string) => `${question}${/[?.!:]$/.test(question) ? ' ' : ': '}${message}`;

function ErrorSummary(props: Readonly<{ definition: SurveyDefinition; errors: Errors; lang: string; companyName: string; focusRef: { current: HTMLDivElement | null } }>) {
  const { definition, errors, lang } = props;
  const listed = definition.questions.filter((q) => errors[q.key]);
  return (
    <div class="summary" role="alert" tabIndex={-1} ref={props.focusRef} aria-labelledby="summary-title">
      <h2 id="summary-title">{t(lang, 'fixErrors')}</h2>
      <ul>
        {listed.map((q) => (
          <li key={q.key}>
            <a href={`#${fieldId(q)}`}>{withMessage(localize(q.text, lang, { company: props.companyName }), errors[q.key]!)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Thanks(props: Readonly<{ definition: SurveyDefinition; lang: string; token: string; focus: boolean; preview: boolean }>) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (props.focus) heading.current?.focus();
  }, [props.focus]);
  return (
    <div class="thanks">
      <h1 tabIndex={-1} ref={heading}>
        {t(props.lang, 'thanksTitle')}
      </h1>
      {props.definition.thanks && <p class="lead">{localize(props.definition.thanks, props.lang)}</p>}
      <p>{t(props.lang, 'thanksBody')}</p>
      <p>
        <a href={props.preview ? `?lang=${encodeURIComponent(props.lang)}` : `/s/${encodeURIComponent(props.token)}?edit=1`}>{t(props.lang, 'editAnswers')}</a>
      </p>
    </div>
  );
}

const statusText: Record<SaveStatus, 'saving' | 'saved' | 'saveFailed' | 'unavailableTitle' | null> = {
  idle: null,
  saving: 'saving',
  saved: 'saved',
  failed: 'saveFailed',
  gone: 'unavailableTitle',
};

/**
 * The survey form. Rendered on the server as a plain HTML form that works without JavaScript, then
 * hydrated: answers are saved as the respondent goes, and submitting goes through the JSON endpoint.
 */
export function SurveyApp(props: Readonly<SurveyPageProps>) {
  const { definition, lang, token, companyName } = props;
  const npsKey = npsKeyOf(definition);
  const [values, setValues] = useState<FormValues>(() => initialValues(props));
  const [errors, setErrors] = useState<Errors>(props.errors);
  const [view, setView] = useState(props.view);
  const [onlyScore, setOnlyScore] = useState(() => opensOnScore(props));
  const [scoreSaved, setScoreSaved] = useState(props.scoreJustSaved);
  const [sending, setSending] = useState(false);
  const [focusThanks, setFocusThanks] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const focusSummary = useRef(false);

  const onSaved = (outcome: SaveOutcome, keys: string[]) => {
    if (outcome.ok) {
      if (npsKey && keys.includes(npsKey) && onlyScore) {
        setOnlyScore(false);
        setScoreSaved(true);
      }
      setErrors((before) => Object.fromEntries(Object.entries(before).filter(([k]) => !keys.includes(k))));
    } else if (outcome.reason === 'invalid') {
      setErrors((before) => ({ ...before, ...outcome.errors }));
    }
  };
  const autosave = useAutosave(token, onSaved);

  // The score clicked in the email is saved as soon as the page runs: one click answers the survey.
  // The ?score= is dropped from the address so a reload cannot undo a score changed since.
  useEffect(() => {
    if (!onlyScore || !npsKey) return;
    history.replaceState(null, '', location.pathname);
    autosave.save(npsKey, toAnswer(definition.questions.find((q) => q.key === npsKey)!, values[npsKey]), 'now');
  }, []);

  useEffect(() => {
    if (focusSummary.current && summary.current) {
      focusSummary.current = false;
      summary.current.focus();
    }
  });

  const change = (key: string, value: AnswerValue | null, when: 'now' | 'pause') => {
    setValues((before) => ({ ...before, [key]: value }));
    const question = definition.questions.find((q) => q.key === key);
    if (question && !props.preview) autosave.save(key, toAnswer(question, value), when);
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (sending) return;
    const submitter = e.submitter as HTMLButtonElement | null;
    if (submitter?.value === 'save-score' && npsKey) {
      const question = definition.questions.find((q) => q.key === npsKey)!;
      autosave.save(npsKey, toAnswer(question, values[npsKey]), 'now');
      return;
    }
    const answers = toAnswers(definition, values);
    // The same check the server makes, so a missing answer is pointed out at once; the server still decides.
    const local = checkAnswers(definition, answers, { complete: true, lang });
    if (Object.keys(local.errors).length) {
      setErrors(local.errors);
      focusSummary.current = true;
      return;
    }
    if (props.preview) {
      // A preview goes as far as the thank-you page and stores nothing.
      setErrors({});
      setView('thanks');
      setFocusThanks(true);
      return;
    }
    setSending(true);
    await autosave.settle();
    autosave.setStatus('saving');
    const outcome = await saveAnswers(token, answers, true);
    setSending(false);
    if (outcome.ok) {
      autosave.setStatus('idle');
      setErrors({});
      setView('thanks');
      setFocusThanks(true);
      document.title = t(lang, 'thanksTitle');
    } else if (outcome.reason === 'invalid') {
      autosave.setStatus('idle');
      setErrors(outcome.errors);
      focusSummary.current = true;
    } else autosave.setStatus(outcome.reason);
  };

  if (view === 'thanks') return <Thanks definition={definition} lang={lang} token={token} focus={focusThanks} preview={props.preview === true} />;

  const title = localize(definition.title, lang, { company: companyName });
  const shown = onlyScore ? definition.questions.filter((q) => q.key === npsKey) : definition.questions;
  const hasErrors = definition.questions.some((q) => errors[q.key]);
  const status = statusText[autosave.status];
  // Opened from the score link, the page grows once the score is saved: the rest of the questions appear. Nothing
  // already on screen may move then (a layout shift): the note on required answers is there from the start, the
  // "score saved" notice takes the place of the hint below the score, and what follows it is all new.
  return (
    <>
      <h1>{title}</h1>
      {definition.intro && !onlyScore && <p class="lead">{localize(definition.intro, lang, { company: companyName })}</p>}
      {hasErrors && <ErrorSummary definition={definition} errors={errors} lang={lang} companyName={companyName} focusRef={summary} />}
      <form method="post" action={props.preview ? undefined : `/s/${encodeURIComponent(token)}`} noValidate onSubmit={submit}>
        {definition.questions.some((q) => q.required) && <p class="hint">{t(lang, 'requiredNote')}</p>}
        {shown.map((q) => (
          <Fragment key={q.key}>
            <QuestionField
              question={q}
              lang={lang}
              companyName={companyName}
              value={values[q.key]}
              error={errors[q.key]}
              onChange={change}
              onLeave={() => void autosave.flush()}
            />
            {q.key === npsKey && (
              <p class="notice" role="status">
                {scoreSaved ? t(lang, 'scoreSaved') : ''}
              </p>
            )}
          </Fragment>
        ))}
        {onlyScore && <p class="hint">{t(lang, 'confirmScoreHint')}</p>}
        {/* A new element, not the old one moved down, when the questions appear (keyed by what it holds). */}
        <div class="actions" key={onlyScore ? 'confirm-score' : 'send'}>
          {onlyScore ? (
            <button class="btn" type="submit" name="action" value="save-score">
              {t(lang, 'saveScore')}
            </button>
          ) : (
            <button class="btn" type="submit" aria-disabled={sending ? 'true' : undefined}>
              {t(lang, 'submit')}
            </button>
          )}
          <p class={autosave.status === 'failed' || autosave.status === 'gone' ? 'status bad' : 'status'} role="status" aria-live="polite">
            {status ? t(lang, status) : ''}
          </p>
        </div>
      </form>
    </>
  );
}

/** `<` is escaped so no answer text can close the script element the props travel in. */
function serializeProps(props: SurveyPageProps): string {
  return JSON.stringify(props).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The whole survey document (server only): the form, the props it was rendered from, and the script. */
export function SurveyPage({ assets, ...props }: SurveyPageProps & { assets: PageAssets }) {
  const title = localize(props.definition.title, props.lang, { company: props.companyName });
  const failed = props.view === 'form' && Object.keys(props.errors).length > 0;
  return (
    <SurveyShell title={failed ? t(props.lang, 'errorPrefix') + title : title} lang={props.lang} assets={assets}>
      <div id={SURVEY_ROOT_ID}>
        <SurveyApp {...props} />
      </div>
      <script type="application/json" id={SURVEY_PROPS_ELEMENT_ID} dangerouslySetInnerHTML={{ __html: serializeProps(props) }} />
    </SurveyShell>
  );
}
