import { Hono, type Context, type MiddlewareHandler } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { pageSecurityHeaders, renderPage } from '../http/html.js';
import { getClientAssets } from '../http/client-assets.js';
import { isSameOrigin } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import { describe, valid } from '../http/validate.js';
import { brandOf } from '../services/settings.js';
import {
  addContactComment,
  markTheirActionDone,
  markViewed,
  openPlanShare,
  proposeAction,
  readSharedPlan,
  type OpenedShare,
} from '../services/shared-plan.js';
import { SharedPlan, SharedPlanCommentForm, SharedPlanProposalForm } from '../../shared/schemas/plan-share.js';
import { t } from '../../shared/i18n.js';
import { SharedPlanGonePage, SharedPlanPage, type SharedPlanPageProps } from '../../client/survey/shared-plan-page.js';
import { SurveyUnavailablePage, TooManyLinksPage } from '../../client/survey/public-pages.js';

/**
 * The account plan shared with a customer's contact (issue 14, part 3), at `/p/:token` like the survey links at
 * `/s/:token`: a personal page that needs no account and no JavaScript, in the contact's language, with the joint
 * part of the plan only. Forms post and redirect back. `/p/:token/plan.json` answers the same data as JSON.
 */

const TokenParams = z.object({ token: z.string().max(200) });
const Notice = z.enum(['comment', 'done', 'proposal']);
const noStore = { 'cache-control': 'no-store' };
const assetUrls = async () => (await getClientAssets()).urls;
const brand = (c: Context<AppEnv>) => {
  const { companyName, logo, accentStylesheet } = brandOf(c.var.deps.config);
  return { companyName, logo, accentStylesheet };
};

/** Unknown links count against the address, as on /s/ and /u/; past the limit, 429. */
async function unknownLink(c: Context<AppEnv>, json = false) {
  const wait = await c.var.deps.linkFloods.badToken(clientIp(c), c.var.deps.clock.now());
  if (wait > 0) {
    if (json) throw new AppError('rate_limited', 'too many unknown links from your address; try again later', undefined, { 'retry-after': String(wait) });
    return renderPage(c, <TooManyLinksPage lang="en" assets={await assetUrls()} />, 429, { ...noStore, 'retry-after': String(wait) });
  }
  if (json) throw new AppError('not_found', 'this plan link is not available');
  return renderPage(c, <SurveyUnavailablePage lang="en" assets={await assetUrls()} />, 404, noStore);
}

/** The link was revoked or has expired: 410, in the contact's language; nothing is written. */
async function goneLink(c: Context<AppEnv>, lang: string, json = false) {
  if (json) throw new AppError('not_found', 'this plan link has expired or was withdrawn');
  return renderPage(c, <SharedPlanGonePage lang={lang} companyName={c.var.deps.config.companyName} assets={await assetUrls()} />, 410, noStore);
}

const refuseKnownFloods: MiddlewareHandler<AppEnv> = async (c, next) => {
  const wait = c.var.deps.linkFloods.knownWait(clientIp(c), c.var.deps.clock.now());
  if (wait > 0) {
    if (c.req.path.endsWith('.json')) throw new AppError('rate_limited', 'too many unknown links from your address; try again later', undefined, { 'retry-after': String(wait) });
    return renderPage(c, <TooManyLinksPage lang="en" assets={await assetUrls()} />, 429, { ...noStore, 'retry-after': String(wait) });
  }
  await next();
};

/** Forms from this site only: a cross-site post is refused, as on the survey pages. */
function assertSameSite(c: Context<AppEnv>) {
  if (!isSameOrigin(c) && c.req.header('origin')) throw new AppError('forbidden', 'cross-site form post blocked');
}

async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') throw new AppError('unsupported_media_type', 'post the form');
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

type Opened = Extract<OpenedShare, { status: 'ok' }>;

async function planPage(c: Context<AppEnv>, token: string, opened: Opened, extra: Partial<SharedPlanPageProps>, status: 200 | 404 | 409 | 422 | 429 = 200) {
  const plan = await readSharedPlan(c.var.deps.db, opened.found);
  return renderPage(
    c,
    <SharedPlanPage
      token={token}
      plan={plan}
      companyName={c.var.deps.config.companyName}
      ownerName={opened.found.owner.name}
      assets={await assetUrls()}
      brand={brand(c)}
      {...extra}
    />,
    status,
    noStore,
  );
}

