import { PageShell } from '../components/page-shell.js';
import { t } from '../../shared/i18n.js';

// Placeholders replaced by the real pages (being written now).
export function SurveyUnavailablePage({ lang }: { lang: string }) {
  return (
    <PageShell title={t(lang, 'unavailableTitle')} lang={lang}>
      <h1>{t(lang, 'unavailableTitle')}</h1>
      <p>{t(lang, 'unavailableBody')}</p>
    </PageShell>
  );
}

export function UnsubscribePage(props: { lang: string; token: string; email: string; companyName: string; done: boolean }) {
  return (
    <PageShell title={t(props.lang, 'unsubscribeTitle')} lang={props.lang}>
      <h1>{props.done ? t(props.lang, 'unsubscribedTitle') : t(props.lang, 'unsubscribeTitle')}</h1>
    </PageShell>
  );
}
