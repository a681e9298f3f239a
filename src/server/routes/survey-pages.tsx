import { Hono, type Context, type MiddlewareHandler } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { pageSecurityHeaders, renderPage } from '../http/html.js';
import { getClientAssets } from '../http/client-assets.js';
import { isSameOrigin } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import { describe, valid } from '../http/validate.js';
import { openSurveyLink, saveSurveyAnswers, submitSurveyAnswers, type SurveyLink } from '../services/survey-answers.js';
import { unsubscribeByToken, findUnsubscribeTarget } from '../services/unsubscribe.js';
import { answersFromForm, mergeAnswers } from '../../shared/answers.js';
import { Answers, SaveAnswers } from '../../shared/schemas/survey.js';
import { SurveyPage } from '../../client/survey/survey-page.js';
import { SurveyUnavailablePage, TooManyLinksPage, UnsubscribePage } from '../../client/survey/public-pages.js';
import type { SurveyPageProps } from '../../client/survey/types.js';
import { brandOf } from '../services/settings.js';
import { clampSection, firstSectionWith, sectionErrors, sectionsOf } from '../../shared/survey-sections.js';

const ScoreQuery = z.coerce.number().int().min(0).max(10);
const TokenParams = z.object({ token: z.string().max(200) });
const SavedAnswers = z.object({ answers: Answers, completed: z.boolean(), savedAt: z.string() });

function pageProps(c: Context<AppEnv>, token: string, link: SurveyLink, extra: Partial<SurveyPageProps> = {}): SurveyPageProps {
  return {
    token,
    lang: link.language,
    companyName: c.var.deps.config.companyName,
    definition: link.definition,
    answers: link.response?.answers ?? {},
    errors: {},
    preselectedScore: null,
    view: link.response?.completedAt ? 'thanks' : 'form',
    scoreJustSaved: false,
    ...extra,
  };
}

/** The brand for the respondent's pages (company name, logo, accent stylesheet). */
const brand = (c: Context<AppEnv>) => {
  const { companyName, logo, accentStylesheet } = brandOf(c.var.deps.config);
  return { companyName, logo, accentStylesheet };
};

/** Every page here is personal: never cached by a shared cache, never sent as a Referer. */
const noStore = { 'cache-control': 'no-store' };

/** The content-hashed script and stylesheet the pages link to (built once per process). */
const assetUrls = async () => (await getClientAssets()).urls;

/** 429 for an address flooding /s/ and /u/ with unknown tokens: a page for people, the error envelope for the JSON endpoint. */
async function tooManyLinks(c: Context<AppEnv>, retryAfter: number) {
  if (c.req.path.endsWith('/answers')) {
    throw new AppError('rate_limited', 'too many unknown links from your address; try again later', undefined, { 'retry-after': String(retryAfter) });
  }
  return renderPage(c, <TooManyLinksPage lang="en" assets={await assetUrls()} />, 429, { ...noStore, 'retry-after': String(retryAfter) });
}

/**
 * The link was not usable. Counted against the client's address (services/link-floods.ts: only here, after a lookup
 * failed, never on a valid link's path); past the limit, 429.
 */
async function unavailable(c: Context<AppEnv>) {
  const wait = await c.var.deps.linkFloods.badToken(clientIp(c), c.var.deps.clock.now());
  if (wait > 0) return tooManyLinks(c, wait);
  // The same page for unknown, expired and closed links: nothing about the survey or the person.
  c.header('cache-control', 'no-store');
  return renderPage(c, <SurveyUnavailablePage lang="en" assets={await assetUrls()} />, 404);
}

/** An address this process already knows is flooding is refused before any lookup: a map read, no query. */
const refuseKnownFloods: MiddlewareHandler<AppEnv> = async (c, next) => {
  const wait = c.var.deps.linkFloods.knownWait(clientIp(c), c.var.deps.clock.now());
  if (wait > 0) return tooManyLinks(c, wait);
  await next();
};

async function readForm(c: Context<AppEnv>): Promise<Record<string, string | string[]>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
    throw new AppError('unsupported_media_type', 'post the survey form');
  }
  const body = await c.req.parseBody({ all: true });
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    form[key] = list.length === 1 ? list[0]! : list;
  }
  return form;
}

