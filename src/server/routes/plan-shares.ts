import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { invalid, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { loadAccountFor } from '../http/access.js';
import { audit } from '../http/audit.js';
import { generateToken, hashToken } from '../auth/tokens.js';
import { shareExpiry, shareState } from '../domain/plan-share.js';
import { getContactWithOwner } from '../db/queries/contacts.js';
import { getPlan, listPlanActions, touchPlan } from '../db/queries/account-plans.js';
import { getPlanShare, insertPlanComment, insertPlanShare, listPlanShares, revokePlanShare } from '../db/queries/plan-shares.js';
import { planCommentsOn } from '../services/shared-plan.js';
import { IdParams } from '../../shared/schemas/common.js';
import {
  CreatePlanComment,
  CreatePlanShare,
  PlanComment,
  PlanCommentList,
  PlanShareCreated,
  PlanShareList,
  PlanShareParams,
  type PlanShare,
} from '../../shared/schemas/plan-share.js';

/**
 * The manager's side of sharing an account plan with the customer (issue 14, part 3): personal links for named
 * contacts (the link is shown once; only its SHA-256 is stored), the list of links with when each was last opened,
 * revoking, and the comments on the shared plan. Same access as the plan: the account's manager and admins change,
 * executives read, another manager gets a 404.
 */

type ShareRow = Awaited<ReturnType<typeof listPlanShares>>[number];
const toShare = (r: ShareRow, now: Date): PlanShare => ({
  id: r.share.id,
  contact: { id: r.share.contactId, name: r.contactName, email: r.contactEmail },
  createdAt: r.share.createdAt.toISOString(),
  createdBy: r.share.createdBy && r.creatorName ? { id: r.share.createdBy, name: r.creatorName } : null,
  expiresAt: r.share.expiresAt.toISOString(),
  revokedAt: r.share.revokedAt?.toISOString() ?? null,
  lastViewedAt: r.share.lastViewedAt?.toISOString() ?? null,
  state: shareState(r.share, now),
});

export const planShareRoutes = new Hono<AppEnv>()
  .post(
    '/accounts/:id/plan/shares',
    describe({
      summary: "Share the plan's joint goals and actions with a contact of the account through a personal link",
      description:
        'The answer carries the link once (`url`); only a hash of its token is stored, so it cannot be shown again. ' +
        'The link works until it expires (default 90 days, at most 365) or is revoked.',
      tags: ['Account plan'],
      responses: { 201: PlanShareCreated },
    }),
    valid('param', IdParams),
    valid('json', CreatePlanShare),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock, config } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      const contact = await getContactWithOwner(db, body.contactId);
      if (!contact || contact.contact.accountId !== account.id || contact.contact.erasedAt) throw invalid('contactId', 'is not a contact of this account');
      const now = clock.now();
      const token = generateToken();
      const id = await db.transaction(async (tx) => {
        const plan = (await getPlan(tx, account.id)) ?? (await touchPlan(tx, account.id, user.id, now));
        const share = await insertPlanShare(tx, {
          planId: plan.id,
          accountId: account.id,
          contactId: contact.contact.id,
          tokenHash: hashToken(token),
          createdBy: user.id,
          createdAt: now,
          expiresAt: shareExpiry(now, body.expiresInDays),
        });
        // Handing out access to the plan: who, for whom, until when (never the token).
        await audit(c, 'plan_share.created', { type: 'plan_share', id: share.id }, { accountId: account.id, contactId: contact.contact.id, expiresAt: share.expiresAt.toISOString() }, { db: tx });
        return share.id;
      });
      const row = (await listPlanShares(db, account.id)).find((r) => r.share.id === id)!;
      return c.json({ ...toShare(row, now), url: `${config.publicUrl}/p/${token}` }, 201);
    },
  )
  .get(
    '/accounts/:id/plan/shares',
    describe({
      summary: "The plan's share links, newest first: contact, created, expires, revoked, last viewed (never the link itself)",
      tags: ['Account plan'],
      responses: { 200: PlanShareList },
    }),
    valid('param', IdParams),
    async (c) => {
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const now = c.var.deps.clock.now();
      return c.json({ data: (await listPlanShares(c.var.deps.db, account.id)).map((r) => toShare(r, now)) });
    },
  )
  .delete(
    '/accounts/:id/plan/shares/:shareId',
    describe({ summary: 'Revoke a share link: it stops working at once. Revoking again changes nothing.', tags: ['Account plan'] }),
    valid('param', PlanShareParams),
    async (c) => {
      const { db, clock } = c.var.deps;
      const { id, shareId } = c.req.valid('param');
      const account = await loadAccountFor(c, id, 'edit');
      const share = await getPlanShare(db, account.id, shareId);
      if (!share) throw notFound('share');
      if (!share.revokedAt) {
        await db.transaction(async (tx) => {
          await revokePlanShare(tx, share.id, clock.now());
          await audit(c, 'plan_share.revoked', { type: 'plan_share', id: share.id }, { accountId: account.id, contactId: share.contactId }, { db: tx });
        });
      }
      return c.body(null, 204);
    },
  )
  .get(
    '/accounts/:id/plan/comments',
    describe({ summary: 'Comments on the shared plan, oldest first: the customer’s and our replies', tags: ['Account plan'], responses: { 200: PlanCommentList } }),
    valid('param', IdParams),
    async (c) => {
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const plan = await getPlan(c.var.deps.db, account.id);
      return c.json({ data: plan ? await planCommentsOn(c.var.deps.db, plan.id, null) : [] });
    },
  )
  .post(
    '/accounts/:id/plan/comments',
    describe({
      summary: 'Reply on the shared plan (on the plan as a whole or one joint action); the customer sees it on their page',
      tags: ['Account plan'],
      responses: { 201: PlanComment },
    }),
    valid('param', IdParams),
    valid('json', CreatePlanComment),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      const plan = await getPlan(db, account.id);
      if (!plan) throw invalid('body', 'the plan is not shared yet');
      if (body.actionId) {
        const action = (await listPlanActions(db, plan.id)).find((a) => a.action.id === body.actionId);
        if (!action || !action.action.joint) throw invalid('actionId', 'is not a joint action of this plan');
      }
      const now = clock.now();
      const row = await insertPlanComment(db, { planId: plan.id, actionId: body.actionId ?? null, userId: user.id, body: body.body, createdAt: now });
      return c.json({ id: row.id, actionId: row.actionId, body: row.body, createdAt: row.createdAt.toISOString(), author: { kind: 'user' as const, name: user.name } }, 201);
    },
  );
