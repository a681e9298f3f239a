import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import {
  accountCriterionScores,
  accountQuarterValues,
  accountStageChanges,
  accounts,
  partnershipAnswers,
  partnershipAssessments,
  partnershipIndicators,
  selectionCriteria,
  users,
} from '../db/schema/index.js';
import { shiftQuarter } from '../domain/account-value.js';
import { ensureDefaultCriteria } from '../db/queries/selection.js';
import { ensureDefaultIndicators } from '../db/queries/partnership.js';
import type { Stage } from '../../shared/schemas/account.js';
import { demoAccounts, demoUsers } from './demo-data.js';

/*
 * The key-account program's demo history: 1–5 judgements on the selection criteria, six quarters of value
 * (Brightline Retail, Summit Construction and — through its discounts — Helios Energy contribute less than they cost;
 * Iberia Foods slides), stage changes with reasons
 * (promotions, a demotion, the pipeline moving) and three partnership assessments per key account.
 * Idempotent: each part is skipped for an account that already has it.
 */

/** growth potential, strategic image, fit, willingness to cooperate (1–5). */
const judgements: Record<string, [number, number, number, number]> = {
  'Northwind Logistics': [4, 5, 5, 5],
  'Iberia Foods': [2, 3, 3, 2],
  'Helios Energy': [4, 4, 3, 3],
  'Atlas Health Group': [5, 4, 4, 4],
  'Brightline Retail': [3, 5, 3, 4],
  'Quantum Components': [3, 2, 4, 3],
  'Meridian Telecom': [4, 4, 4, 5],
  'Verde Agritech': [5, 3, 4, 4],
  'Summit Construction': [2, 2, 3, 2],
};

/** Change of quarterly revenue per quarter (the latest quarter is a quarter of the annual revenue). */
const trendPerQuarter: Record<string, number> = {
  'Northwind Logistics': 0.03,
  'Iberia Foods': -0.04,
  'Helios Energy': -0.02,
  'Atlas Health Group': 0.02,
  'Meridian Telecom': 0.01,
  'Verde Agritech': 0.05,
};
/** Discounts beyond list terms, as a share of revenue (Helios was won on price). */
const extraDiscounts: Record<string, number> = { 'Helios Energy': 0.08, 'Iberia Foods': 0.02 };

const DAY = 86_400_000;

/** Stage history: [account, from, to, days ago, decided by, reason]. `from` null is the account's first stage. */
const stageHistory: [string, Stage | null, Stage, number, string, string][] = [
  ['Northwind Logistics', null, 'customer', 900, 'maria', 'Contract signed'],
  ['Northwind Logistics', 'customer', 'key_account', 540, 'exec', 'Top three by revenue and margin; multi-site roll-out planned'],
  ['Iberia Foods', null, 'customer', 800, 'maria', 'Contract signed'],
  ['Iberia Foods', 'customer', 'key_account', 420, 'exec', 'Door-opener to the Spanish food market'],
  ['Atlas Health Group', null, 'customer', 700, 'tom', 'Contract signed'],
  ['Atlas Health Group', 'customer', 'key_account', 300, 'exec', 'Growth potential 5/5 and a strong sponsor in the COO'],
  ['Brightline Retail', null, 'customer', 650, 'tom', 'Contract signed'],
  ['Brightline Retail', 'customer', 'key_account', 150, 'exec', 'Marquee retail brand; they asked for a joint roadmap'],
  ['Meridian Telecom', null, 'customer', 750, 'priya', 'Contract signed'],
  ['Meridian Telecom', 'customer', 'key_account', 380, 'admin', 'Highest willingness to cooperate in the portfolio'],
  ['Summit Construction', null, 'customer', 720, 'priya', 'Contract signed'],
  ['Summit Construction', 'customer', 'key_account', 500, 'exec', 'Large framework agreement'],
  ['Summit Construction', 'key_account', 'customer', 100, 'exec', 'Spend halved after their restructuring; below the cut two quarters running'],
  ['Helios Energy', null, 'prospect', 600, 'maria', 'Met at the energy fair'],
  ['Helios Energy', 'prospect', 'customer', 480, 'maria', 'Won the field-service tender (on price)'],
  ['Quantum Components', null, 'prospect', 560, 'tom', 'Referral from Atlas'],
  ['Quantum Components', 'prospect', 'customer', 250, 'tom', 'First order'],
  ['Verde Agritech', null, 'suspect', 400, 'priya', 'Inbound lead'],
  ['Verde Agritech', 'suspect', 'prospect', 290, 'priya', 'Discovery call went well'],
  ['Verde Agritech', 'prospect', 'customer', 130, 'priya', 'Pilot converted to a yearly contract'],
  ['Fjord Maritime', null, 'suspect', 200, 'maria', 'Met at the Rotterdam port fair'],
  ['Fjord Maritime', 'suspect', 'prospect', 40, 'maria', 'They asked for a proposal'],
  ['Cobalt Insurance', null, 'suspect', 60, 'tom', 'Listed as a target account'],
  ['Lumen Education', null, 'suspect', 330, 'priya', 'Inbound lead'],
  ['Lumen Education', 'suspect', 'prospect', 90, 'priya', 'Demo booked by their IT director'],
];

/** Partnership level per assessment (oldest first), 0–1: the share of signals we expect to see. */
const partnershipLevels: Record<string, [number, number, number]> = {
  'Northwind Logistics': [0.55, 0.65, 0.75],
  'Iberia Foods': [0.6, 0.45, 0.35],
  'Atlas Health Group': [0.4, 0.5, 0.6],
  'Brightline Retail': [0.3, 0.35, 0.45],
  'Meridian Telecom': [0.5, 0.55, 0.55],
};
const assessmentDaysAgo = [270, 150, 30];

