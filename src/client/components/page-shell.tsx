import type { ComponentChildren } from 'preact';
import { shellAssets } from './shell-assets.js';

interface PageShellProps {
  title: string;
  lang?: string;
  children: ComponentChildren;
}

/** The HTML document around every server-rendered page. Styles come from a file: the CSP forbids inline ones. */
export function PageShell({ title, lang = 'en', children }: PageShellProps) {
  return (
    <html lang={lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title}</title>
        <link rel="icon" href={shellAssets.icon} type="image/svg+xml" />
        <link rel="stylesheet" href={shellAssets.style} />
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
