import type { ComponentChildren } from 'preact';
import { localize, t } from '../../shared/i18n/core.js';
import type { AnswerValue, Question } from '../../shared/schemas/survey.js';
import { OTHER, toggleChoice, typeOther, type ChoiceValue } from './form-state.js';

export interface QuestionFieldProps {
  question: Question;
  lang: string;
  companyName: string;
  value: AnswerValue | null | undefined;
  error?: string | undefined;
  /** A new value: `now` for clicks (saved at once), `pause` while typing (saved after a pause). */
  onChange(key: string, value: AnswerValue | null, when: 'now' | 'pause'): void;
  /** A text field lost focus: save what was typed without waiting for the pause. */
  onLeave(key: string): void;
}

type Props = Readonly<QuestionFieldProps>;
type Choice = Question & { kind: 'choice' };

const ids = (...parts: (string | false | undefined)[]) => parts.filter(Boolean).join(' ') || undefined;

function RequiredMark({ lang }: { lang: string }) {
  return (
    <>
      <span class="req" aria-hidden="true">
        {' *'}
      </span>
      <span class="vh"> ({t(lang, 'requiredMark')})</span>
    </>
  );
}

/** One radio button drawn as a big square (the scores, yes/no). The input stays real: keyboards and no-JS work. */
function Pick(props: Readonly<{ id: string; name: string; value: string; label: string; checked: boolean; onPick(): void }>) {
  return (
    <label class="pick">
      <input type="radio" id={props.id} name={props.name} value={props.value} checked={props.checked} onChange={props.onPick} />
      <span>{props.label}</span>
    </label>
  );
}

function ScaleInputs({ question, value, onChange, lang }: Props & { question: Question & { kind: 'nps' | 'rating' } }) {
  const [min, max] = question.kind === 'nps' ? [0, 10] : [question.min, question.max];
  const scores = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return (
    <>
      <div class={`scale scale-${scores.length}`}>
        {scores.map((n, i) => (
          <Pick
            key={n}
            id={`q-${question.key}-${i}`}
            name={`q.${question.key}`}
            value={String(n)}
            label={String(n)}
            checked={value !== null && value !== undefined && String(value) === String(n)}
            onPick={() => onChange(question.key, n, 'now')}
          />
        ))}
      </div>
      {question.kind === 'nps' && (
        <p class="ends" id={`q-${question.key}-ends`}>
          <span>{t(lang, 'notLikely')}</span>
          <span>{t(lang, 'veryLikely')}</span>
        </p>
      )}
    </>
  );
}

function YesNoInputs({ question, value, onChange, lang }: Props) {
  const options = [
    ['yes', true],
    ['no', false],
  ] as const;
  return (
    <div class="yn">
      {options.map(([word, bool], i) => (
        <Pick
          key={word}
          id={`q-${question.key}-${i}`}
          name={`q.${question.key}`}
          value={word}
          label={t(lang, word)}
          checked={value === bool}
          onPick={() => onChange(question.key, bool, 'now')}
        />
      ))}
    </div>
  );
}

function ChoiceInputs(props: Props & { question: Choice }) {
  const { question, lang, onChange } = props;
  const current = props.value && typeof props.value === 'object' ? (props.value as ChoiceValue) : undefined;
  const type = question.multiple ? 'checkbox' : 'radio';
  const name = `q.${question.key}`;
  const tick = (option: string) => (e: Event) =>
    onChange(question.key, toggleChoice(question, current, option, (e.currentTarget as HTMLInputElement).checked), 'now');
  const otherTicked = current?.other !== undefined;
  return (
    <div class="opts">
      {question.options.map((o, i) => (
        <label class="opt" key={o.value}>
          <input
            type={type}
            id={`q-${question.key}-${i}`}
            name={name}
            value={o.value}
            checked={current?.selected.includes(o.value) ?? false}
            onChange={tick(o.value)}
          />
          <span>{localize(o.label, lang)}</span>
        </label>
      ))}
      {question.allowOther && (
        <div class="other">
          <label class="opt">
            <input type={type} id={`q-${question.key}-${question.options.length}`} name={name} value={OTHER} checked={otherTicked} onChange={tick(OTHER)} />
            <span>{t(lang, 'other')}</span>
          </label>
          <input
            type="text"
            name={`${name}.other`}
            value={current?.other ?? ''}
            maxLength={1000}
            aria-label={`${t(lang, 'other')}: ${t(lang, 'otherPlaceholder')}`}
            placeholder={t(lang, 'otherPlaceholder')}
            onInput={(e) => onChange(question.key, typeOther(question, current, e.currentTarget.value), 'pause')}
            onBlur={() => props.onLeave(question.key)}
          />
        </div>
      )}
    </div>
  );
}

/** A question with its label, help, error and inputs. Inputs are named `q.<key>` for the plain form post. */
export function QuestionField(props: Props) {
  const { question: q, lang, error } = props;
  const base = `q-${q.key}`;
  const label = (
    <>
      {localize(q.text, lang, { company: props.companyName })}
      {q.required && <RequiredMark lang={lang} />}
    </>
  );
  const notes: ComponentChildren = (
    <>
      {q.help && (
        <p class="hint" id={`${base}-help`}>
          {localize(q.help, lang, { company: props.companyName })}
        </p>
      )}
      {error && (
        <p class="err" id={`${base}-error`}>
          {error}
        </p>
      )}
    </>
  );
  const heading = q.heading && <h2>{localize(q.heading, lang, { company: props.companyName })}</h2>;
  const describedBy = ids(q.help && `${base}-help`, !!error && `${base}-error`);

  if (q.kind === 'text') {
    const text = typeof props.value === 'string' ? props.value : '';
    const common = {
      id: base,
      name: `q.${q.key}`,
      value: text,
      maxLength: 5000,
      'aria-describedby': describedBy,
      'aria-invalid': error ? ('true' as const) : undefined,
      'aria-required': q.required ? ('true' as const) : undefined,
      onInput: (e: Event) => props.onChange(q.key, (e.currentTarget as HTMLInputElement).value, 'pause'),
      onBlur: () => props.onLeave(q.key),
    };
    return (
      <>
        {heading}
        <div class={error ? 'q bad' : 'q'}>
          <label class="qt" for={base}>
            {label}
          </label>
          {notes}
          {q.long ? <textarea rows={5} {...common} /> : <input type="text" {...common} />}
        </div>
      </>
    );
  }

  return (
    <>
      {heading}
      <fieldset
        class={error ? 'q bad' : 'q'}
        aria-describedby={ids(describedBy, q.kind === 'nps' && `${base}-ends`)}
        aria-invalid={error ? 'true' : undefined}
      >
        <legend class="qt">{label}</legend>
        {notes}
        {q.kind === 'nps' || q.kind === 'rating' ? (
          <ScaleInputs {...props} question={q} />
        ) : q.kind === 'yes_no' ? (
          <YesNoInputs {...props} />
        ) : (
          <ChoiceInputs {...props} question={q} />
        )}
      </fieldset>
    </>
  );
}