export async function seedDemoProgram(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  let added = 0;
  // The CLI seeds without building the app, so the built-in criteria and indicators may not exist yet.
  await ensureDefaultCriteria(db, now);
  await ensureDefaultIndicators(db, now);
  const userRows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.email, demoUsers.map((u) => u.email)));
  const userId = new Map(demoUsers.map((u) => [u.key, userRows.find((r) => r.email === u.email)?.id]));
  const accountRows = await db.select().from(accounts).where(inArray(accounts.name, demoAccounts.map((a) => a.name)));
  const account = new Map(accountRows.map((a) => [a.name, a]));
  const owner = new Map(demoAccounts.map((a) => [a.name, userId.get(a.owner) ?? null]));

  // Criterion scores.
  const criteria = await db.select().from(selectionCriteria);
  const criterionId = (key: string) => criteria.find((c) => c.key === key)?.id;
  const judged = ['growth_potential', 'strategic_image', 'fit', 'willingness_to_cooperate'].map(criterionId);
  const scoreRows = Object.entries(judgements).flatMap(([name, scores]) => {
    const a = account.get(name);
    if (!a) return [];
    return scores
      .map((score, i) => ({ criterionId: judged[i], score }))
      .filter((r): r is { criterionId: string; score: number } => r.criterionId !== undefined)
      .map((r) => ({ ...r, accountId: a.id, scoredBy: owner.get(name) ?? null, scoredAt: new Date(now.getTime() - 20 * DAY) }));
  });
  if (scoreRows.length) {
    const inserted = await db.insert(accountCriterionScores).values(scoreRows).onConflictDoNothing().returning({ a: accountCriterionScores.accountId });
    added += inserted.length;
  }

  // Six completed quarters of value per customer and key account.
  const current = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
  const valueRows = demoAccounts.flatMap((demo) => {
    const a = account.get(demo.name);
    if (!a || (demo.stage !== 'customer' && demo.stage !== 'key_account') || !demo.revenue) return [];
    const trend = trendPerQuarter[demo.name] ?? 0;
    return [6, 5, 4, 3, 2, 1].map((back) => {
      const revenue = Math.round((demo.revenue / 4) * (1 - trend * (back - 1)) * 100);
      const grossProfit = Math.round((revenue * demo.marginPct) / 100);
      const cost = (demo.costToServe / 4) * 100;
      const teamCost = Math.round(cost * 0.8);
      const discounts = Math.round(cost * 0.2 + revenue * (extraDiscounts[demo.name] ?? 0));
      const at = new Date(now.getTime() - (back - 1) * 91 * DAY);
      return {
        accountId: a.id,
        quarter: shiftQuarter(current, -back),
        revenue,
        grossProfit,
        teamCost,
        discounts,
        enteredBy: owner.get(demo.name) ?? null,
        createdAt: at,
        updatedAt: at,
      };
    });
  });
  if (valueRows.length) {
    const inserted = await db.insert(accountQuarterValues).values(valueRows).onConflictDoNothing().returning({ id: accountQuarterValues.id });
    added += inserted.length;
  }

  // Stage history, for accounts that have none yet.
  const withHistory = new Set(
    (await db.select({ accountId: accountStageChanges.accountId }).from(accountStageChanges)).map((r) => r.accountId),
  );
  const stageRows = stageHistory.flatMap(([name, from, to, daysAgo, by, reason]) => {
    const a = account.get(name);
    if (!a || withHistory.has(a.id)) return [];
    return [{ accountId: a.id, fromStage: from, toStage: to, decidedBy: userId.get(by) ?? null, reason, changedAt: new Date(now.getTime() - daysAgo * DAY) }];
  });
  if (stageRows.length) {
    await db.insert(accountStageChanges).values(stageRows);
    added += stageRows.length;
  }

  // Partnership assessments over time, for key accounts that have none yet.
  const indicators = await db.select().from(partnershipIndicators).where(eq(partnershipIndicators.enabled, true));
  const assessed = new Set(
    (await db.selectDistinct({ accountId: partnershipAssessments.accountId }).from(partnershipAssessments)).map((r) => r.accountId),
  );
  const due = Object.entries(partnershipLevels).flatMap(([name, levels]) => {
    const a = account.get(name);
    return a && !assessed.has(a.id) && indicators.length ? [{ name, a, levels }] : [];
  });
  if (due.length) {
    // Ids made here, so each assessment's answers can be written in the same two statements.
    const assessments = due.flatMap(({ name, a, levels }) =>
      levels.map((level, j) => ({
        id: randomUUID(),
        name,
        level,
        row: {
          accountId: a.id,
          assessedBy: owner.get(name) ?? null,
          assessedAt: new Date(now.getTime() - assessmentDaysAgo[j]! * DAY),
          notes: j === levels.length - 1 ? 'Reviewed with the account team before the annual review.' : null,
        },
      })),
    );
    await db.transaction(async (tx) => {
      await tx.insert(partnershipAssessments).values(assessments.map(({ id, row }) => ({ id, ...row })));
      await tx.insert(partnershipAnswers).values(
        assessments.flatMap(({ id, name, level }) =>
          indicators.map((indicator, k) => {
            // A fixed spread of "difficulty" per indicator and account: signals below the level are met.
            const difficulty = ((k * 7 + name.length * 3) % 20) / 20;
            const answer = difficulty < level - 0.1 ? 'yes' : difficulty < level + 0.1 ? 'partly' : 'no';
            return { assessmentId: id, indicatorId: indicator.id, answer: answer as 'yes' | 'partly' | 'no' };
          }),
        ),
      );
    });
    added += assessments.length;
  }
  return added;
}
