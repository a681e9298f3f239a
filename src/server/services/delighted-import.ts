import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accounts, campaigns, contacts, importRuns, invitations, responses, surveys, surveyVersions } from '../db/schema/index.js';
import { erasedAmong } from '../db/queries/erased-emails.js';
import { chunks } from '../db/chunks.js';
import {
  checkResponse,
  contactNameOf,
  DelightedRowError,
  domainOf,
  findProperty,
  fromCsvRow,
  fromJsonObject,
  missingColumns,
  languageOf,
  surveyTypeOf,
  type DelightedResponse,
  type RawDelighted,
} from '../domain/delighted-import.js';
import type {
  DelightedFileKind,
  DelightedImportQuery,
  DelightedImportResult,
  DelightedImportRow,
  DelightedImportSummary,
} from '../../shared/schemas/delighted-import.js';
import type { Answers } from '../../shared/schemas/survey.js';

/**
 * Imports a Delighted export as historical answers. How the answers are kept honest:
 * - they go into one campaign per installation and survey type (`imported_from = 'delighted'`, status closed,
 *   the built-in NPS survey), never sent by Keypulse, hidden from the campaign list and from every figure that
 *   is about Keypulse's own sending (response rates, "surveyed recently", the risk report's waves);
 * - each answer has its own invitation (status sent, no link token, sent and answered at the original time): a
 *   person's k-th imported answer is wave k of that campaign, as the (campaign, wave, contact) key needs;
 * - the response keeps its original time, the score and the comment, `imported_from` and Delighted's id (unique
 *   together, so a second import of the same file skips them), and is marked as already seen by the follow-up
 *   rules, so no task is raised for a years-old answer; no outgoing event is recorded for it.
 *
 * The whole import runs in one transaction, behind an advisory lock so two imports at once cannot create the same
 * account, contact or campaign twice. Every check that can fail a row (its values, its account, an erased person)
 * runs before anything is written for it, so a bad row writes nothing; the rest is written set by set with
 * multi-row inserts (10,000 answers: seconds, not minutes). A crash rolls everything back, and the next run does
 * it all again. A dry run does exactly the same and rolls back, so its report is the real one.
 */

export class DelightedFileError extends Error {}

export const IMPORTED_FROM = 'delighted';

export interface DelightedFiles {
  responses: File;
  people?: File;
  unsubscribes?: File;
  bounces?: File;
}

interface Parsed {
  line: number | null;
  index: number | null;
  raw: RawDelighted | null;
  error: string | null;
}

