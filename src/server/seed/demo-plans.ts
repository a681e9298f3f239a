import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import { accountCounterpartPairs, accountTeamMembers, contacts, tasks } from '../db/schema/index.js';
import { findAccountByName } from '../db/queries/accounts.js';
import { findUserByEmail } from '../db/queries/users.js';
import { createTask } from '../db/queries/tasks.js';
import { getPlan, insertPlanAction, recordPlanChange, touchPlan } from '../db/queries/account-plans.js';

/**
 * Demo account plans (issue 6, section 3) for two key accounts: a SWOT, goals for the year, the executive sponsor on
 * the team, a counterpart pair, and two actions — one done, one open on the owner's task list. Idempotent: an account
 * that already has a plan is left alone. Returns how many plans it wrote.
 */

interface DemoPlan {
  account: string;
  initiatives: string;
  contractTerms: string;
  strengths: string[];
  weaknesses: string[];
  opportunities: string[];
  threats: string[];
  competitors: { name: string; shareOfSpend: number }[];
  ourShareOfSpend: number;
  salesExpected: number;
  valueToAdd: string;
  relationships: string;
  actions: { title: string; goal: 'sales' | 'value' | 'relationships' | 'other'; dueInDays: number; done?: string }[];
}

const demoPlans: DemoPlan[] = [
  {
    account: 'Northwind Logistics',
    initiatives: 'Consolidating regional warehouses into three hubs by 2027; moving to same-day delivery in capitals.',
    contractTerms: 'Three-year framework, renewed yearly; volume discount above 40,000 shipments a quarter.',
    strengths: ['Trusted by their COO', 'Our tracking integrates with their WMS'],
    weaknesses: ['Invoice errors in the last two quarters', 'No contact in their finance team'],
    opportunities: ['Cold-chain service for the new hubs', 'Joint case study on same-day delivery'],
    threats: ['A rival offers bundled customs brokerage', 'Procurement pushes for a tender next year'],
    competitors: [{ name: 'SwiftFreight', shareOfSpend: 35 }, { name: 'Local carriers', shareOfSpend: 15 }],
    ourShareOfSpend: 50,
    salesExpected: 2_400_000_00,
    valueToAdd: 'Halve late deliveries in the new hubs.',
    relationships: 'Quarterly meetings with the CFO, and an executive sponsor on each side for the hub project.',
    actions: [
      { title: 'Fix the invoice errors and confirm with their accounts payable', goal: 'value', dueInDays: -10, done: 'Credit notes issued; new invoice check in place' },
      { title: 'Quarterly business review with the COO and CFO', goal: 'relationships', dueInDays: 21 },
    ],
  },
  {
    account: 'Atlas Health Group',
    initiatives: 'Digital patient records across all clinics; a new procurement policy favouring fewer suppliers.',
    contractTerms: 'Two-year service agreement, fixed term; price review at renewal.',
    strengths: ['Long history with their IT director', 'Strong uptime record'],
    weaknesses: ['Their clinicians rarely meet us', 'Slow answers from our support at night'],
    opportunities: ['Supplier consolidation could make us their main partner', 'Training for clinic staff'],
    threats: ['NPS falling among implementers', 'A competitor pilots in two clinics'],
    competitors: [{ name: 'MedSys', shareOfSpend: 30 }],
    ourShareOfSpend: 60,
    salesExpected: 1_800_000_00,
    valueToAdd: 'Shorter onboarding for new clinics (four weeks instead of eight).',
    relationships: 'A counterpart for their head of nursing; regular visits to two clinics.',
    actions: [
      { title: 'Night support rota: answer within one hour', goal: 'value', dueInDays: -5, done: 'Rota live since Monday' },
      { title: 'Visit the two pilot clinics with their head of nursing', goal: 'relationships', dueInDays: 14 },
    ],
  },
];

const EXEC_EMAIL = 'erin.exec@keypulse.demo';

export async function seedDemoPlans(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  const exec = await findUserByEmail(db, EXEC_EMAIL);
  let written = 0;
  for (const p of demoPlans) {
    const account = await findAccountByName(db, p.account);
    if (!account || (await getPlan(db, account.id))) continue;
    await db.transaction(async (tx) => {
      const plan = await touchPlan(tx, account.id, account.ownerId, now, {
        strategicInitiatives: p.initiatives,
        contractTerms: p.contractTerms,
        strengths: p.strengths,
        weaknesses: p.weaknesses,
        opportunities: p.opportunities,
        threats: p.threats,
        competitors: p.competitors,
        ourShareOfSpend: p.ourShareOfSpend,
        goalsYear: Number(now.toISOString().slice(0, 4)),
        goalSalesExpected: p.salesExpected,
        goalValueToAdd: p.valueToAdd,
        goalRelationships: p.relationships,
      });
      await recordPlanChange(tx, { planId: plan.id, changedBy: account.ownerId, changedAt: now, section: 'intelligence', summary: 'Intelligence: changed strengths, weaknesses, opportunities, threats, competitors, our share of spend' });
      await recordPlanChange(tx, { planId: plan.id, changedBy: account.ownerId, changedAt: now, section: 'intentions', summary: 'Intentions: changed goal year, sales expected, value to add, relationships to build' });
      for (const a of p.actions) {
        const task = await createTask(
          tx,
          { accountId: account.id, title: a.title, priority: 'normal', assigneeId: account.ownerId, createdBy: account.ownerId, dueAt: new Date(now.getTime() + a.dueInDays * 86_400_000) },
          new Date(now.getTime() - 30 * 86_400_000),
        );
        if (a.done) {
          await tx.update(tasks).set({ status: 'done', resolution: a.done, closedAt: now, firstActionAt: now, updatedAt: now }).where(eq(tasks.id, task.id));
        }
        await insertPlanAction(tx, { planId: plan.id, taskId: task.id, goal: a.goal, createdAt: now });
        await recordPlanChange(tx, { planId: plan.id, changedBy: account.ownerId, changedAt: now, section: 'implementation', summary: `Added action: ${a.title}` });
      }
      if (exec) {
        await tx.insert(accountTeamMembers).values({ accountId: account.id, userId: exec.id, teamRole: 'Executive sponsor', createdAt: now }).onConflictDoNothing();
      }
      const [instigator] = await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.accountId, account.id), eq(contacts.level, 'instigator'), isNull(contacts.deletedAt)))
        .orderBy(asc(contacts.createdAt), asc(contacts.id))
        .limit(1);
      if (instigator) {
        await tx
          .insert(accountCounterpartPairs)
          .values({ accountId: account.id, userId: exec?.id ?? account.ownerId, contactId: instigator.id, function: 'Executive sponsor', createdAt: now })
          .onConflictDoNothing();
      }
    });
    written++;
  }
  return written;
}
