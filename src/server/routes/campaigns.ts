import { Hono, type Context } from 'hono';
import { and, eq, inArray } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { AppError, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth, requireRole } from '../http/auth.js';
import { loadAccountFor } from '../http/access.js';
import { audit } from '../http/audit.js';
import { accountOwnerScope, canViewAccount } from '../domain/permissions.js';
import { surveyLanguages } from '../domain/survey-templates.js';
import { nextWaveDate, surveyedRecentlyUntil } from '../domain/eligibility.js';
import { accounts, campaigns, contacts, invitations, messages } from '../db/schema/index.js';
import {
  campaignAccountOwners,
  campaignCounts,
  getCampaign,
  listCampaigns,
  listInvitations,
  toCampaign,
  type AudienceMember,
  type CampaignRow,
} from '../db/queries/campaigns.js';
import { getSurveyWithVersion } from '../db/queries/surveys.js';
import { createWave, decideAudience } from '../services/campaign-waves.js';
import { DISPATCH_CAMPAIGN } from '../jobs/dispatch-campaign.js';
import { IdParams, pageOf } from '../../shared/schemas/common.js';
import {
  type Audience,
  Campaign,
  CampaignInvitation,
  CampaignPreview,
  CampaignPreviewRequest,
  CampaignListQuery,
  CreateCampaign,
  InvitationListQuery,
} from '../../shared/schemas/campaign.js';

/** A manager may see a campaign only when every account it reaches is theirs. */
/**
 * A campaign the caller may see (404 otherwise). A manager sees every campaign that reached one of their accounts
 * (only their part of it: counts and people are scoped by `accountOwnerScope`); to 'manage' it (cancel), every
 * account it reached must be theirs. One that reached nobody is its creator's.
 */
async function loadCampaignFor(c: Context<AppEnv>, id: string, mode: 'view' | 'manage' = 'view'): Promise<CampaignRow> {
  const { user } = requireAuth(c);
  const campaign = await getCampaign(c.var.deps.db, id);
  if (!campaign) throw notFound('campaign');
  if (user.role === 'account_manager') {
    const owners = await campaignAccountOwners(c.var.deps.db, id);
    const mine = (ownerId: string) => canViewAccount(user, { ownerId });
    const visible = owners.length > 0 ? owners.some(mine) : campaign.createdBy === user.id;
    if (!visible) throw notFound('campaign');
    if (mode === 'manage' && !owners.every(mine)) throw new AppError('forbidden', 'this campaign also reached other managers’ accounts: ask an admin to cancel it');
  }
  return campaign;
}

/** Every account and contact an audience names must exist and be the caller's to survey: others' are "not found". */
async function assertAudienceIsTheirs(c: Context<AppEnv>, audience: Audience): Promise<void> {
  const { user } = requireAuth(c);
  const { db } = c.var.deps;
  const named = audience.accountIds.length
    ? await db.select({ id: accounts.id, ownerId: accounts.ownerId }).from(accounts).where(inArray(accounts.id, audience.accountIds))
    : [];
  const namedContacts = audience.contactIds.length
    ? await db
        .select({ id: contacts.id, ownerId: accounts.ownerId })
        .from(contacts)
        .innerJoin(accounts, eq(accounts.id, contacts.accountId))
        .where(inArray(contacts.id, audience.contactIds))
    : [];
  const visible = (rows: { id: string; ownerId: string }[], ids: string[], what: string) => {
    const found = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      const row = found.get(id);
      if (!row || !canViewAccount(user, row)) throw notFound(`${what} ${id}`);
    }
  };
  visible(named, audience.accountIds, 'account');
  visible(namedContacts, audience.contactIds, 'contact');
}

/** A time already past means now: counted from it, links would be born expired and the next wave overdue. */
function sendTime(requested: string | undefined, now: Date): Date {
  const at = requested ? new Date(requested) : now;
  return at > now ? at : now;
}

async function campaignJson(c: Context<AppEnv>, row: CampaignRow) {
  const scope = accountOwnerScope(requireAuth(c).user);
  const counts = await campaignCounts(c.var.deps.db, [row.id], scope);
  return toCampaign(await scopeAudience(c, row, scope), counts.get(row.id)!);
}