export const surveyPageRoutes = new Hono<AppEnv>()
  // The pages (not the JSON answer endpoint below, which is API-like: a page's headers on every autosave were
  // a dozen headers, ~800 bytes, for a 76-byte body — a measurable share of each answer's cost in bench:submit).
  .use('/s/:token', pageSecurityHeaders)
  .use('/u/:token', pageSecurityHeaders)
  .use('/s/*', refuseKnownFloods)
  .use('/u/*', refuseKnownFloods)
  .get('/s/:token', async (c) => {
    const token = c.req.param('token');
    const link = await openSurveyLink(c.var.deps, token);
    if (!link) return unavailable(c);
    const score = ScoreQuery.safeParse(c.req.query('score'));
    const preselectedScore = score.success && c.req.query('score') !== undefined ? score.data : null;
    const sectionQuery = c.req.query('section');
    const view = c.req.query('edit') === '1' || preselectedScore !== null || sectionQuery !== undefined ? 'form' : undefined;
    const section = clampSection(link.definition, sectionQuery);
    return renderPage(
      c,
      <SurveyPage assets={await assetUrls()} brand={brand(c)} {...pageProps(c, token, link, { preselectedScore, section, ...(view ? { view } : {}) })} />,
      200,
      noStore,
    );
  })
  // JavaScript off: the plain HTML form posts here; "confirm my score" posts only the score.
  .post('/s/:token', async (c) => {
    const token = c.req.param('token');
    if (!isSameOrigin(c) && c.req.header('origin')) throw new AppError('forbidden', 'cross-site form post blocked');
    const link = await openSurveyLink(c.var.deps, token);
    if (!link) return unavailable(c);
    const form = await readForm(c);
    const action = form['action'];
    const answers = answersFromForm(link.definition, form);
    const merged = { ...(link.response?.answers ?? {}), ...answers };
    const section = clampSection(link.definition, form['section']);
    const page = async (extra: Partial<SurveyPageProps>, status: 200 | 422) =>
      renderPage(c, <SurveyPage assets={await assetUrls()} brand={brand(c)} {...pageProps(c, token, link, extra)} />, status, noStore);

    // A survey in sections: "Next" and "Back" store this section's answers, then show the other section at its own
    // address (post, redirect, get), so the browser's back button and a reload work as on any website.
    if ((action === 'next' || action === 'back') && sectionsOf(link.definition).length > 1) {
      const result = await saveSurveyAnswers(c.var.deps, link, { answers, complete: false });
      if (!result.ok) return page({ answers: merged, errors: result.errors, view: 'form', section }, 422);
      if (action === 'next') {
        const missing = sectionErrors(link.definition, section, mergeAnswers(link.response?.answers ?? {}, answers), link.language);
        if (Object.keys(missing).length) return page({ answers: merged, errors: missing, view: 'form', section }, 422);
      }
      const target = clampSection(link.definition, action === 'next' ? section + 1 : section - 1);
      return c.redirect(`/s/${encodeURIComponent(token)}?section=${target}`, 303);
    }

    const complete = action !== 'save-score';
    const result = await saveSurveyAnswers(c.var.deps, link, { answers, complete });
    if (!result.ok) {
      const first = firstSectionWith(link.definition, Object.keys(result.errors)) ?? section;
      return page({ answers: merged, errors: result.errors, view: 'form', section: first }, 422);
    }
    const updated = { ...link, response: result.response };
    return renderPage(
      c,
      <SurveyPage assets={await assetUrls()} brand={brand(c)} {...pageProps(c, token, updated, complete ? { view: 'thanks' } : { view: 'form', scoreJustSaved: true })} />,
      200,
      noStore,
    );
  })
  // JavaScript on: answers are saved as the respondent goes.
  .post(
    '/s/:token/answers',
    describe({
      summary: 'Save survey answers (used by the survey page). Partial saves merge; complete=true submits.',
      tags: ['Survey pages'],
      public: true,
      responses: { 200: SavedAnswers },
    }),
    valid('param', TokenParams),
    valid('json', SaveAnswers),
    async (c) => {
      const { token } = c.req.valid('param');
      if (!isSameOrigin(c) && c.req.header('origin')) throw new AppError('forbidden', 'cross-site request blocked');
      const result = await submitSurveyAnswers(c.var.deps, token, c.req.valid('json'));
      if (!result) {
        const wait = await c.var.deps.linkFloods.badToken(clientIp(c), c.var.deps.clock.now());
        if (wait > 0) return tooManyLinks(c, wait);
        throw new AppError('not_found', 'this survey link is not available');
      }
      if (!result.ok) {
        const issues = Object.entries(result.errors).map(([path, message]) => ({ path, message }));
        throw new AppError('validation_failed', 'some answers need attention', issues);
      }
      return c.json(
        { answers: result.response.answers, completed: result.response.completedAt !== null, savedAt: result.response.updatedAt.toISOString() },
        200,
        noStore,
      );
    },
  )
  .get('/u/:token', async (c) => {
    const target = await findUnsubscribeTarget(c.var.deps, c.req.param('token'));
    if (!target) return unavailable(c);
    return renderPage(c, <UnsubscribePage lang={target.language} token={c.req.param('token')} email={target.email} companyName={c.var.deps.config.companyName} done={target.unsubscribed} assets={await assetUrls()} brand={brand(c)} />, 200, noStore);
  })
  // RFC 8058 one-click (mail providers POST "List-Unsubscribe=One-Click" from their servers) and the page's button.
  .post('/u/:token', async (c) => {
    const target = await unsubscribeByToken(c.var.deps, c.req.param('token'));
    if (!target) return unavailable(c);
    return renderPage(c, <UnsubscribePage lang={target.language} token={c.req.param('token')} email={target.email} companyName={c.var.deps.config.companyName} done assets={await assetUrls()} brand={brand(c)} />, 200, noStore);
  });
