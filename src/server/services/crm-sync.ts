import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { AppDeps } from '../http/context.js';
import type { Db } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { accounts, contacts, crmConnections, crmLinks, crmSyncRuns, users } from '../db/schema/index.js';
import {
  getCrmConnection,
  getCrmLink,
  getCrmLinkByLocal,
  getCrmSyncRun,
  getRunningCrmSync,
  listCrmLinks,
  markWrittenBack,
  type CrmConnectionRow,
  type CrmLinkRow,
  type CrmSyncRunRow,
} from '../db/queries/crm.js';
import { isErasedAddress } from '../db/queries/erased-emails.js';
import { npsAnsweredAt } from '../db/queries/nps-report.js';
import { decideCrmChange } from '../domain/crm-conflict.js';
import { CrmAuthError, WRITE_BATCH, type CrmAdapter, type CrmCompany, type CrmContact, type CrmWrite } from '../integrations/crm/adapter.js';
import { HubspotAdapter } from '../integrations/crm/hubspot.js';
import { assessAccounts } from './account-risk.js';
import { CRM_SYNC } from '../jobs/crm-sync.js';
import type { CrmReportEntry, CrmSettings, CrmSyncProgress, CrmSyncRun } from '../../shared/schemas/crm.js';

/*
 * HubSpot → Keypulse sync, and Keypulse → HubSpot write-back.
 *
 * A run is a row in crm_sync_runs. At most one runs per connection (a unique partial index decides between
 * processes); it works page by page, and each page's writes are committed in the same transaction as the run's
 * cursor and counts, so a run killed anywhere resumes from the last committed page and writes nothing twice
 * (crm_links' unique keys guard too). A run whose heartbeat is older than STALE_MS is taken over by the next
 * request or scheduler tick.
 *
 * Conflict rule: domain/crm-conflict.ts. HubSpot supplies name, domain, industry, annual revenue, owner and renewal
 * date (companies) and name, email, job title and language (contacts); Keypulse-only fields (stage, level, buying
 * role, relationship, plans, …) are never touched.
 */

/** A run silent this long is taken for dead: its worker crashed, or gave up retrying. */
export const STALE_MS = 2 * 60_000;
/**
 * The next sync asks for companies modified since the last one started, less this: HubSpot's search index lags
 * writes by seconds, and clocks differ. Re-reading a few companies costs nothing (unchanged ones are left alone).
 */
const OVERLAP_MS = 5 * 60_000;
const REPORT_CAP = 200;
/** How long one job works on a run before handing over to the next job (well inside the queue's 60 s lease). */
const SLICE_MS = 30_000;

type Counts = CrmSyncProgress['companies'];
interface Cursor {
  phase: 'companies' | 'contacts' | 'write_back' | 'done';
  /** The adapter's paging cursor (opaque). */
  after: string | null;
  /** Pages committed so far: the run's compare-and-set key, so two workers never commit the same page. */
  page: number;
}

const emptyCounts = (): Counts => ({ created: 0, updated: 0, unchanged: 0, skipped: 0 });
export const emptyProgress = (): CrmSyncProgress => ({
  phase: 'companies',
  pages: 0,
  companies: emptyCounts(),
  contacts: emptyCounts(),
  writtenBack: { companies: 0, contacts: 0 },
});

/** Lost the run to another worker (it was taken over): stop quietly, the other one goes on. */
class RunTakenOver extends Error {}

export function readSettings(connection: CrmConnectionRow): CrmSettings {
  const s = connection.settings as Partial<CrmSettings>;
  return {
    renewalDateProperty: s.renewalDateProperty ?? null,
    syncEveryMinutes: s.syncEveryMinutes ?? null,
    defaultOwnerEmail: s.defaultOwnerEmail ?? null,
    writeBack: s.writeBack ?? false,
  };
}