const isJson = (file: File, head: string) =>
  /json/i.test(file.type) || /\.json$/i.test(file.name) || /^\s*[[{]/.test(head);

/**
 * The records of one file. CSV is read as a stream with csv-parse (BOMs, quoting, CRLF, ragged rows); JSON is
 * Delighted's API array, or an object holding one array (`{ "survey_responses": [...] }` as some scripts saved it).
 */
async function* readRecords(kind: DelightedFileKind, file: File): AsyncGenerator<Parsed> {
  const head = await file.slice(0, 64).text();
  if (isJson(file, head)) {
    let data: unknown;
    try {
      data = JSON.parse(await file.text());
    } catch {
      throw new DelightedFileError(`the ${kind} file is not valid JSON`);
    }
    if (data && typeof data === 'object' && !Array.isArray(data)) {
      data = Object.values(data).find(Array.isArray);
    }
    if (!Array.isArray(data)) throw new DelightedFileError(`the ${kind} file must hold a JSON array`);
    for (const [index, item] of data.entries()) {
      try {
        yield { line: null, index, raw: fromJsonObject(item), error: null };
      } catch (error) {
        if (!(error instanceof DelightedRowError)) throw error;
        yield { line: null, index, raw: null, error: error.message };
      }
    }
    return;
  }
  let missing: string | null = null;
  const columns = (h: string[]) => {
    const headers = h.map((x) => x.trim());
    missing = missingColumns(kind, headers);
    return headers;
  };
  const parser = Readable.fromWeb(file.stream() as import('node:stream/web').ReadableStream).pipe(
    parseCsv({ columns, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false, info: true }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      if (missing) break;
      yield { line: info.lines, index: null, raw: fromCsvRow(record), error: null };
    }
  } catch (error) {
    if (missing) throw new DelightedFileError(`the ${kind} file has no ${missing}: is it Delighted's ${kind} export?`);
    const where = (error as { lines?: number }).lines;
    throw new DelightedFileError(`the ${kind} file is not valid CSV${where ? ` (line ${where})` : ''}: ${(error as Error).message.split(':')[0]}`);
  }
  if (missing) throw new DelightedFileError(`the ${kind} file has no ${missing}: is it Delighted's ${kind} export?`);
}

const emptySummary = (): DelightedImportSummary => ({
  responsesCreated: 0,
  responsesSkipped: 0,
  accountsCreated: 0,
  contactsCreated: 0,
  contactsUnsubscribed: 0,
  contactsBounced: 0,
  errors: 0,
});

class Rollback extends Error {}

export interface DelightedImportOptions extends DelightedImportQuery {
  /** The user who runs the import (campaign creator, default owner). */
  userId: string;
  /** The owner of new accounts, resolved by the route. */
  ownerId: string;
  now: Date;
}

export async function importDelighted(db: Db, files: DelightedFiles, options: DelightedImportOptions): Promise<DelightedImportResult> {
  const rows: DelightedImportRow[] = [];
  const summary = emptySummary();
  const report = (file: DelightedFileKind, p: { line: number | null; index: number | null }, status: DelightedImportRow['status'], externalId: string | null, reason: string | null) => {
    rows.push({ file, line: p.line, index: p.index, status, externalId, reason });
    if (status === 'error') summary.errors++;
  };

  // 1. Read everything first: people (by Delighted id and email), who unsubscribed or bounced, the responses.
  const people: { p: Parsed; raw: RawDelighted }[] = [];
  const peopleById = new Map<string, RawDelighted>();
  const peopleByEmail = new Map<string, RawDelighted>();
  if (files.people) {
    for await (const p of readRecords('people', files.people)) {
      if (!p.raw) {
        report('people', p, 'error', null, p.error);
        continue;
      }
      const email = p.raw.email?.toLowerCase() ?? null;
      if (!email) {
        report('people', p, 'error', p.raw.id, 'the person has no email');
        continue;
      }
      // The people export names its id "Person ID" (CSV) or `id` (API).
      const raw = { ...p.raw, id: p.raw.id ?? p.raw.personId, email };
      people.push({ p, raw });
      if (raw.id) peopleById.set(raw.id, raw);
      peopleByEmail.set(email, raw);
    }
  }
  const optOuts = { unsubscribes: [] as { p: Parsed; email: string | null }[], bounces: [] as { p: Parsed; email: string | null }[] };
  const unsubscribed = new Set<string>();
  const bounced = new Set<string>();
  for (const kind of ['unsubscribes', 'bounces'] as const) {
    const file = files[kind];
    if (!file) continue;
    for await (const p of readRecords(kind, file)) {
      const email = (p.raw?.email ?? (p.raw?.personId ? peopleById.get(p.raw.personId)?.email : null) ?? null)?.toLowerCase() ?? null;
      optOuts[kind].push({ p, email });
      if (email) (kind === 'unsubscribes' ? unsubscribed : bounced).add(email);
    }
  }
  const answers: { p: Parsed; value: DelightedResponse }[] = [];
  const seen = new Set<string>();
  const responsesHash = createHash('sha256');
  responsesHash.update(new Uint8Array(await files.responses.arrayBuffer()));
  for await (const p of readRecords('responses', files.responses)) {
    if (!p.raw) {
      report('responses', p, 'error', null, p.error);
      continue;
    }
    const type = surveyTypeOf(p.raw);
    if (type !== 'nps') {
      report('responses', p, 'skipped', p.raw.id, type.skip);
      summary.responsesSkipped++;
      continue;
    }
    try {
      const person = (p.raw.personId ? peopleById.get(p.raw.personId) : undefined) ?? (p.raw.email ? peopleByEmail.get(p.raw.email.toLowerCase()) : undefined);
      const value = checkResponse(p.raw, person, options.now);
      if (seen.has(value.id)) {
        report('responses', p, 'skipped', value.id, 'the same response id appears earlier in the file');
        summary.responsesSkipped++;
        continue;
      }
      seen.add(value.id);
      // The person's properties fill in what the response row does not carry (the people file is the latest state).
      value.properties = { ...(person?.properties ?? {}), ...value.properties };
      answers.push({ p, value });
    } catch (error) {
      if (!(error instanceof DelightedRowError)) throw error;
      report('responses', p, 'error', p.raw.id, error.message);
    }
  }

  // 2. Write (or try to, on a dry run) in one transaction, set by set: every check that can fail a row runs
  // before anything is written for it, then accounts, contacts, invitations and answers go in as multi-row inserts.
  const npsSurvey = await latestNpsVersion(db);
  try {
    await db.transaction(async (txn) => {
      const tx = txn as unknown as Db;
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('keypulse:delighted-import'))`);

      type Row = { file: 'people' | 'responses'; p: Parsed; id: string | null; email: string; name: string | null; properties: Record<string, string>; value?: DelightedResponse; key?: string; error?: string };
      const done = await importedIds(tx, answers.map((a) => a.value.id));
      const work: Row[] = [
        ...people.map(({ p, raw }) => ({ file: 'people' as const, p, id: raw.id, email: raw.email!, name: raw.name, properties: raw.properties })),
        ...answers.flatMap(({ p, value }) => {
          if (!done.has(value.id)) return [{ file: 'responses' as const, p, id: value.id, email: value.email, name: value.name, properties: value.properties, value }];
          report('responses', p, 'skipped', value.id, 'imported before');
          summary.responsesSkipped++;
          return [];
        }),
      ];

      // Which account: a property's value or the email's domain.
      const byDomain = options.mapBy === 'domain';
      for (const row of work) {
        const key = byDomain ? domainOf(row.email) : findProperty(row.properties, options.property);
        if (!key) row.error = `the person has no "${options.property}" property to find their account by`;
        else if (key.length > 200) row.error = `the "${options.property}" property is longer than 200 characters`;
        else row.key = key;
      }
      // Erased people stay erased: nothing of theirs comes back.
      const erased = await erasedAmong(tx, [...new Set(work.filter((r) => !r.error).map((r) => r.email))]);
      for (const row of work) if (!row.error && erased.has(row.email)) row.error = 'this person was erased from Keypulse on request: nothing of theirs is imported';

      // Accounts: found by name or domain (ignoring case), else created when allowed.
      const keys = new Map<string, string>(); // lower-cased key → key as first written
      for (const row of work) if (!row.error) keys.set(row.key!.toLowerCase(), keys.get(row.key!.toLowerCase()) ?? row.key!);
      const accountOf = await findAccounts(tx, byDomain, [...keys.keys()]);
      const missing = [...keys].filter(([lower]) => !accountOf.has(lower));
      if (options.createAccounts) {
        for (const slice of chunks(missing, 1000)) {
          const created = await tx
            .insert(accounts)
            .values(slice.map(([lower, key]) => ({ name: key, domain: byDomain ? lower : null, ownerId: options.ownerId, createdAt: options.now, updatedAt: options.now })))
            .returning({ id: accounts.id, name: accounts.name, domain: accounts.domain });
          for (const a of created) accountOf.set((byDomain ? a.domain! : a.name).toLowerCase(), a.id);
          summary.accountsCreated += created.length;
        }
      }
      for (const row of work) {
        if (row.error || accountOf.has(row.key!.toLowerCase())) continue;
        row.error = byDomain ? `no account has the domain ${row.key}` : `no account is named "${row.key}"`;
      }

      // Contacts: one per account and email; a new one takes its name and language from its first row.
      const pairKey = (accountId: string, email: string) => `${accountId}:${email}`;
      const wanted = new Map<string, { accountId: string; email: string; name: string | null; properties: Record<string, string> }>();
      for (const row of work) {
        if (row.error) continue;
        const accountId = accountOf.get(row.key!.toLowerCase())!;
        const k = pairKey(accountId, row.email);
        const known = wanted.get(k);
        if (!known) wanted.set(k, { accountId, email: row.email, name: row.name, properties: row.properties });
        else if (!known.name && row.name) known.name = row.name;
      }
      const contactOf = await findContacts(tx, [...wanted.values()]);
      const createdContacts = new Set<string>();
      const toCreate = [...wanted].filter(([k]) => !contactOf.has(k)).map(([, c]) => c);
      for (const slice of chunks(toCreate, 1000)) {
        const created = await tx
          .insert(contacts)
          .values(
            slice.map((c) => ({
              accountId: c.accountId,
              name: contactNameOf(c.name, c.email),
              email: c.email,
              language: languageOf(c.properties),
              // Delighted knew nothing of decision levels or buying roles: the plainest values, for the team to correct.
              level: 'influencer' as const,
              buyingRole: 'user' as const,
              unsubscribed: unsubscribed.has(c.email),
              bounced: bounced.has(c.email),
              createdAt: options.now,
              updatedAt: options.now,
            })),
          )
          // Someone adding the same contact by hand meanwhile wins; the answers then go to theirs.
          .onConflictDoNothing()
          .returning({ id: contacts.id, accountId: contacts.accountId, email: contacts.email, language: contacts.language });
        for (const c of created) {
          const k = pairKey(c.accountId, c.email.toLowerCase());
          contactOf.set(k, { id: c.id, language: c.language });
          createdContacts.add(k);
        }
        summary.contactsCreated += created.length;
      }
      if (toCreate.some((c) => !contactOf.has(pairKey(c.accountId, c.email)))) {
        for (const [k, c] of await findContacts(tx, toCreate.filter((c) => !contactOf.has(pairKey(c.accountId, c.email))))) contactOf.set(k, c);
      }
      const createdEmails = new Set([...createdContacts].map((k) => k.slice(k.indexOf(':') + 1)));

      // The people file's rows: created when the row brought the contact in.
      const reported = new Set<string>();
      for (const row of work) {
        if (row.file !== 'people') continue;
        if (row.error) {
          report('people', row.p, 'error', row.id, row.error);
          continue;
        }
        const k = pairKey(accountOf.get(row.key!.toLowerCase())!, row.email);
        const first = createdContacts.has(k) && !reported.has(k);
        reported.add(k);
        report('people', row.p, first ? 'created' : 'skipped', row.id, first ? null : 'already a contact of this account');
      }

      // The answers: one invitation each (a person's k-th imported answer is wave k of the import campaign).
      const ready = work.filter((r) => r.file === 'responses');
      for (const row of ready) if (row.error) report('responses', row.p, 'error', row.id, row.error);
      const good = ready.filter((r) => !r.error);
      if (good.length) {
        const earliest = new Date(Math.min(...good.map((r) => r.value!.createdAt.getTime())));
        const campaignId = await importCampaign(tx, npsSurvey, earliest, options);
        const waves = await lastWaves(tx, campaignId, [...new Set(good.map((r) => contactOf.get(pairKey(accountOf.get(r.key!.toLowerCase())!, r.email))!.id))]);
        // Oldest first, so a person's waves follow their answers in time (within this import).
        const ordered = [...good].sort((a, b) => a.value!.createdAt.getTime() - b.value!.createdAt.getTime());
        for (const slice of chunks(ordered, 500)) {
          const planned = slice.map((row) => {
            const accountId = accountOf.get(row.key!.toLowerCase())!;
            const contact = contactOf.get(pairKey(accountId, row.email))!;
            const wave = (waves.get(contact.id) ?? 0) + 1;
            waves.set(contact.id, wave);
            return { row, accountId, contact, wave, at: row.value!.createdAt };
          });
          const inserted = await tx
            .insert(invitations)
            .values(
              planned.map((x) => ({
                campaignId,
                wave: x.wave,
                accountId: x.accountId,
                contactId: x.contact.id,
                email: x.row.email,
                language: x.contact.language,
                status: 'sent' as const,
                sentAt: x.at,
                lastSentAt: x.at,
                respondedAt: x.at,
                createdAt: x.at,
              })),
            )
            .returning({ id: invitations.id, contactId: invitations.contactId, wave: invitations.wave });
          const invitationOf = new Map(inserted.map((i) => [`${i.contactId}:${i.wave}`, i.id]));
          const written = await tx
            .insert(responses)
            .values(
              planned.map((x) => ({
                invitationId: invitationOf.get(`${x.contact.id}:${x.wave}`)!,
                campaignId,
                surveyId: npsSurvey.surveyId,
                surveyVersionId: npsSurvey.versionId,
                accountId: x.accountId,
                contactId: x.contact.id,
                language: x.contact.language,
                answers: { nps: x.row.value!.score, ...(x.row.value!.comment ? { reason: x.row.value!.comment } : {}) } as Answers,
                npsScore: x.row.value!.score,
                startedAt: x.at,
                updatedAt: x.at,
                completedAt: x.at,
                // Seen by the follow-up rules already: a historical answer raises no task.
                rulesEvaluatedAt: options.now,
                importedFrom: IMPORTED_FROM,
                externalId: x.row.value!.id,
              })),
            )
            .returning({ id: responses.id });
          // Imports take turns (the advisory lock) and ids already here were skipped, so every answer is new.
          if (written.length !== planned.length) throw new Error('imported answers collided with existing ones');
          for (const x of planned) report('responses', x.row.p, 'created', x.row.value!.id, null);
          summary.responsesCreated += planned.length;
        }
      }

      // Contacts that were here before the import and said no to Delighted say no here too.
      for (const kind of ['unsubscribes', 'bounces'] as const) {
        for (const { p, email } of optOuts[kind]) {
          if (!email) {
            report(kind, p, 'error', p.raw?.personId ?? null, p.raw ? 'no email (or a person id the people file knows)' : p.error);
            continue;
          }
          const column = kind === 'unsubscribes' ? contacts.unsubscribed : contacts.bounced;
          const changed = await tx
            .update(contacts)
            .set(kind === 'unsubscribes' ? { unsubscribed: true, updatedAt: options.now } : { bounced: true, updatedAt: options.now })
            .where(and(sql`lower(${contacts.email}) = ${email}`, isNull(contacts.deletedAt), eq(column, false)))
            .returning({ id: contacts.id });
          if (kind === 'unsubscribes') summary.contactsUnsubscribed += changed.length;
          else summary.contactsBounced += changed.length;
          report(
            kind,
            p,
            changed.length ? 'updated' : 'skipped',
            p.raw?.personId ?? null,
            changed.length
              ? null
              : createdEmails.has(email)
                ? `already ${kind === 'unsubscribes' ? 'unsubscribed' : 'bounced'}: this import created the contact so`
                : 'no contact with this email, or already marked',
          );
        }
      }
      if (options.dryRun) throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }

  const [run] = await db
    .insert(importRuns)
    .values({
      source: IMPORTED_FROM,
      userId: options.userId,
      fileName: files.responses.name.slice(0, 255) || null,
      fileHash: responsesHash.digest('hex'),
      dryRun: options.dryRun,
      summary,
      createdAt: options.now,
      finishedAt: options.now,
    })
    .returning({ id: importRuns.id });
  rows.sort((a, b) => fileOrder.indexOf(a.file) - fileOrder.indexOf(b.file) || (a.line ?? a.index ?? 0) - (b.line ?? b.index ?? 0));
  return { dryRun: options.dryRun, runId: run!.id, summary, rows };
}

const fileOrder: DelightedFileKind[] = ['responses', 'people', 'unsubscribes', 'bounces'];

async function latestNpsVersion(db: Db) {
  const [row] = await db
    .select({ surveyId: surveys.id, versionId: surveyVersions.id })
    .from(surveys)
    .innerJoin(surveyVersions, eq(surveyVersions.surveyId, surveys.id))
    .where(eq(surveys.templateKey, 'nps'))
    .orderBy(desc(surveyVersions.version))
    .limit(1);
  if (!row) throw new Error('the built-in NPS survey is missing');
  return row;
}

/** Which of these Delighted response ids are already here (asked in slices, so a big file is not one huge IN list). */
async function importedIds(db: Db, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const slice of chunks(ids, 1000)) {
    const rows = await db
      .select({ id: responses.externalId })
      .from(responses)
      .where(and(eq(responses.importedFrom, IMPORTED_FROM), inArray(responses.externalId, slice)));
    for (const r of rows) found.add(r.id!);
  }
  return found;
}


/** Accounts by lower-cased name or domain; the live one first, then the oldest. */
async function findAccounts(db: Db, byDomain: boolean, keys: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const column = byDomain ? sql`lower(${accounts.domain})` : sql`lower(${accounts.name})`;
  for (const slice of chunks(keys, 1000)) {
    const rows = await db
      .select({ id: accounts.id, key: sql<string>`${column}` })
      .from(accounts)
      .where(inArray(column, slice))
      .orderBy(desc(accounts.archived), desc(accounts.createdAt));
    // Ordered so the preferred account of each key comes last and wins.
    for (const r of rows) found.set(r.key, r.id);
  }
  return found;
}

/** Live contacts by account and lower-cased email, keyed `accountId:email`. */
async function findContacts(db: Db, wanted: { accountId: string; email: string }[]): Promise<Map<string, { id: string; language: string }>> {
  const found = new Map<string, { id: string; language: string }>();
  for (const slice of chunks(wanted, 1000)) {
    const rows = await db
      .select({ id: contacts.id, accountId: contacts.accountId, email: sql<string>`lower(${contacts.email})`, language: contacts.language })
      .from(contacts)
      .where(and(inArray(contacts.accountId, [...new Set(slice.map((w) => w.accountId))]), inArray(sql`lower(${contacts.email})`, slice.map((w) => w.email)), isNull(contacts.deletedAt)));
    for (const r of rows) found.set(`${r.accountId}:${r.email}`, { id: r.id, language: r.language });
  }
  return found;
}

/** The installation's campaign for answers imported from Delighted with this survey; made on first use. */
async function importCampaign(db: Db, survey: { surveyId: string; versionId: string }, earliest: Date, options: DelightedImportOptions): Promise<string> {
  const [found] = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.importedFrom, IMPORTED_FROM), eq(campaigns.surveyId, survey.surveyId)))
    .orderBy(asc(campaigns.createdAt))
    .limit(1);
  if (found) {
    await db.update(campaigns).set({ sendAt: sql`least(${campaigns.sendAt}, ${earliest.toISOString()}::timestamptz)` }).where(eq(campaigns.id, found.id));
    return found.id;
  }
  const [created] = await db
    .insert(campaigns)
    .values({
      name: 'Delighted NPS (imported)',
      surveyId: survey.surveyId,
      surveyVersionId: survey.versionId,
      createdBy: options.userId,
      audience: { accountIds: [], contactIds: [], levels: [], buyingRoles: [] },
      status: 'closed',
      sendAt: earliest,
      importedFrom: IMPORTED_FROM,
      createdAt: options.now,
      updatedAt: options.now,
    })
    .returning({ id: campaigns.id });
  return created!.id;
}

/** Each contact's last wave in the import campaign (their answers imported so far). */
async function lastWaves(db: Db, campaignId: string, contactIds: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const slice of chunks(contactIds, 1000)) {
    const rows = await db
      .select({ contactId: invitations.contactId, wave: sql<number>`max(${invitations.wave})::int` })
      .from(invitations)
      .where(and(eq(invitations.campaignId, campaignId), inArray(invitations.contactId, slice)))
      .groupBy(invitations.contactId);
    for (const r of rows) found.set(r.contactId, Number(r.wave));
  }
  return found;
}
