import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, contacts, importRuns, users } from '../schema/index.js';
import { erasedAmong } from './erased-emails.js';
import { chunks } from '../chunks.js';
import type { KnownAccount, KnownContact, KnownUser, PortfolioLookups, RowWrite } from '../../domain/portfolio-import.js';

/** Lookups go in slices: one statement per few thousand values stays far below PostgreSQL's parameter limit. */
const SLICE = 5000;
const slices = <T>(values: readonly T[]) => chunks(values, SLICE);
const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value]);

/**
 * Everything the plan needs about the file's owners, accounts and contacts, in a handful of queries whatever the
 * file's length: all accounts (whoever owns them: a manager's row that names another's account must be refused, not
 * duplicated), and the live contacts of the accounts found.
 */
export async function loadPortfolioLookups(
  db: Db,
  want: { ownerEmails: string[]; domains: string[]; names: string[]; contactEmails: string[] },
): Promise<PortfolioLookups> {
  const usersByEmail = new Map<string, KnownUser>();
  for (const part of slices(want.ownerEmails)) {
    const rows = await db
      .select({ id: users.id, email: users.email, role: users.role, disabled: users.disabled })
      .from(users)
      .where(inArray(sql`lower(${users.email})`, part));
    for (const u of rows) usersByEmail.set(u.email.toLowerCase(), u);
  }

  const accountColumns = {
    id: accounts.id,
    name: accounts.name,
    domain: accounts.domain,
    ownerId: accounts.ownerId,
    industry: accounts.industry,
    stage: accounts.stage,
    annualRevenue: accounts.annualRevenue,
    renewalDate: accounts.renewalDate,
  };
  const found = new Map<string, KnownAccount>();
  for (const part of slices(want.domains)) {
    for (const a of await db.select(accountColumns).from(accounts).where(inArray(accounts.domain, part))) found.set(a.id, a);
  }
  for (const part of slices(want.names)) {
    for (const a of await db.select(accountColumns).from(accounts).where(inArray(sql`lower(${accounts.name})`, part))) found.set(a.id, a);
  }
  const accountsByDomain = new Map<string, KnownAccount[]>();
  const accountsByName = new Map<string, KnownAccount[]>();
  for (const a of found.values()) {
    if (a.domain) push(accountsByDomain, a.domain, a);
    push(accountsByName, a.name.toLowerCase(), a);
  }

  const contactMap = new Map<string, KnownContact>();
  const accountIds = [...found.keys()];
  if (accountIds.length && want.contactEmails.length) {
    for (const ids of slices(accountIds)) {
      const rows = await db
        .select({
          id: contacts.id,
          accountId: contacts.accountId,
          email: contacts.email,
          name: contacts.name,
          title: contacts.title,
          language: contacts.language,
          level: contacts.level,
          buyingRole: contacts.buyingRole,
          relationshipStrength: contacts.relationshipStrength,
        })
        .from(contacts)
        .where(and(inArray(contacts.accountId, ids), isNull(contacts.deletedAt)));
      for (const c of rows) contactMap.set(`${c.accountId}|${c.email.toLowerCase()}`, c);
    }
  }

  const erased = await erasedAmong(db, want.contactEmails);
  return { usersByEmail, accountsByDomain, accountsByName, contacts: contactMap, erasedEmails: erased };
}

/**
 * Writes the planned rows of one batch: new accounts and new contacts each in one multi-row insert, then the changes
 * to existing ones (only rows that change something get here). Run inside the batch's transaction.
 */
export async function writePortfolioBatch(tx: Db, writes: RowWrite[], now: Date): Promise<void> {
  const newAccounts = writes.flatMap((w) => (w.createAccount ? [w.createAccount] : []));
  if (newAccounts.length) {
    await tx.insert(accounts).values(
      newAccounts.map((a) => ({ ...a, stage: a.stage as typeof accounts.$inferInsert.stage, createdAt: now, updatedAt: now })),
    );
  }
  for (const w of writes) {
    if (w.updateAccount) {
      const { stage, ...rest } = w.updateAccount.changes;
      await tx
        .update(accounts)
        .set({ ...rest, ...(stage ? { stage: stage as typeof accounts.$inferInsert.stage } : {}), updatedAt: now })
        .where(eq(accounts.id, w.updateAccount.id));
    }
  }
  const newContacts = writes.flatMap((w) => (w.createContact ? [w.createContact] : []));
  if (newContacts.length) {
    await tx.insert(contacts).values(
      newContacts.map((c) => ({
        ...c,
        level: c.level as typeof contacts.$inferInsert.level,
        buyingRole: c.buyingRole as typeof contacts.$inferInsert.buyingRole,
        createdAt: now,
        updatedAt: now,
      })),
    );
  }
  for (const w of writes) {
    if (w.updateContact) {
      const { level, buyingRole, ...rest } = w.updateContact.changes;
      await tx
        .update(contacts)
        .set({
          ...rest,
          ...(level ? { level: level as typeof contacts.$inferInsert.level } : {}),
          ...(buyingRole ? { buyingRole: buyingRole as typeof contacts.$inferInsert.buyingRole } : {}),
          updatedAt: now,
        })
        .where(eq(contacts.id, w.updateContact.id));
    }
  }
}

/** The record of a finished import (not of a dry run, which writes nothing). */
export async function insertPortfolioImportRun(
  db: Db,
  values: { userId: string; fileName: string | null; fileHash: string | null; summary: Record<string, number>; startedAt: Date; finishedAt: Date },
): Promise<string> {
  const [row] = await db
    .insert(importRuns)
    .values({
      source: 'portfolio',
      userId: values.userId,
      fileName: values.fileName,
      fileHash: values.fileHash,
      dryRun: false,
      summary: values.summary,
      createdAt: values.startedAt,
      finishedAt: values.finishedAt,
    })
    .returning({ id: importRuns.id });
  return row!.id;
}