export function toRunJson(row: CrmSyncRunRow): CrmSyncRun {
  return {
    id: row.id,
    status: row.status,
    trigger: row.trigger === 'schedule' ? 'schedule' : 'manual',
    modifiedSince: row.modifiedSince?.toISOString() ?? null,
    progress: { ...emptyProgress(), ...(row.progress as Partial<CrmSyncProgress>) },
    report: row.report as CrmReportEntry[],
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    heartbeatAt: row.heartbeatAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** The adapter for a connection; the base URL comes from the server's config, never from a request. */
export function adapterFor(deps: Pick<AppDeps, 'config' | 'secrets'>, connection: CrmConnectionRow): CrmAdapter {
  return new HubspotAdapter({
    accessToken: deps.secrets.unseal(connection.tokenSealed),
    baseUrl: deps.config.hubspot.baseUrl,
    renewalDateProperty: readSettings(connection).renewalDateProperty,
    retries: deps.config.hubspot.retries,
  });
}

/**
 * Starts a sync, or answers with the one already running (`started: false`). A running one whose worker went
 * silent is taken over and resumed from its cursor (`started: true`).
 */
export async function startSync(deps: AppDeps, trigger: 'manual' | 'schedule'): Promise<{ run: CrmSyncRunRow; started: boolean } | null> {
  const { db, clock, jobs } = deps;
  const connection = await getCrmConnection(db);
  if (!connection || !connection.enabled) return null;
  const now = clock.now();
  const [inserted] = await db
    .insert(crmSyncRuns)
    .values({
      connectionId: connection.id,
      status: 'running',
      trigger,
      modifiedSince: connection.lastSyncedThrough,
      cursor: { phase: 'companies', after: null, page: 0 } satisfies Cursor,
      progress: emptyProgress(),
      heartbeatAt: now,
      startedAt: now,
    })
    // The one-running-run index: of two requests (in any processes), one inserts, the other finds it.
    .onConflictDoNothing()
    .returning();
  if (inserted) {
    await jobs.enqueue(CRM_SYNC, { runId: inserted.id }, { singletonKey: inserted.id });
    return { run: inserted, started: true };
  }
  const running = await getRunningCrmSync(db, connection.id);
  if (!running) return startSync(deps, trigger); // it finished in between: start a new one
  const takenOver = await takeOverIfStale(deps, running);
  return { run: takenOver ?? running, started: takenOver !== null };
}

/** A run whose heartbeat is older than STALE_MS gets a new heartbeat and a new job; of two takers, one wins. */
async function takeOverIfStale(deps: AppDeps, run: CrmSyncRunRow): Promise<CrmSyncRunRow | null> {
  const now = deps.clock.now();
  if (now.getTime() - run.heartbeatAt.getTime() < STALE_MS) return null;
  const [claimed] = await deps.db
    .update(crmSyncRuns)
    .set({ heartbeatAt: now })
    .where(and(eq(crmSyncRuns.id, run.id), eq(crmSyncRuns.status, 'running'), eq(crmSyncRuns.heartbeatAt, run.heartbeatAt)))
    .returning();
  if (!claimed) return null;
  deps.logger.warn('crm sync taken over after its worker went silent', { runId: run.id });
  await deps.jobs.enqueue(CRM_SYNC, { runId: run.id }, { singletonKey: run.id });
  return claimed;
}

/** Scheduler tick: resumes a dead run, or starts one when `syncEveryMinutes` have passed since the last. */
export async function syncWhenDue(deps: AppDeps): Promise<void> {
  const connection = await getCrmConnection(deps.db);
  if (!connection || !connection.enabled) return;
  const running = await getRunningCrmSync(deps.db, connection.id);
  if (running) {
    await takeOverIfStale(deps, running);
    return;
  }
  const every = readSettings(connection).syncEveryMinutes;
  if (!every) return;
  const [last] = await deps.db
    .select({ startedAt: crmSyncRuns.startedAt })
    .from(crmSyncRuns)
    .where(eq(crmSyncRuns.connectionId, connection.id))
    .orderBy(sql`${crmSyncRuns.startedAt} desc`)
    .limit(1);
  if (last && deps.clock.now().getTime() - last.startedAt.getTime() < every * 60_000) return;
  await startSync(deps, 'schedule');
}

/** The job: runs (or resumes) one sync to its end. Safe to run twice: each page is committed once. */
export async function runSync(deps: AppDeps, runId: string, adapter?: CrmAdapter): Promise<void> {
  const { db, clock } = deps;
  let run = await getCrmSyncRun(db, runId);
  if (!run || run.status !== 'running') return;
  const connection = await db.select().from(crmConnections).where(eq(crmConnections.id, run.connectionId)).then((r) => r[0]);
  if (!connection) return; // deleted: its runs went with it
  let crm: CrmAdapter;
  try {
    crm = adapter ?? adapterFor(deps, connection);
  } catch {
    // The token was sealed under another server secret (KEYPULSE_SECRET changed): only a new token helps.
    await db
      .update(crmSyncRuns)
      .set({ status: 'failed', error: 'The stored HubSpot token cannot be read (the server secret changed): connect again with the token', finishedAt: clock.now() })
      .where(and(eq(crmSyncRuns.id, runId), eq(crmSyncRuns.status, 'running')));
    return;
  }
  const settings = readSettings(connection);
  const afterImport = settings.writeBack ? 'write_back' : 'done';
  const startedAt = performance.now();
  try {
    for (;;) {
      // A job holds its queue lease for JOB_LEASE_SECONDS: a long sync goes on in a fresh job instead of outliving it.
      if (performance.now() - startedAt > SLICE_MS) {
        await deps.jobs.enqueue(CRM_SYNC, { runId }, { singletonKey: runId });
        return;
      }
      run = (await getCrmSyncRun(db, runId))!;
      if (run.status !== 'running') return;
      const cursor = run.cursor as unknown as Cursor;
      if (cursor.phase === 'companies') {
        const page = await crm.listCompanies(run.modifiedSince, cursor.after);
        const companyContacts = await crm.contactsOfCompanies(page.companies.map((c) => c.id));
        const next: Cursor = page.next
          ? { phase: 'companies', after: page.next, page: cursor.page + 1 }
          : { phase: run.modifiedSince ? 'contacts' : afterImport, after: null, page: cursor.page + 1 };
        await commitPage(deps, run, cursor, next, async (tx, progress, report) => {
          const owners = await ownerDirectory(tx, page.companies, settings);
          for (const company of page.companies) {
            const accountId = await importCompany(tx, clock.now(), company, owners, progress, report);
            if (!accountId) continue;
            for (const contact of companyContacts.filter((c) => c.companyId === company.id)) {
              await importContact(tx, clock.now(), accountId, contact, progress, report);
            }
          }
          progress.pages += 1;
          progress.phase = next.phase;
        });
      } else if (cursor.phase === 'contacts') {
        // Incremental runs only (a first sync read every company's contacts): contacts changed on their own.
        const page = await crm.listContacts(run.modifiedSince!, cursor.after);
        const next: Cursor = page.next ? { phase: 'contacts', after: page.next, page: cursor.page + 1 } : { phase: afterImport, after: null, page: cursor.page + 1 };
        await commitPage(deps, run, cursor, next, async (tx, progress, report) => {
          for (const contact of page.contacts) {
            // Contacts of companies that were not imported are none of Keypulse's business.
            const companyLink = await getCrmLink(tx, 'company', contact.companyId);
            if (!companyLink) continue;
            await importContact(tx, clock.now(), companyLink.localId, contact, progress, report, { countUnchanged: false });
          }
          progress.pages += 1;
          progress.phase = next.phase;
        });
      } else if (cursor.phase === 'write_back') {
        await crm.ensureProperties();
        const written = await writeBack(deps, crm, runId);
        await commitPage(deps, run, cursor, { phase: 'done', after: null, page: cursor.page + 1 }, async (_tx, progress) => {
          progress.writtenBack = written;
          progress.phase = 'done';
        });
      } else {
        await finish(deps, run, connection);
        return;
      }
    }
  } catch (error) {
    if (error instanceof RunTakenOver) return;
    if (error instanceof CrmAuthError) {
      await db
        .update(crmSyncRuns)
        .set({ status: 'failed', error: error.message, finishedAt: clock.now(), heartbeatAt: clock.now() })
        .where(and(eq(crmSyncRuns.id, runId), eq(crmSyncRuns.status, 'running')));
      return;
    }
    // Anything else may pass (HubSpot down, a deploy): the run keeps its cursor and stays running; the queue retries
    // the job, and once retries run out the next request or tick takes it over (its heartbeat goes stale).
    await db
      .update(crmSyncRuns)
      .set({ error: String((error as Error).message ?? error).slice(0, 300) })
      .where(eq(crmSyncRuns.id, runId));
    throw error;
  }
}

type Tx = Db;

/**
 * One page's writes, the run's new cursor, counts, report and heartbeat — in one transaction. The run row is claimed
 * first with its page number (compare-and-set): a second worker on the same run blocks on the row, then finds the
 * page already committed and stops, rolling back whatever it wrote.
 */
async function commitPage(
  deps: AppDeps,
  run: CrmSyncRunRow,
  cursor: Cursor,
  next: Cursor,
  work: (tx: Tx, progress: CrmSyncProgress, report: CrmReportEntry[]) => Promise<void>,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(crmSyncRuns)
      .set({ heartbeatAt: deps.clock.now() })
      .where(and(eq(crmSyncRuns.id, run.id), eq(crmSyncRuns.status, 'running'), sql`(${crmSyncRuns.cursor} ->> 'page')::int = ${cursor.page}`))
      .returning();
    if (!claimed) throw new RunTakenOver();
    const progress = { ...emptyProgress(), ...(claimed.progress as Partial<CrmSyncProgress>) };
    const report = [...(claimed.report as CrmReportEntry[])];
    await work(tx as unknown as Tx, progress, report);
    await tx
      .update(crmSyncRuns)
      .set({ cursor: next as unknown as Record<string, unknown>, progress, report: report.slice(0, REPORT_CAP), heartbeatAt: deps.clock.now(), error: null })
      .where(eq(crmSyncRuns.id, run.id));
  });
}

