import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { checkAnswers } from '../../shared/answers.js';
import { localize, pageMessages, t } from '../../shared/i18n/core.js';
import type { AnswerValue, Question, SurveyDefinition } from '../../shared/schemas/survey.js';
import { saveAnswers, type SaveOutcome } from './api.js';
import { fieldId, initialValues, npsKeyOf, opensOnScore, toAnswer, toAnswers, type FormValues } from './form-state.js';
import { QuestionField } from './questions.js';
import { SurveyShell } from './survey-shell.js';
import { SURVEY_MESSAGES_ELEMENT_ID, SURVEY_PROPS_ELEMENT_ID, SURVEY_ROOT_ID, type PageAssets, type SurveyBrand, type SurveyPageProps } from './types.js';
import { clampSection, firstSectionWith, sectionErrors, sectionOfQuestion, sectionsOf } from '../../shared/survey-sections.js';
import { useAutosave, type SaveStatus } from './use-autosave.js';

type Errors = Record<string, string>;

/** "Question? Message." or "Question: message." */
const withMessage = (question: string, message: string) => `${question}${/[?.!:]$/.test(question) ? ' ' : ': '}${message}`;

function ErrorSummary(props: Readonly<{ questions: Question[]; errors: Errors; lang: string; companyName: string; focusRef: { current: HTMLDivElement | null } }>) {
  const { errors, lang } = props;
  const listed = props.questions.filter((q) => errors[q.key]);
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

const comparable = (text: string) => text.toLowerCase().replace(/[¡!¿?.,;:\s]+/g, ' ').trim();

/**
 * The thank-you heading and lead. A survey's own closing text often starts by thanking too ("Thank you. Your account
 * team reads every answer."): said twice under a "Thank you!" heading it reads like a form letter, so a first sentence
 * that thanks becomes the heading itself ("Thank you for your time.") or, when it is only the thanks, is dropped.
 */
export function thanksText(closing: string | null, lang: string): { heading: string; lead: string | null } {
  const title = t(lang, 'thanksTitle');
  if (!closing) return { heading: title, lead: null };
  const split = /^(.+?[.!?])\s+(\S[\s\S]*)$/.exec(closing.trim());
  const [first, rest] = split ? [split[1]!, split[2]!] : [closing.trim(), ''];
  const thanks = comparable(title);
  if (comparable(first) === thanks) return { heading: title, lead: rest || null };
  if (comparable(first).startsWith(thanks + ' ')) return { heading: first, lead: rest || null };
  return { heading: title, lead: closing };
}

function Thanks(props: Readonly<{ definition: SurveyDefinition; lang: string; token: string; focus: boolean; preview: boolean }>) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (props.focus) heading.current?.focus();
  }, [props.focus]);
  const text = thanksText(props.definition.thanks ? localize(props.definition.thanks, props.lang) : null, props.lang);
  return (
    <div class="thanks">
      <h1 tabIndex={-1} ref={heading}>
        {text.heading}
      </h1>
      {text.lead && <p class="lead">{text.lead}</p>}
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
  const sections = sectionsOf(definition);
  const [section, setSection] = useState(() =>
    opensOnScore(props) && npsKey ? sectionOfQuestion(definition, npsKey) : clampSection(definition, props.section ?? 1),
  );
  const progress = useRef<HTMLParagraphElement>(null);
  const focusProgress = useRef(false);

  // Browser back and forward move between sections (each section has its own address, as without JavaScript).
  useEffect(() => {
    if (sections.length < 2 || props.preview) return;
    const onPop = () => setSection(clampSection(definition, new URLSearchParams(location.search).get('section') ?? 1));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

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
    } else if (focusProgress.current && progress.current) {
      focusProgress.current = false;
      progress.current.focus();
      scrollTo(0, 0);
    }
  });

  /** Saves this section's answers (whatever autosave has not sent yet goes with them), then shows another section. */
  const goTo = async (target: number) => {
    if (!props.preview) {
      for (const q of sections[section - 1] ?? []) autosave.save(q.key, toAnswer(q, values[q.key]), 'pause');
      await autosave.flush();
    }
    setSection(target);
    focusProgress.current = true;
    if (!props.preview) history.pushState(null, '', `${location.pathname}?section=${target}`);
  };

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
    if (submitter?.value === 'back') return void goTo(section - 1);
    if (submitter?.value === 'next') {
      const missing = sectionErrors(definition, section, answers, lang);
      if (Object.keys(missing).length) {
        setErrors(missing);
        focusSummary.current = true;
        return;
      }
      setErrors({});
      return void goTo(section + 1);
    }
    // The same check the server makes, so a missing answer is pointed out at once; the server still decides.
    const local = checkAnswers(definition, answers, { complete: true, lang });
    if (Object.keys(local.errors).length) {
      setErrors(local.errors);
      setSection(firstSectionWith(definition, Object.keys(local.errors)) ?? section);
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
      setSection(firstSectionWith(definition, Object.keys(outcome.errors)) ?? section);
      focusSummary.current = true;
    } else autosave.setStatus(outcome.reason);
  };

  if (view === 'thanks') return <Thanks definition={definition} lang={lang} token={token} focus={focusThanks} preview={props.preview === true} />;

  const title = localize(definition.title, lang, { company: companyName });
  const paged = sections.length > 1 && !onlyScore;
  const shown = onlyScore ? definition.questions.filter((q) => q.key === npsKey) : paged ? sections[section - 1]! : definition.questions;
  const hasErrors = shown.some((q) => errors[q.key]);
  const last = !paged || section === sections.length;
  const status = statusText[autosave.status];
  // Opened from the score link, the page grows once the score is saved: the rest of the questions appear. Nothing
  // already on screen may move then (a layout shift): the note on required answers is there from the start, the
  // "score saved" notice takes the place of the hint below the score, and what follows it is all new.
  return (
    <>
      <h1>{title}</h1>
      {paged && (
        <div class="progress">
          <p tabIndex={-1} ref={progress}>
            {t(lang, 'sectionOf', { n: section, total: sections.length })}
          </p>
          <progress max={sections.length} value={section} aria-hidden="true" />
        </div>
      )}
      {definition.intro && !onlyScore && section === 1 && <p class="lead">{localize(definition.intro, lang, { company: companyName })}</p>}
      {hasErrors && <ErrorSummary questions={shown} errors={errors} lang={lang} companyName={companyName} focusRef={summary} />}
      <form method="post" action={props.preview ? undefined : `/s/${encodeURIComponent(token)}`} noValidate onSubmit={submit}>
        {paged && <input type="hidden" name="section" value={String(section)} />}
        {(paged ? shown : definition.questions).some((q) => q.required) && <p class="hint">{t(lang, 'requiredNote')}</p>}
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
        {/* The forward button comes first: Enter in a text field presses the form's first button. */}
        <div class="actions" key={onlyScore ? 'confirm-score' : 'send'}>
          {onlyScore ? (
            <button class="btn" type="submit" name="action" value="save-score">
              {t(lang, 'saveScore')}
            </button>
          ) : last ? (
            <button class="btn" type="submit" aria-disabled={sending ? 'true' : undefined}>
              {t(lang, 'submit')}
            </button>
          ) : (
            <button class="btn" type="submit" name="action" value="next">
              {t(lang, 'nextSection')}
            </button>
          )}
          {paged && section > 1 && (
            <button class="btn secondary" type="submit" name="action" value="back">
              {t(lang, 'previousSection')}
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
function serializeProps(props: unknown): string {
  return JSON.stringify(props).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The whole survey document (server only): the form, the props it was rendered from, and the script. */
export function SurveyPage({ assets, brand, ...props }: SurveyPageProps & { assets: PageAssets; brand?: SurveyBrand | undefined }) {
  const title = localize(props.definition.title, props.lang, { company: props.companyName });
  const failed = props.view === 'form' && Object.keys(props.errors).length > 0;
  return (
    <SurveyShell title={failed ? t(props.lang, 'errorPrefix') + title : title} lang={props.lang} assets={assets} brand={brand}>
      <div id={SURVEY_ROOT_ID}>
        <SurveyApp {...props} />
      </div>
      <script type="application/json" id={SURVEY_PROPS_ELEMENT_ID} dangerouslySetInnerHTML={{ __html: serializeProps(props) }} />
      {/* Only the respondent's catalogue travels to the browser: the script bundles none. */}
      <script type="application/json" id={SURVEY_MESSAGES_ELEMENT_ID} dangerouslySetInnerHTML={{ __html: serializeProps(pageMessages(props.lang)) }} />
    </SurveyShell>
  );
}