/** Opens the link of the path, or answers the page for an unknown or dead link. */
async function withShare(c: Context<AppEnv>, json: boolean, then: (token: string, opened: Opened) => Promise<Response>) {
  const token = c.req.param('token') ?? '';
  const opened = await openPlanShare(c.var.deps, token);
  if (opened.status === 'unknown') return unknownLink(c, json);
  if (opened.status === 'gone') return goneLink(c, opened.language, json);
  return then(token, opened);
}

const back = (c: Context<AppEnv>, token: string, notice: z.infer<typeof Notice>, anchor: string) =>
  c.redirect(`/p/${encodeURIComponent(token)}?done=${notice}#${anchor}`, 303);

export const sharedPlanPageRoutes = new Hono<AppEnv>()
  .use('/p/*', pageSecurityHeaders, refuseKnownFloods)
  .get('/p/:token', (c) =>
    withShare(c, false, async (token, opened) => {
      await markViewed(c.var.deps, opened.found);
      const notice = Notice.safeParse(c.req.query('done'));
      return planPage(c, token, opened, { notice: notice.success ? notice.data : null });
    }),
  )
  .get(
    '/p/:token/plan.json',
    describe({
      summary: 'The joint part of a shared account plan, as its page shows it (goals, actions, comments)',
      description: 'For the contact holding the link; the internal plan never appears. Unknown, revoked or expired links answer 404.',
      tags: ['Shared plan'],
      public: true,
      responses: { 200: SharedPlan },
    }),
    valid('param', TokenParams),
    (c) =>
      withShare(c, true, async (_token, opened) => {
        await markViewed(c.var.deps, opened.found);
        return c.json(await readSharedPlan(c.var.deps.db, opened.found), 200, noStore);
      }),
  )
  .post('/p/:token/comments', (c) =>
    withShare(c, false, async (token, opened) => {
      assertSameSite(c);
      const form = await readForm(c);
      const parsed = SharedPlanCommentForm.safeParse(form);
      const lang = opened.found.contact.language;
      if (!parsed.success) {
        return planPage(c, token, opened, { error: { form: 'comment', message: t(lang, 'planCommentInvalid'), values: { body: form.body ?? '', actionId: form.actionId ?? '' } } }, 422);
      }
      const result = await addContactComment(c.var.deps, opened.found, { body: parsed.data.body, actionId: parsed.data.actionId || null });
      if (!result.ok && result.reason === 'too_many') return planPage(c, token, opened, { error: { form: 'comment', message: t(lang, 'planTooMany'), values: { body: parsed.data.body, actionId: parsed.data.actionId ?? '' } } }, 429);
      if (!result.ok) return planPage(c, token, opened, { error: { form: 'action', message: t(lang, 'planUnknownAction') } }, 404);
      return back(c, token, 'comment', 'comments');
    }),
  )
  .post('/p/:token/actions/:actionId/done', (c) =>
    withShare(c, false, async (token, opened) => {
      assertSameSite(c);
      const lang = opened.found.contact.language;
      const actionId = z.uuid().safeParse(c.req.param('actionId'));
      const result = actionId.success ? await markTheirActionDone(c.var.deps, opened.found, actionId.data) : ({ ok: false, reason: 'unknown_action' } as const);
      if (!result.ok) {
        const notYours = result.reason === 'not_their_side';
        return planPage(c, token, opened, { error: { form: 'action', message: t(lang, notYours ? 'planNotYourSide' : 'planUnknownAction') } }, notYours ? 409 : 404);
      }
      return back(c, token, 'done', `action-${actionId.data}`);
    }),
  )
  .post('/p/:token/proposals', (c) =>
    withShare(c, false, async (token, opened) => {
      assertSameSite(c);
      const form = await readForm(c);
      const parsed = SharedPlanProposalForm.safeParse(form);
      if (!parsed.success) {
        const message = t(opened.found.contact.language, 'planProposalInvalid');
        return planPage(c, token, opened, { error: { form: 'proposal', message, values: { title: form.title ?? '', dueDate: form.dueDate ?? '' } } }, 422);
      }
      const result = await proposeAction(c.var.deps, opened.found, { title: parsed.data.title, dueDate: parsed.data.dueDate || null });
      if (!result.ok) {
        const message = t(opened.found.contact.language, 'planTooMany');
        return planPage(c, token, opened, { error: { form: 'proposal', message, values: { title: parsed.data.title, dueDate: parsed.data.dueDate ?? '' } } }, 429);
      }
      return back(c, token, 'proposal', 'actions-title');
    }),
  );
