import { useApi } from '../use-api.js';
import { usePageTitle } from '../use-page-title.js';
import { formatDate, formatNumber } from '../format.js';
import { Empty, ErrorState, Loading } from '../components/states.js';
import type { Survey } from '../../../shared/schemas/survey.js';
import { languageNames } from '../../../shared/language-guess.js';

/** The surveys: the built-in templates (read-only) and the copies people made of them (editable). */

const kindWords: Record<Survey['kind'], string> = { nps: 'NPS', audit: 'Key-account audit', custom: 'Custom' };
/** A copy reads as editable only to those who may edit it (its maker and admins). */
const surveyBadge = (s: Survey) => (s.templateKey ? 'Template · read-only' : s.canEdit ? 'Editable copy' : 'Copy · read-only');
const languageName = (lang: string) => languageNames[lang] ?? lang;

export default function SurveysPage() {
  usePageTitle('Surveys');
  const surveys = useApi<{ data: Survey[] }>('/api/surveys');
  const list = surveys.data?.data ?? [];
  return (
    <section aria-labelledby="surveys-title" class="surveys-page">
      <h1 id="surveys-title" tabIndex={-1}>
        Surveys
      </h1>
      <p>
        Open a survey to preview it exactly as customers see it, in each language. Templates are read-only: make an editable copy to change
        texts or questions.
      </p>
      {surveys.error ? (
        <ErrorState error={surveys.error} retry={surveys.reload} />
      ) : !surveys.data ? (
        <Loading what="Loading surveys…" />
      ) : list.length === 0 ? (
        <Empty>
          <p>No surveys yet.</p>
        </Empty>
      ) : (
        <ul class="survey-list">
          {list.map((s) => (
            <li key={s.id}>
              <h2>
                <a href={`/surveys/${s.id}`}>{s.name}</a>
              </h2>
              <p>
                <span class="badge">{surveyBadge(s)}</span>{' '}
                <span class="badge">{kindWords[s.kind]}</span>
              </p>
              <p>
                {formatNumber(s.definition.questions.length)} {s.definition.questions.length === 1 ? 'question' : 'questions'} ·{' '}
                {s.languages.map(languageName).join(', ')}
              </p>
              <p class="hint">
                Version {formatNumber(s.version)} · {formatNumber(s.responseCount)} {s.responseCount === 1 ? 'response' : 'responses'} · updated{' '}
                {formatDate(s.updatedAt)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