/** The audience as a manager may see it: only the accounts and contacts that are theirs. */
async function scopeAudience(c: Context<AppEnv>, row: CampaignRow, scope: string | null): Promise<CampaignRow> {
  if (!scope || (!row.audience.accountIds.length && !row.audience.contactIds.length)) return row;
  const { db } = c.var.deps;
  const mine = row.audience.accountIds.length
    ? new Set((await db.select({ id: accounts.id }).from(accounts).where(and(inArray(accounts.id, row.audience.accountIds), eq(accounts.ownerId, scope)))).map((r) => r.id))
    : new Set<string>();
  const myContacts = row.audience.contactIds.length
    ? new Set(
        (
          await db
            .select({ id: contacts.id })
            .from(contacts)
            .innerJoin(accounts, eq(accounts.id, contacts.accountId))
            .where(and(inArray(contacts.id, row.audience.contactIds), eq(accounts.ownerId, scope)))
        ).map((r) => r.id),
      )
    : new Set<string>();
  return {
    ...row,
    audience: { ...row.audience, accountIds: row.audience.accountIds.filter((id) => mine.has(id)), contactIds: row.audience.contactIds.filter((id) => myContacts.has(id)) },
  };
}

export const campaignRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'List campaigns with live counts',
      description: '`accountId` lists the campaigns that reached that account (404 when it is not the caller\'s to see).',
      tags: ['Campaigns'],
      responses: { 200: pageOf(Campaign) },
    }),
    valid('query', CampaignListQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const query = c.req.valid('query');
      // Asking about another manager's account is "not found", as opening it is.
      if (query.accountId) await loadAccountFor(c, query.accountId, 'view');
      const page = await listCampaigns(c.var.deps.db, query, accountOwnerScope(user));
      const scope = accountOwnerScope(user);
      const counts = await campaignCounts(c.var.deps.db, page.data.map((r) => r.id), scope);
      const rows = await Promise.all(page.data.map((r) => scopeAudience(c, r, scope)));
      return c.json({ ...page, data: rows.map((r) => toCampaign(r, counts.get(r.id)!)) });
    },
  )
  .post(
    '/preview',
    describe({
      summary:
        'Who a campaign with this audience would ask, and who it would skip and why — decided by the same code ' +
        'that creates the campaign. Writes nothing.',
      tags: ['Campaigns'],
      responses: { 200: CampaignPreview },
    }),
    valid('json', CampaignPreviewRequest),
    async (c) => {
      requireRole(c, 'admin', 'account_manager');
      const { db, clock, config } = c.var.deps;
      const body = c.req.valid('json');
      await assertAudienceIsTheirs(c, body.audience);
      const decided = await decideAudience(db, body.audience, {
        sendAt: sendTime(body.sendAt, clock.now()),
        minDaysBetweenSurveys: config.minDaysBetweenSurveys,
      });
      const person = (m: AudienceMember) => ({
        contactId: m.contactId,
        accountId: m.accountId,
        accountName: m.accountName,
        name: m.name,
        email: m.email,
        level: m.level,
        buyingRole: m.buyingRole,
      });
      const preview: CampaignPreview = { eligible: [], skipped: [] };
      for (const { member, decision } of decided) {
        if (decision.eligible) preview.eligible.push(person(member));
        else {
          const recent =
            decision.reason === 'recently_surveyed' && member.lastCampaign && member.lastInvitedAt
              ? {
                  campaignId: member.lastCampaign.id,
                  campaignName: member.lastCampaign.name,
                  askedAt: member.lastInvitedAt.toISOString(),
                  until: surveyedRecentlyUntil(member.lastInvitedAt, config.minDaysBetweenSurveys).toISOString(),
                }
              : null;
          preview.skipped.push({ contact: person(member), reason: decision.reason, recentSurvey: recent });
        }
      }
      return c.json(preview);
    },
  )
  .post(
    '/',
    describe({
      summary:
        'Create a campaign: one invitation per eligible contact of the audience; skips are recorded with their reason. ' +
        'Sending starts at sendAt (default now; a time in the past also means now).',
      tags: ['Campaigns'],
      responses: { 201: Campaign },
    }),
    valid('json', CreateCampaign),
    async (c) => {
      const { user } = requireRole(c, 'admin', 'account_manager');
      const { db, clock, links, config, jobs } = c.var.deps;
      const body = c.req.valid('json');
      const now = clock.now();
      const sendAt = sendTime(body.sendAt, now);

      const survey = await getSurveyWithVersion(db, body.surveyId);
      if (!survey || survey.survey.archived) {
        throw new AppError('validation_failed', 'surveyId: no such survey', [{ path: 'surveyId', message: 'no such survey' }]);
      }
      await assertAudienceIsTheirs(c, body.audience);

      const campaign = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(campaigns)
          .values({
            name: body.name,
            surveyId: survey.survey.id,
            surveyVersionId: survey.version.id,
            createdBy: user.id,
            audience: body.audience,
            status: 'scheduled',
            sendAt,
            reminderAfterDays: body.reminder?.afterDays ?? null,
            reminderMax: body.reminder?.max ?? 0,
            expiresAfterDays: body.expiresAfterDays,
            repeat: body.repeat,
            nextWaveAt: nextWaveDate(sendAt, body.repeat),
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await createWave(tx, links, row!, 1, {
          sendAt,
          now,
          minDaysBetweenSurveys: config.minDaysBetweenSurveys,
          surveyLanguages: surveyLanguages(survey.version.definition),
        });
        const details = { name: row!.name, surveyId: row!.surveyId, sendAt: sendAt.toISOString() };
        await audit(c, 'campaign.launched', { type: 'campaign', id: row!.id }, details, { db: tx });
        return row!;
      });
      // Committed first, then queued: if queuing fails, the scheduler's next sweep starts the campaign anyway.
      if (sendAt <= now) {
        await jobs
          .enqueue(DISPATCH_CAMPAIGN, { campaignId: campaign.id, wave: 1 }, { singletonKey: `${campaign.id}:1` })
          .catch((error) => c.var.deps.logger.warn('could not queue campaign dispatch; the scheduler will', { error: String(error) }));
      }
      return c.json(await campaignJson(c, campaign), 201);
    },
  )
  .get(
    '/:id',
    describe({ summary: 'Get a campaign with live counts', tags: ['Campaigns'], responses: { 200: Campaign } }),
    valid('param', IdParams),
    async (c) => c.json(await campaignJson(c, await loadCampaignFor(c, c.req.valid('param').id))),
  )
  .get(
    '/:id/invitations',
    describe({
      summary: 'Who was asked and who was skipped (with the reason)',
      tags: ['Campaigns'],
      responses: { 200: pageOf(CampaignInvitation) },
    }),
    valid('param', IdParams),
    valid('query', InvitationListQuery),
    async (c) => {
      const campaign = await loadCampaignFor(c, c.req.valid('param').id);
      const page = await listInvitations(c.var.deps.db, campaign.id, c.req.valid('query'), accountOwnerScope(requireAuth(c).user));
      return c.json({
        ...page,
        data: page.data.map((i) => ({
          id: i.id,
          wave: i.wave,
          accountId: i.accountId,
          contactId: i.contactId,
          contactName: i.contactName,
          accountName: i.accountName,
          email: i.email,
          status: i.status,
          skipReason: i.skipReason,
          recentSurvey: i.recentSurvey
            ? {
                campaignId: i.recentSurvey.id,
                campaignName: i.recentSurvey.name,
                askedAt: new Date(i.recentSurvey.at).toISOString(),
                until: surveyedRecentlyUntil(new Date(i.recentSurvey.at), c.var.deps.config.minDaysBetweenSurveys).toISOString(),
              }
            : null,
          sentAt: i.sentAt?.toISOString() ?? null,
          respondedAt: i.respondedAt?.toISOString() ?? null,
          remindersSent: i.remindersSent,
        })),
      });
    },
  )
  .post(
    '/:id/cancel',
    describe({
      summary: 'Cancel a campaign: unsent emails and reminders are stopped; answers already given are kept',
      tags: ['Campaigns'],
      responses: { 200: Campaign },
    }),
    valid('param', IdParams),
    async (c) => {
      requireRole(c, 'admin', 'account_manager');
      const campaign = await loadCampaignFor(c, c.req.valid('param').id, 'manage');
      const { db, clock } = c.var.deps;
      const now = clock.now();
      if (campaign.status !== 'cancelled') {
        await db.transaction(async (tx) => {
          await tx
            .update(campaigns)
            .set({ status: 'cancelled', cancelledAt: now, nextWaveAt: null, updatedAt: now })
            .where(eq(campaigns.id, campaign.id));
          await tx
            .update(invitations)
            .set({ status: 'cancelled' })
            .where(and(eq(invitations.campaignId, campaign.id), eq(invitations.status, 'pending')));
          await tx
            .update(messages)
            .set({ status: 'cancelled', error: 'campaign cancelled', updatedAt: now })
            .where(and(eq(messages.campaignId, campaign.id), eq(messages.status, 'queued'), eq(messages.attempts, 0)));
          await audit(c, 'campaign.cancelled', { type: 'campaign', id: campaign.id }, { name: campaign.name }, { db: tx });
        });
      }
      return c.json(await campaignJson(c, (await getCampaign(db, campaign.id))!));
    },
  );