async function finish(deps: AppDeps, run: CrmSyncRunRow, connection: CrmConnectionRow) {
  await deps.db.transaction(async (tx) => {
    const [done] = await tx
      .update(crmSyncRuns)
      .set({ status: 'succeeded', finishedAt: deps.clock.now(), heartbeatAt: deps.clock.now() })
      .where(and(eq(crmSyncRuns.id, run.id), eq(crmSyncRuns.status, 'running')))
      .returning();
    if (!done) return;
    await tx
      .update(crmConnections)
      .set({ lastSyncedThrough: new Date(run.startedAt.getTime() - OVERLAP_MS), updatedAt: deps.clock.now() })
      .where(eq(crmConnections.id, connection.id));
  });
}

/**
 * Adds a line to the capped report. Created and updated records fill at most half of it, so the lines that need
 * reading — skips with their reasons, notes, kept Keypulse edits — are not crowded out by a big first import.
 */
function note(report: CrmReportEntry[], entry: CrmReportEntry) {
  if (report.length >= REPORT_CAP) return;
  const routine = entry.action === 'created' || entry.action === 'updated';
  if (routine && report.filter((e) => e.action === 'created' || e.action === 'updated').length >= REPORT_CAP / 2) return;
  report.push(entry);
}

/** Email → user id of everyone who may own accounts, for this page's owners and the default owner. */
async function ownerDirectory(tx: Tx, companies: CrmCompany[], settings: CrmSettings) {
  const emails = [...new Set([...companies.map((c) => c.ownerEmail), settings.defaultOwnerEmail].filter((e): e is string => !!e).map((e) => e.toLowerCase()))];
  const found = emails.length
    ? await tx
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(and(sql`lower(${users.email}) in ${emails}`, eq(users.disabled, false), inArray(users.role, ['admin', 'account_manager'])))
    : [];
  const byEmail = new Map(found.map((u) => [u.email.toLowerCase(), u.id]));
  return {
    byEmail,
    defaultOwner: settings.defaultOwnerEmail ? (byEmail.get(settings.defaultOwnerEmail.toLowerCase()) ?? null) : null,
    defaultOwnerEmail: settings.defaultOwnerEmail,
  };
}

