import type { ComponentChildren } from 'preact';
import { t } from '../../shared/i18n.js';

interface SurveyShellProps {
  title: string;
  lang: string;
  /** The stylesheet, and the script for pages that hydrate (content-hashed paths). */
  assets: { style: string; script?: string | undefined };
  children: ComponentChildren;
}

/**
 * The document around the respondent's pages: lighter than the staff shell (one stylesheet, one deferred
 * module script), in the respondent's language. The CSP forbids inline code, so everything is a file.
 */
export function SurveyShell({ title, lang, assets, children }: Readonly<SurveyShellProps>) {
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={assets.style} />
        {assets.script && <script type="module" src={assets.script} />}
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t(lang, 'skipToContent')}
        </a>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
