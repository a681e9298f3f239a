import { INSTALLATION_ELEMENT_ID, ME_ELEMENT_ID, type Installation, type SessionUser } from '../app/session.js';
import { shellAssets } from '../components/shell-assets.js';

interface AppShellPageProps {
  user: SessionUser;
  /** Facts about the installation every page may need (the currency money is shown in). */
  installation?: Installation;
  assets: { script: string; style: string };
  /** Development: the server-sent events address that tells the page to reload. */
  liveReload?: string;
}

const serialize = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * The workspace app's HTML: the signed-in user (so the app starts without asking), the stylesheet and the
 * entry module; pages load as chunks. The script is a file (the CSP allows no inline code).
 */
export function AppShellPage({ user, installation, assets, liveReload }: AppShellPageProps) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>Keypulse</title>
        <link rel="icon" href={shellAssets.icon} type="image/svg+xml" />
        <link rel="stylesheet" href={assets.style} />
        <link rel="modulepreload" href={assets.script} />
        {liveReload && <meta name="kp-live-reload" content={liveReload} />}
      </head>
      <body>
        <div id="app">
          <p class="state loading">Loading Keypulse…</p>
          <noscript>
            <p class="alert">
              The Keypulse workspace needs JavaScript. The <a href="/outbox">email log</a> works without it.
            </p>
          </noscript>
        </div>
        <script type="application/json" id={ME_ELEMENT_ID} dangerouslySetInnerHTML={{ __html: serialize(user) }} />
        {installation && <script type="application/json" id={INSTALLATION_ELEMENT_ID} dangerouslySetInnerHTML={{ __html: serialize(installation) }} />}
        <script type="module" src={assets.script} />
      </body>
    </html>
  );
}