type Owners = Awaited<ReturnType<typeof ownerDirectory>>;

/** Creates or updates the account for a company; returns its id, or null when the company was skipped. */
async function importCompany(tx: Tx, now: Date, company: CrmCompany, owners: Owners, progress: CrmSyncProgress, report: CrmReportEntry[]): Promise<string | null> {
  const entry = (action: CrmReportEntry['action'], reason: string | null) =>
    note(report, { objectType: 'company', externalId: company.id, name: company.name, action, reason });
  const matchedOwner = company.ownerEmail ? (owners.byEmail.get(company.ownerEmail) ?? null) : null;

  let link = await getCrmLink(tx, 'company', company.id);
  let account = link ? (await tx.select().from(accounts).where(eq(accounts.id, link.localId)))[0] : undefined;
  if (link && !account) {
    await tx.delete(crmLinks).where(eq(crmLinks.id, link.id));
    link = undefined;
  }

  if (!account) {
    // Not linked yet: an account with the same domain (and no company of its own) is this company.
    const candidate = company.domain
      ? (
          await tx
            .select()
            .from(accounts)
            .where(
              and(
                sql`lower(${accounts.domain}) = ${company.domain}`,
                eq(accounts.archived, false),
                sql`not exists (select 1 from ${crmLinks} where ${crmLinks.provider} = 'hubspot' and ${crmLinks.objectType} = 'company' and ${crmLinks.localId} = ${accounts.id})`,
              ),
            )
            .orderBy(accounts.createdAt)
            .limit(1)
        )[0]
      : undefined;
    if (candidate) {
      await tx.update(accounts).set({ ...companyFields(company), ...(matchedOwner ? { ownerId: matchedOwner } : {}), updatedAt: now }).where(eq(accounts.id, candidate.id));
      await tx.insert(crmLinks).values({ provider: 'hubspot', objectType: 'company', externalId: company.id, localId: candidate.id, remoteModifiedAt: company.modifiedAt, localSyncedAt: now });
      progress.companies.updated += 1;
      entry('updated', `linked to the account with domain ${company.domain}`);
      if (!matchedOwner && company.ownerEmail) entry('note', `HubSpot owner ${company.ownerEmail} has no Keypulse user: the account keeps its owner`);
      return candidate.id;
    }
    const ownerId = matchedOwner ?? owners.defaultOwner;
    if (!ownerId) {
      progress.companies.skipped += 1;
      entry(
        'skipped',
        company.ownerEmail
          ? `HubSpot owner ${company.ownerEmail} has no Keypulse user${owners.defaultOwnerEmail ? ` and the default owner ${owners.defaultOwnerEmail} is not an active manager or admin` : ', and no default owner is set'}`
          : `no HubSpot owner${owners.defaultOwnerEmail ? ` and the default owner ${owners.defaultOwnerEmail} is not an active manager or admin` : ', and no default owner is set'}`,
      );
      return null;
    }
    const [created] = await tx
      .insert(accounts)
      .values({ ...companyFields(company), ownerId, stage: 'customer', createdAt: now, updatedAt: now })
      .returning({ id: accounts.id });
    await tx.insert(crmLinks).values({ provider: 'hubspot', objectType: 'company', externalId: company.id, localId: created!.id, remoteModifiedAt: company.modifiedAt, localSyncedAt: now });
    progress.companies.created += 1;
    entry('created', null);
    if (!matchedOwner) entry('note', `${company.ownerEmail ? `HubSpot owner ${company.ownerEmail} has no Keypulse user` : 'no HubSpot owner'}: given to the default owner ${owners.defaultOwnerEmail}`);
    return created!.id;
  }

  const decision = decideCrmChange({
    remoteModifiedAt: company.modifiedAt,
    lastRemoteModifiedAt: link!.remoteModifiedAt,
    localUpdatedAt: account.updatedAt,
    localSyncedAt: link!.localSyncedAt,
  });
  if (decision === 'unchanged') {
    progress.companies.unchanged += 1;
  } else if (decision === 'keep_local') {
    await tx.update(crmLinks).set({ remoteModifiedAt: company.modifiedAt }).where(eq(crmLinks.id, link!.id));
    progress.companies.skipped += 1;
    entry('kept_local', 'edited in Keypulse after HubSpot’s last change: the most recent change wins');
  } else {
    const fields = { ...companyFields(company), ...(matchedOwner ? { ownerId: matchedOwner } : {}) };
    const same = (Object.keys(fields) as (keyof typeof fields)[]).every((k) => account[k] === fields[k]);
    if (!same) await tx.update(accounts).set({ ...fields, updatedAt: now }).where(eq(accounts.id, account.id));
    await tx.update(crmLinks).set({ remoteModifiedAt: company.modifiedAt, localSyncedAt: same ? link!.localSyncedAt : now }).where(eq(crmLinks.id, link!.id));
    if (same) progress.companies.unchanged += 1;
    else {
      progress.companies.updated += 1;
      entry('updated', null);
    }
    if (!matchedOwner && company.ownerEmail) entry('note', `HubSpot owner ${company.ownerEmail} has no Keypulse user: the account keeps its owner`);
  }
  return account.id;
}

