import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import { hashPassword } from '../auth/passwords.js';
import { findUserByEmail } from '../db/queries/users.js';
import { DEMO_PASSWORD, demoAccounts, demoUsers } from './demo-data.js';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { accounts, campaigns, contacts, surveys, surveyVersions, users } from '../db/schema/index.js';
import type { LinkTokens } from '../auth/link-tokens.js';
import { createWave } from '../services/campaign-waves.js';
import { surveyLanguages } from '../domain/survey-templates.js';
import { seedDemoProgram } from './demo-program.js';
import { seedDemoHistory } from './demo-history.js';
import { seedDemoPlans } from './demo-plans.js';
import { seedDemoPlanShares } from './demo-plan-shares.js';
import { seedDemoTouchpoints } from './demo-touchpoints.js';
import { seedDemoPulses } from './demo-pulses.js';
import { seedDemoTeamPulse } from './demo-team-pulse.js';
import { rememberPublishedHash } from '../services/safe-start.js';

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
 * so running it again adds only what is missing. Each kind of row is read once and written in one statement:
 * this runs at the first start, where a statement per row cost seconds.
 */
export async function seedDemo(
  db: Db,
  clock: Clock,
  log: (line: string) => void = () => {},
  options: {
    /** Hears how many records were added. */
    counted?: (records: number) => void;
    /** The published password's hash, when the caller started hashing it earlier (it takes a while). */
    passwordHash?: Promise<string>;
  } = {},
): Promise<DemoLogin[]> {
  const now = clock.now();
  let created = 0;

  // Looked up as the single-row finders do: emails and names case-insensitively, contacts among the live ones.
  const lower = (text: string) => text.toLowerCase();
  const existingUsers = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(inArray(sql`lower(${users.email})`, demoUsers.map((u) => lower(u.email))));
  const missingUsers = demoUsers.filter((u) => !existingUsers.some((e) => lower(e.email) === lower(u.email)));
  if (missingUsers.length) {
    // One hash for all: they share the published password, and scrypt is the slowest step of the seed.
    const passwordHash = await (options.passwordHash ?? hashPassword(DEMO_PASSWORD));
    const inserted = await db
      .insert(users)
      .values(missingUsers.map((u) => ({ email: u.email, name: u.name, role: u.role, passwordHash })))
      .returning({ id: users.id, email: users.email });
    existingUsers.push(...inserted);
    created += inserted.length;
    await rememberPublishedHash(db, passwordHash, now);
  }
  const userId = new Map(demoUsers.map((u) => [u.key, existingUsers.find((e) => lower(e.email) === lower(u.email))!.id]));

  const existingAccounts = await db
    .select({ id: accounts.id, name: accounts.name })
    .from(accounts)
    .where(inArray(sql`lower(${accounts.name})`, demoAccounts.map((a) => lower(a.name))));
  const missingAccounts = demoAccounts.filter((a) => !existingAccounts.some((e) => lower(e.name) === lower(a.name)));
  if (missingAccounts.length) {
    const inserted = await db
      .insert(accounts)
      .values(
        missingAccounts.map((a) => ({
          name: a.name,
          industry: a.industry,
          ownerId: userId.get(a.owner)!,
          stage: a.stage,
          annualRevenue: a.revenue ? a.revenue * 100 : null,
          grossProfit: a.revenue ? Math.round(a.revenue * a.marginPct) : null,
          costToServe: a.costToServe ? a.costToServe * 100 : null,
          contractStart: a.contractStart || null,
          renewalDate: a.renewalInDays ? addDays(now, a.renewalInDays) : null,
          serviceNotes: a.notes ?? null,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .returning({ id: accounts.id, name: accounts.name });
    existingAccounts.push(...inserted);
    created += inserted.length;
  }
  const accountId = new Map(demoAccounts.map((a) => [a.name, existingAccounts.find((e) => lower(e.name) === lower(a.name))!.id]));

  const existingContacts = await db
    .select({ accountId: contacts.accountId, email: contacts.email })
    .from(contacts)
    .where(and(inArray(contacts.accountId, [...accountId.values()]), isNull(contacts.deletedAt)));
  const known = new Set(existingContacts.map((c) => `${c.accountId} ${lower(c.email)}`));
  const missingContacts = demoAccounts.flatMap((a) =>
    a.contacts
      .map(([name, title, level, buyingRole, strength, language]) => ({
        accountId: accountId.get(a.name)!,
        name,
        email: emailFor(name, a.name),
        title,
        level,
        buyingRole,
        language: language ?? 'en',
        relationshipStrength: strength,
        counterpartId: userId.get(a.owner)!,
        unsubscribed: false,
        bounced: false,
        createdAt: now,
        updatedAt: now,
      }))
      .filter((c) => !known.has(`${c.accountId} ${lower(c.email)}`)),
  );
  if (missingContacts.length) {
    await db.insert(contacts).values(missingContacts);
    created += missingContacts.length;
  }
  // The key-account program: criterion scores, quarterly value, stage history, partnership assessments.
  created += await seedDemoProgram(db, clock);
  log(created ? `Demo data: ${created} records added.` : 'Demo data: already present.');
  options.counted?.(created);
  return demoUsers.map((u) => ({ email: u.email, password: DEMO_PASSWORD, role: u.role, name: u.name }));
}

const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * The whole demo into an empty database — portfolio and program history, five NPS waves and two audits answered,
 * two account plans, a first campaign — each part reported with what it wrote and how long it took.
 */
export async function loadDemo(
  deps: { db: Db; links: LinkTokens; clock: Clock; config: { companyName: string; timeZone: string } },
  progress: { note(line: string): void },
  passwordHash?: Promise<string>,
): Promise<void> {
  const { db, links, clock, config } = deps;
  let began = performance.now();
  let records = 0;
  await seedDemo(db, clock, () => {}, { counted: (n) => (records = n), passwordHash });
  progress.note(`portfolio: ${demoUsers.length} users, ${demoAccounts.length} accounts with their people and program history (${records} records) in ${elapsed(began)}`);
  began = performance.now();
  const history = await seedDemoHistory(db, links, clock, config);
  progress.note(`history: ${history} answers over five quarterly NPS waves and two key-account audits, older follow-ups closed, in ${elapsed(began)}`);
  began = performance.now();
  const plans = await seedDemoPlans(db, clock);
  progress.note(`account plans: ${plans} (Northwind Logistics, Atlas Health Group) in ${elapsed(began)}`);
  began = performance.now();
  if (await seedDemoPlanShares(db, clock)) {
    progress.note(`a plan shared with its customer (Northwind Logistics: joint goals and actions, their comments and a proposal) in ${elapsed(began)}`);
  }
  began = performance.now();
  const touches = await seedDemoTouchpoints(db, clock);
  progress.note(`touchpoints: ${touches} meetings, calls, visits, QBRs and social events over the last year with the key accounts in ${elapsed(began)}`);
  began = performance.now();
  const deliveryPulses = await seedDemoPulses(db, links, clock);
  progress.note(`pulses after events: ${deliveryPulses} delivery pulses over the last five months, most answered, in ${elapsed(began)}`);
  began = performance.now();
  const pulse = await seedDemoTeamPulse(db, clock, config.timeZone);
  progress.note(`team pulse: ${pulse} answers from our own people about three key accounts, this half and the one before, in ${elapsed(began)}`);
  began = performance.now();
  if (await seedDemoCampaign(db, links, clock)) {
    progress.note(`a first NPS campaign to the key accounts (its emails appear in the email log at /outbox within seconds) in ${elapsed(began)}`);
  }
}

/**
 * Starts hashing the demo's published password now, when a demo is about to be loaded into a new embedded
 * database: scrypt runs on libuv's thread pool, beside the database's start on the main thread.
 */
export function hashDemoPasswordEarly(): Promise<string> {
  const hash = hashPassword(DEMO_PASSWORD);
  hash.catch(() => {}); // awaited by seedDemo; a failure is reported there
  return hash;
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
