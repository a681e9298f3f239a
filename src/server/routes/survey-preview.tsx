import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { authenticate } from '../http/auth.js';
import { renderPage } from '../http/html.js';
import { getClientAssets } from '../http/client-assets.js';
import { getSurveyWithVersion } from '../db/queries/surveys.js';
import { surveyLanguages } from '../domain/survey-templates.js';
import { SurveyPage } from '../../client/survey/survey-page.js';
import { SurveyUnavailablePage } from '../../client/survey/public-pages.js';
import { brandOf } from '../services/settings.js';

const PreviewParams = z.object({ id: z.uuid() });

/**
 * The respondent's own survey page, for staff to see exactly what a customer sees, in each language. The same
 * strict policy as every page, except that our own workspace may frame it (the survey page shows it in a
 * sandboxed iframe, scripts allowed but not same-origin). It is rendered in preview mode: nothing is saved and the
 * form posts nowhere.
 */
const previewHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    formAction: ["'none'"],
    frameAncestors: ["'self'"],
    baseUri: ["'none'"],
    // Sandboxed even when opened outside the workspace's frame: scripts run (the real form, hydrated) but in an
    // opaque origin, never with this site's cookies, storage or DOM.
    sandbox: ['allow-scripts', 'allow-forms'],
  },
  referrerPolicy: 'same-origin',
  crossOriginEmbedderPolicy: false,
});

export const surveyPreviewRoutes = new Hono<AppEnv>()
  .use('/survey-preview/*', previewHeaders, authenticate)
  .get('/survey-preview/:id', async (c) => {
    if (!c.var.auth) return c.redirect(`/signin?next=${encodeURIComponent(c.req.path)}`, 303);
    const assets = (await getClientAssets()).urls;
    const params = PreviewParams.safeParse(c.req.param());
    const found = params.success ? await getSurveyWithVersion(c.var.deps.db, params.data.id) : undefined;
    if (!found) return renderPage(c, <SurveyUnavailablePage lang="en" assets={assets} />, 404, { 'cache-control': 'no-store' });
    const definition = found.version.definition;
    const languages = surveyLanguages(definition);
    const asked = c.req.query('lang') ?? 'en';
    const lang = languages.includes(asked) ? asked : 'en';
    return renderPage(
      c,
      <SurveyPage
        assets={assets}
        brand={brandOf(c.var.deps.config)}
        token="preview"
        preview
        lang={lang}
        companyName={c.var.deps.config.companyName}
        definition={definition}
        answers={{}}
        errors={{}}
        preselectedScore={null}
        view="form"
        scoreJustSaved={false}
      />,
      200,
      { 'cache-control': 'no-store' },
    );
  });