function companyFields(company: CrmCompany) {
  return {
    name: company.name.slice(0, 200),
    domain: company.domain,
    industry: company.industry?.slice(0, 100) ?? null,
    annualRevenue: company.annualRevenue,
    renewalDate: company.renewalDate,
  };
}

/** HubSpot's `pt-br` → `pt-BR`; anything that is not a language tag → null (the contact keeps or gets `en`). */
function languageTag(value: string | null): string | null {
  if (!value || !/^[a-z]{2,3}([-_][a-z0-9]{2,8})*$/i.test(value)) return null;
  const [base, ...rest] = value.replace(/_/g, '-').split('-');
  return [base!.toLowerCase(), ...rest.map((p) => (p.length === 2 ? p.toUpperCase() : p))].join('-');
}

async function importContact(
  tx: Tx,
  now: Date,
  accountId: string,
  contact: CrmContact,
  progress: CrmSyncProgress,
  report: CrmReportEntry[],
  // The contacts phase meets again contacts the companies phase just read: they are not counted twice.
  options: { countUnchanged: boolean } = { countUnchanged: true },
) {
  const entry = (action: CrmReportEntry['action'], reason: string | null) =>
    note(report, { objectType: 'contact', externalId: contact.id, name: contact.name || null, action, reason });
  const skip = (reason: string) => {
    progress.contacts.skipped += 1;
    entry('skipped', reason);
  };
  if (!contact.email || !/^[^\s@]+@[^\s@]+$/.test(contact.email)) return skip('no valid email address in HubSpot');
  const fields = {
    name: (contact.name || contact.email).slice(0, 200),
    email: contact.email,
    title: contact.jobTitle?.slice(0, 200) ?? null,
    ...(languageTag(contact.language) ? { language: languageTag(contact.language)! } : {}),
  };

  const link = await getCrmLink(tx, 'contact', contact.id);
  let row = link ? (await tx.select().from(contacts).where(eq(contacts.id, link.localId)))[0] : undefined;
  if (row?.erasedAt) return skip('erased in Keypulse at the person’s request: never imported again');
  if (row?.deletedAt) return skip('removed in Keypulse');

  if (!row) {
    const [byEmail] = await tx
      .select()
      .from(contacts)
      .where(and(eq(contacts.accountId, accountId), sql`lower(${contacts.email}) = ${contact.email}`, isNull(contacts.deletedAt)));
    if (byEmail) {
      if (await getCrmLinkByLocal(tx, 'contact', byEmail.id)) return skip('the account’s contact with this email is linked to another HubSpot contact');
      if (byEmail.erasedAt) return skip('erased in Keypulse at the person’s request: never imported again');
      await tx.update(contacts).set({ ...fields, updatedAt: now }).where(eq(contacts.id, byEmail.id));
      await upsertContactLink(tx, link, contact, byEmail.id, now);
      progress.contacts.updated += 1;
      entry('updated', 'linked to the account’s contact with the same email');
      return;
    }
    const [erased] = rowsOf<{ erased: boolean }>(await tx.execute(sql`select ${isErasedAddress(sql`${contact.email}::text`)} as erased`));
    if (erased?.erased) return skip('this address belonged to a contact erased at their request: never imported again');
    const [created] = await tx
      .insert(contacts)
      // Keypulse-only fields start at neutral values; the account team sets level and buying role.
      .values({ accountId, ...fields, level: 'influencer', buyingRole: 'user', createdAt: now, updatedAt: now })
      .returning({ id: contacts.id });
    await upsertContactLink(tx, link, contact, created!.id, now);
    progress.contacts.created += 1;
    entry('created', null);
    return;
  }

  const decision = decideCrmChange({
    remoteModifiedAt: contact.modifiedAt,
    lastRemoteModifiedAt: link!.remoteModifiedAt,
    localUpdatedAt: row.updatedAt,
    localSyncedAt: link!.localSyncedAt,
  });
  if (decision === 'unchanged') {
    if (options.countUnchanged) progress.contacts.unchanged += 1;
    return;
  }
  if (decision === 'keep_local') {
    await tx.update(crmLinks).set({ remoteModifiedAt: contact.modifiedAt }).where(eq(crmLinks.id, link!.id));
    progress.contacts.skipped += 1;
    entry('kept_local', 'edited in Keypulse after HubSpot’s last change: the most recent change wins');
    return;
  }
  const same = row.name === fields.name && row.email.toLowerCase() === fields.email && row.title === fields.title && (!fields.language || row.language === fields.language);
  if (!same) {
    if (row.email.toLowerCase() !== fields.email) {
      const [clash] = await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.accountId, row.accountId), sql`lower(${contacts.email}) = ${fields.email}`, isNull(contacts.deletedAt)));
      if (clash) return skip('its new email belongs to another contact of the account');
    }
    await tx.update(contacts).set({ ...fields, updatedAt: now }).where(eq(contacts.id, row.id));
  }
  await tx.update(crmLinks).set({ remoteModifiedAt: contact.modifiedAt, localSyncedAt: same ? link!.localSyncedAt : now }).where(eq(crmLinks.id, link!.id));
  if (same) {
    if (options.countUnchanged) progress.contacts.unchanged += 1;
  } else {
    progress.contacts.updated += 1;
    entry('updated', null);
  }
}

