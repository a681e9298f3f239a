import { supportedLanguages, t, uiLanguage } from '../../shared/i18n.js';
import { SurveyShell } from './survey-shell.js';
import type { PageAssets } from './types.js';

/**
 * Shown for unknown, expired and closed links alike, so it says nothing about the survey or the person.
 * The language is not known either, so the other interface languages follow the first.
 */
export function SurveyUnavailablePage({ lang, assets }: Readonly<{ lang: string; assets: PageAssets }>) {
  const others = supportedLanguages.filter((other) => other !== uiLanguage(lang));
  return (
    <SurveyShell title={t(lang, 'unavailableTitle')} lang={lang} assets={{ style: assets.style }}>
      <h1>{t(lang, 'unavailableTitle')}</h1>
      <p class="lead">{t(lang, 'unavailableBody')}</p>
      {others.map((other) => (
        <section class="alt" lang={other} key={other}>
          <h2>{t(other, 'unavailableTitle')}</h2>
          <p>{t(other, 'unavailableBody')}</p>
        </section>
      ))}
    </SurveyShell>
  );
}

export interface UnsubscribePageProps {
  lang: string;
  token: string;
  email: string;
  companyName: string;
  done: boolean;
  assets: PageAssets;
}

/** Opening the link changes nothing (mail scanners open links); the button posts, as does RFC 8058 one-click. */
export function UnsubscribePage(props: Readonly<UnsubscribePageProps>) {
  const { lang } = props;
  return (
    <SurveyShell title={t(lang, props.done ? 'unsubscribedTitle' : 'unsubscribeTitle')} lang={lang} assets={{ style: props.assets.style }}>
      {props.done ? (
        <>
          <h1>{t(lang, 'unsubscribedTitle')}</h1>
          <p class="lead">{t(lang, 'unsubscribedBody')}</p>
        </>
      ) : (
        <>
          <h1>{t(lang, 'unsubscribeTitle')}</h1>
          <p class="lead">{t(lang, 'unsubscribeBody', { company: props.companyName, email: props.email })}</p>
          <form method="post" action={`/u/${encodeURIComponent(props.token)}`}>
            <button class="btn" type="submit">
              {t(lang, 'unsubscribeButton')}
            </button>
          </form>
        </>
      )}
    </SurveyShell>
  );
}
