import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import { hashPassword } from '../auth/passwords.js';
import { findUserByEmail, insertUser } from '../db/queries/users.js';
import { findAccountByName, insertAccount } from '../db/queries/accounts.js';
import { findContactByEmail, insertContact } from '../db/queries/contacts.js';
import { DEMO_PASSWORD, demoAccounts, demoUsers } from './demo-data.js';
import { and, desc, eq } from 'drizzle-orm';
import { accounts, campaigns, surveys, surveyVersions } from '../db/schema/index.js';
import type { LinkTokens } from '../auth/link-tokens.js';
import { createWave } from '../services/campaign-waves.js';
import { surveyLanguages } from '../domain/survey-templates.js';
import { seedDemoProgram } from './demo-program.js';

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
  name: string;
}

function addDays(date: Date, days: number): string {
  return new Date(date.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

function emailFor(contactName: string, accountName: string): string {
  const local = contactName.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/^dr\.\s*/, '').replace(/[^a-z]+/g, '.');
  const domain = accountName.toLowerCase().split(' ')[0]!.replace(/[^a-z]/g, '');
  return `${local.replace(/^\.|\.$/g, '')}@${domain}.example`;
}

/**
 * Loads a believable portfolio. Idempotent: every entity is looked up by its natural key first,
 * so running it again adds only what is missing.
 */
export async function seedDemo(db: Db, clock: Clock, log: (line: string) => void = () => {}): Promise<DemoLogin[]> {
  const now = clock.now();
  const ids = new Map<string, string>();
  let created = 0;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const u of demoUsers) {
    const existing = await findUserByEmail(db, u.email);
    const row = existing ?? (created++, await insertUser(db, { email: u.email, name: u.name, role: u.role, passwordHash }));
    ids.set(u.key, row.id);
  }
  for (const a of demoAccounts) {
    const ownerId = ids.get(a.owner)!;
    const account =
      (await findAccountByName(db, a.name)) ??
      (created++,
      await insertAccount(
        db,
        {
          name: a.name,
          industry: a.industry,
          ownerId,
          stage: a.stage,
          annualRevenue: a.revenue ? a.revenue * 100 : null,
          grossProfit: a.revenue ? Math.round(a.revenue * a.marginPct) : null,
          costToServe: a.costToServe ? a.costToServe * 100 : null,
          contractStart: a.contractStart || null,
          renewalDate: a.renewalInDays ? addDays(now, a.renewalInDays) : null,
          serviceNotes: a.notes ?? null,
        },
        now,
      ));
    for (const [name, title, level, buyingRole, strength, language] of a.contacts) {
      const email = emailFor(name, a.name);
      if (await findContactByEmail(db, account.id, email)) continue;
      created++;
      await insertContact(
        db,
        account.id,
        {
          name,
          email,
          title,
          level,
          buyingRole,
          language: language ?? 'en',
          relationshipStrength: strength,
          counterpartId: ownerId,
          unsubscribed: false,
          bounced: false,
        },
        now,
      );
    }
  }
  // The key-account program: criterion scores, quarterly value, stage history, partnership assessments.
  created += await seedDemoProgram(db, clock);
  log(created ? `Demo data: ${created} records added.` : 'Demo data: already present.');
  return demoUsers.map((u) => ({ email: u.email, password: DEMO_PASSWORD, role: u.role, name: u.name }));
}

export function formatDemoLogins(logins: DemoLogin[]): string {
  const width = Math.max(...logins.map((l) => l.email.length));
  const shared = logins.every((l) => l.password === logins[0]?.password) ? logins[0]?.password : undefined;
  if (shared) {
    return [
      'Demo logins (password for all: ' + shared + '):',
      ...logins.map((l) => `  ${l.email.padEnd(width)}  ${l.role.padEnd(15)}  ${l.name}`),
    ].join('\n');
  }
  // Passwords of their own (set at start-up for a server reachable from the network): shown only now.
  const nameWidth = Math.max(...logins.map((l) => l.name.length));
  return [
    'Demo logins (new passwords, shown only now — note them):',
    ...logins.map((l) => `  ${l.email.padEnd(width)}  ${l.role.padEnd(15)}  ${l.name.padEnd(nameWidth)}  password: ${l.password}`),
  ].join('\n');
}

/**
 * A first NPS campaign to the demo's key accounts, so the email log has survey emails to open right away.
 * Idempotent by name. The scheduler sends it (main runs one sweep at start-up).
 */
export async function seedDemoCampaign(db: Db, links: LinkTokens, clock: Clock): Promise<boolean> {
  const name = 'Demo: NPS pulse for key accounts';
  const [existing] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.name, name));
  if (existing) return false;
  const admin = await findUserByEmail(db, demoUsers[0]!.email);
  const [nps] = await db.select().from(surveys).where(eq(surveys.templateKey, 'nps'));
  if (!admin || !nps) return false;
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.surveyId, nps.id)).orderBy(desc(surveyVersions.version)).limit(1);
  const keyAccounts = await db.select({ id: accounts.id }).from(accounts).where(and(eq(accounts.stage, 'key_account'), eq(accounts.archived, false)));
  const now = clock.now();
  await db.transaction(async (tx) => {
    const [campaign] = await tx
      .insert(campaigns)
      .values({
        name,
        surveyId: nps.id,
        surveyVersionId: version!.id,
        createdBy: admin.id,
        audience: { accountIds: keyAccounts.map((a) => a.id), contactIds: [], levels: [], buyingRoles: [] },
        status: 'scheduled',
        sendAt: now,
        reminderAfterDays: 5,
        reminderMax: 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await createWave(tx, links, campaign!, 1, { sendAt: now, now, minDaysBetweenSurveys: 0, surveyLanguages: surveyLanguages(version!.definition) });
  });
  return true;
}
