import type { ComponentChildren } from 'preact';
import { t } from '../../shared/i18n/core.js';
import type { SurveyBrand } from './types.js';
import { shellAssets } from '../components/shell-assets.js';

interface SurveyShellProps {
  title: string;
  lang: string;
  /** The stylesheet, and the script for pages that hydrate (content-hashed paths). */
  assets: { style: string; script?: string | undefined };
  /** Company name, logo and accent; absent on pages that say nothing about who sent the link. */
  brand?: SurveyBrand | undefined;
  children: ComponentChildren;
}

/** The company's logo (drawn at its stored size, so nothing moves when it loads) and name. */
function BrandHeader({ brand }: Readonly<{ brand: SurveyBrand }>) {
  return (
    <header class="brand">
      {brand.logo && <img src={brand.logo.url} width={brand.logo.width} height={brand.logo.height} alt="" />}
      <span>{brand.companyName}</span>
    </header>
  );
}

/**
 * The document around the respondent's pages: lighter than the staff shell (one stylesheet, one deferred
 * module script), in the respondent's language. The CSP forbids inline code, so everything is a file.
 */
export function SurveyShell({ title, lang, assets, brand, children }: Readonly<SurveyShellProps>) {
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <link rel="icon" href={shellAssets.icon} type="image/svg+xml" />
        <link rel="stylesheet" href={assets.style} />
        {brand?.accentStylesheet && <link rel="stylesheet" href={brand.accentStylesheet} />}
        {assets.script && <script type="module" src={assets.script} />}
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t(lang, 'skipToContent')}
        </a>
        {brand && <BrandHeader brand={brand} />}
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
