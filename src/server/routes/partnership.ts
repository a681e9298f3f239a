import { Hono } from 'hono';
import * as z from 'zod';
import { eq } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { AppError, invalid, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth, requireRole } from '../http/auth.js';
import { loadAccountFor } from '../http/access.js';
import { partnershipTrend, scorePartnership } from '../domain/partnership.js';
import { describeJointPlanEvidence, jointGoalTexts } from '../domain/plan-share.js';
import { jointPlanFacts } from '../db/queries/plan-shares.js';
import { getIndicator, insertAssessment, listAssessments, listIndicators, type IndicatorRow } from '../db/queries/partnership.js';
import { auditValueCounts, listAuditWaves } from '../db/queries/audit-report.js';
import { partnershipIndicators } from '../db/schema/index.js';
import type { Db } from '../db/client.js';
import { IdParams } from '../../shared/schemas/common.js';
import {
  AccountPartnership,
  CreatePartnershipAssessment,
  CreatePartnershipIndicator,
  PartnershipAssessment,
  PartnershipIndicator,
  UpdatePartnershipIndicator,
} from '../../shared/schemas/program.js';

function toIndicator(row: IndicatorRow): PartnershipIndicator {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    position: row.position,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function assessmentsOf(db: Db, accountId: string): Promise<PartnershipAssessment[]> {
  return (await listAssessments(db, accountId)).map(({ assessment, assessorName, answers }) => ({
    id: assessment.id,
    accountId: assessment.accountId,
    assessedAt: assessment.assessedAt.toISOString(),
    assessedBy: assessment.assessedBy && assessorName ? { id: assessment.assessedBy, name: assessorName } : null,
    notes: assessment.notes,
    ...scorePartnership(answers.map((a) => a.answer)),
    answers: answers.map((a) => ({ indicatorId: a.indicatorId, name: a.name, answer: a.answer, note: a.note })),
  }));
}

/** "Supplier or partner" in the latest audit wave where somebody answered that question. */
async function latestAuditAnswer(db: Db, accountId: string): Promise<AccountPartnership['audit']> {
  const [waves, counts] = await Promise.all([listAuditWaves(db, accountId), auditValueCounts(db, accountId)]);
  for (const wave of [...waves].reverse()) {
    const here = counts.filter((v) => v.campaignId === wave.campaignId && v.wave === wave.wave && v.key === 'supplier_or_partner');
    const supplier = here.filter((v) => v.value === 'supplier').reduce((s, v) => s + v.count, 0);
    const partner = here.filter((v) => v.value === 'partner').reduce((s, v) => s + v.count, 0);
    if (supplier + partner > 0) return { campaignName: wave.campaignName, sentAt: wave.sentAt.toISOString(), supplier, partner };
  }
  return null;
}

/** What backs "joint action plans": the plan's joint part and whether the customer has it (issue 14, part 3). */
async function jointPlanEvidence(db: Db, accountId: string, now: Date): Promise<AccountPartnership['jointPlan']> {
  const facts = await jointPlanFacts(db, accountId, now);
  if (!facts) return null;
  const evidence = { jointGoals: jointGoalTexts(facts.goals).length, jointActions: facts.jointActions, sharedWith: facts.sharedWith, customerComments: facts.customerComments };
  return {
    ...evidence,
    sharedWith: facts.sharedWith.map((s) => ({ name: s.name, lastViewedAt: s.lastViewedAt?.toISOString() ?? null })),
    summary: describeJointPlanEvidence(evidence, now),
  };
}

/** Partnership indicators (admins edit the list) and their assessment per account by its manager. */
export const partnershipRoutes = new Hono<AppEnv>()
  .get(
    '/partnership-indicators',
    describe({ summary: 'The partnership indicators checklist', tags: ['Partnership'], responses: { 200: z.object({ data: z.array(PartnershipIndicator) }) } }),
    async (c) => {
      requireAuth(c);
      return c.json({ data: (await listIndicators(c.var.deps.db)).map(toIndicator) });
    },
  )
  .post(
    '/partnership-indicators',
    describe({ summary: 'Add a partnership indicator (admin)', tags: ['Partnership'], responses: { 201: PartnershipIndicator } }),
    valid('json', CreatePartnershipIndicator),
    async (c) => {
      requireRole(c, 'admin');
      const { db, clock } = c.var.deps;
      const body = c.req.valid('json');
      const position = body.position ?? (await listIndicators(db)).reduce((max, i) => Math.max(max, i.position + 1), 0);
      const now = clock.now();
      const [row] = await db.insert(partnershipIndicators).values({ ...body, position, createdAt: now, updatedAt: now }).returning();
      return c.json(toIndicator(row!), 201);
    },
  )
  .patch(
    '/partnership-indicators/:id',
    describe({
      summary: 'Rename, reorder or switch off an indicator (admin); past answers keep pointing at it',
      tags: ['Partnership'],
      responses: { 200: PartnershipIndicator },
    }),
    valid('param', IdParams),
    valid('json', UpdatePartnershipIndicator),
    async (c) => {
      requireRole(c, 'admin');
      const { db, clock } = c.var.deps;
      const existing = await getIndicator(db, c.req.valid('param').id);
      if (!existing) throw notFound('indicator');
      const [row] = await db
        .update(partnershipIndicators)
        .set({ ...c.req.valid('json'), updatedAt: clock.now() })
        .where(eq(partnershipIndicators.id, existing.id))
        .returning();
      return c.json(toIndicator(row!));
    },
  )
  .post(
    '/accounts/:id/partnership-assessments',
    describe({
      summary: "Assess an account's partnership (its manager or an admin): yes / partly / no per indicator",
      description: 'The score is (yes + ½·partly) / answered, in percent; indicators left out are not counted.',
      tags: ['Partnership'],
      responses: { 201: PartnershipAssessment },
    }),
    valid('param', IdParams),
    valid('json', CreatePartnershipAssessment),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      const now = clock.now();
      const assessedAt = body.assessedAt ? new Date(body.assessedAt) : now;
      if (assessedAt.getTime() > now.getTime()) throw invalid('assessedAt', 'must not be in the future');
      const enabled = new Map((await listIndicators(db)).map((i) => [i.id, i.enabled]));
      const issues = body.answers
        .map((a, i) => ({ a, i }))
        .filter(({ a }) => enabled.get(a.indicatorId) !== true)
        .map(({ a, i }) => ({
          path: `answers.${i}.indicatorId`,
          message: enabled.has(a.indicatorId) ? 'is switched off' : 'is not a partnership indicator',
        }));
      if (issues.length) throw new AppError('validation_failed', `${issues[0]!.path} ${issues[0]!.message}`, issues);
      const id = await insertAssessment(db, account.id, { ...body, assessedAt }, user.id);
      const created = (await assessmentsOf(db, account.id)).find((a) => a.id === id)!;
      return c.json(created, 201);
    },
  )
  .get(
    '/accounts/:id/partnership',
    describe({
      summary: "An account's partnership assessments with their scores over time, the trend, and the audit's supplier-or-partner answer",
      tags: ['Partnership'],
      responses: { 200: AccountPartnership },
    }),
    valid('param', IdParams),
    async (c) => {
      const { db } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const assessments = await assessmentsOf(db, account.id);
      const trend = partnershipTrend(assessments.map((a) => ({ assessedAt: new Date(a.assessedAt), score: a.score })));
      const [audit, jointPlan] = await Promise.all([latestAuditAnswer(db, account.id), jointPlanEvidence(db, account.id, c.var.deps.clock.now())]);
      return c.json({ accountId: account.id, assessments, trend, audit, jointPlan });
    },
  );
