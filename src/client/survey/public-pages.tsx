import { supportedLanguages, t, uiLanguage, type MessageKey } from '../../shared/i18n.js';
import { SurveyShell } from './survey-shell.js';
import type { PageAssets, SurveyBrand } from './types.js';

/** A notice for someone whose language is not known: the other interface languages follow the first. */
function NoticeInEveryLanguage({ lang, assets, title, body }: Readonly<{ lang: string; assets: PageAssets; title: MessageKey; body: MessageKey }>) {
  const others = supportedLanguages.filter((other) => other !== uiLanguage(lang));
  return (
    <SurveyShell title={t(lang, title)} lang={lang} assets={{ style: assets.style }}>
      <h1>{t(lang, title)}</h1>
      <p class="lead">{t(lang, body)}</p>
      {others.map((other) => (
        <section class="alt" lang={other} key={other}>
          <h2>{t(other, title)}</h2>
          <p>{t(other, body)}</p>
        </section>
      ))}
    </SurveyShell>
  );
}

/** Shown for unknown, expired and closed links alike, so it says nothing about the survey or the person. */
export function SurveyUnavailablePage({ lang, assets }: Readonly<{ lang: string; assets: PageAssets }>) {
  return <NoticeInEveryLanguage lang={lang} assets={assets} title="unavailableTitle" body="unavailableBody" />;
}

/** Shown (with 429) to an address that sent too many unknown links, whatever link it opens now. */
export function TooManyLinksPage({ lang, assets }: Readonly<{ lang: string; assets: PageAssets }>) {
  return <NoticeInEveryLanguage lang={lang} assets={assets} title="tooManyTitle" body="tooManyBody" />;
}

export interface UnsubscribePageProps {
  lang: string;
  token: string;
  email: string;
  companyName: string;
  done: boolean;
  assets: PageAssets;
  brand?: SurveyBrand;
}

/** Opening the link changes nothing (mail scanners open links); the button posts, as does RFC 8058 one-click. */
export function UnsubscribePage(props: Readonly<UnsubscribePageProps>) {
  const { lang } = props;
  return (
    <SurveyShell title={t(lang, props.done ? 'unsubscribedTitle' : 'unsubscribeTitle')} lang={lang} assets={{ style: props.assets.style }} brand={props.brand}>
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