async function upsertContactLink(tx: Tx, link: CrmLinkRow | undefined, contact: CrmContact, localId: string, now: Date) {
  if (link) {
    await tx.update(crmLinks).set({ localId, remoteModifiedAt: contact.modifiedAt, localSyncedAt: now }).where(eq(crmLinks.id, link.id));
  } else {
    await tx.insert(crmLinks).values({ provider: 'hubspot', objectType: 'contact', externalId: contact.id, localId, remoteModifiedAt: contact.modifiedAt, localSyncedAt: now });
  }
}

const hashOf = (properties: Record<string, string>) => createHash('sha256').update(JSON.stringify(properties)).digest('hex');
const day = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 10) : '');

/**
 * Writes NPS, risk and last survey date onto linked companies, and last score and date onto linked contacts — only
 * what changed since the last write (written_back_hash), in batches of WRITE_BATCH. Each batch's hashes are saved
 * after HubSpot accepted it, so a crash re-sends at most one batch (same values: harmless).
 */
async function writeBack(deps: AppDeps, crm: CrmAdapter, runId: string): Promise<{ companies: number; contacts: number }> {
  const { db, clock } = deps;
  const companyLinks = await listCrmLinks(db, 'company');
  const companyWrites: { link: CrmLinkRow; write: CrmWrite; hash: string }[] = [];
  for (let i = 0; i < companyLinks.length; i += 500) {
    const chunk = companyLinks.slice(i, i + 500);
    const ids = chunk.map((l) => l.localId);
    const assessed = new Map((await assessAccounts(deps, { ownerId: null, accountIds: ids })).map((a) => [a.account.id, a]));
    const lastSurvey = new Map(
      rowsOf<{ account_id: string; at: string | Date }>(
        await db.execute(sql`
          select account_id, max(${npsAnsweredAt}) as at from responses
          where nps_score is not null and account_id in (select unnest(${`{${ids.join(',')}}`}::uuid[]))
          group by account_id`),
      ).map((r) => [r.account_id, r.at]),
    );
    for (const link of chunk) {
      const a = assessed.get(link.localId);
      const properties = {
        keypulse_nps: a?.latest ? String(Math.round(a.latest.nps)) : '',
        keypulse_nps_responses: String(a?.latest?.responses ?? 0),
        keypulse_risk_level: a?.risk.level ?? '',
        keypulse_risk_reasons: a ? a.risk.reasons.map((r) => r.text).join('; ').slice(0, 1000) : '',
        keypulse_last_survey_date: day(lastSurvey.get(link.localId) ?? null),
      };
      const hash = hashOf(properties);
      if (hash !== link.writtenBackHash) companyWrites.push({ link, write: { id: link.externalId, properties }, hash });
    }
  }

  const contactLinks = await listCrmLinks(db, 'contact');
  const contactWrites: { link: CrmLinkRow; write: CrmWrite; hash: string }[] = [];
  for (let i = 0; i < contactLinks.length; i += 1000) {
    const chunk = contactLinks.slice(i, i + 1000);
    const ids = chunk.map((l) => l.localId);
    const last = new Map(
      rowsOf<{ contact_id: string; score: number; at: string | Date }>(
        await db.execute(sql`
          select distinct on (contact_id) contact_id, nps_score as score, ${npsAnsweredAt} as at from responses
          where nps_score is not null and contact_id in (select unnest(${`{${ids.join(',')}}`}::uuid[]))
          order by contact_id, ${npsAnsweredAt} desc`),
      ).map((r) => [r.contact_id, r]),
    );
    for (const link of chunk) {
      const l = last.get(link.localId);
      if (!l && !link.writtenBackHash) continue; // nothing to say, and nothing said before
      const properties = { keypulse_last_score: l ? String(l.score) : '', keypulse_last_score_date: day(l?.at ?? null) };
      const hash = hashOf(properties);
      if (hash !== link.writtenBackHash) contactWrites.push({ link, write: { id: link.externalId, properties }, hash });
    }
  }

  const send = async (list: typeof companyWrites, write: (w: CrmWrite[]) => Promise<{ id: string; modifiedAt: Date | null }[]>) => {
    let sent = 0;
    for (let i = 0; i < list.length; i += WRITE_BATCH) {
      const batch = list.slice(i, i + WRITE_BATCH);
      const results = new Map((await write(batch.map((b) => b.write))).map((r) => [r.id, r.modifiedAt]));
      await db.transaction(async (tx) => {
        for (const b of batch) await markWrittenBack(tx as unknown as Db, b.link.id, b.hash, clock.now(), results.get(b.write.id) ?? null);
        await tx.update(crmSyncRuns).set({ heartbeatAt: clock.now() }).where(eq(crmSyncRuns.id, runId));
      });
      sent += batch.length;
    }
    return sent;
  };
  return {
    companies: await send(companyWrites, (w) => crm.writeCompanies(w)),
    contacts: await send(contactWrites, (w) => crm.writeContacts(w)),
  };
}
