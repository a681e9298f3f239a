import { Hono, type Context } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { accountFinder } from '../domain/csv-import.js';
import { invalid, notFound, AppError } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth, requireRole } from '../http/auth.js';
import { csvRequestBody, parseCsvUpload } from '../http/csv-upload.js';
import { audit } from '../http/audit.js';
import { loadAccountFor } from '../http/access.js';
import { accountOwnerScope, canEditAccount, canViewAccount } from '../domain/permissions.js';
import { parseTouchpointImport, touchpointKey } from '../domain/touchpoint-import.js';
import { listImportableAccounts } from '../db/queries/account-values.js';
import { wallClockIn } from '../domain/business-days.js';
import { peopleFreshness } from '../domain/touchpoints.js';
import type { Db } from '../db/client.js';
import { createTask } from '../db/queries/tasks.js';
import { listContacts } from '../db/queries/contacts.js';
import {
  deleteTouchpointRow,
  findAccountContacts,
  findActiveUsers,
  findContactsByEmail,
  listTouchpointsOn,
  getTouchpointWithOwner,
  insertTouchpoint,
  listTouchpoints,
  listTouchRecords,
  toTouchpoint,
  updateTouchpointRow,
  userNames,
  contactNames,
  listFollowUpTasks,
} from '../db/queries/touchpoints.js';
import { recordTaskEvent } from '../integrations/webhook-events.js';
import { nudgeDeliveries } from '../integrations/delivery/engine.js';
import { IdParams } from '../../shared/schemas/common.js';
import {
  CreateTouchpoint,
  PeopleFreshness,
  Touchpoint,
  TouchpointImportQuery,
  TouchpointImportResult,
  TouchpointListQuery,
  TouchpointPage,
  UpdateTouchpoint,
  type TouchpointImportRow,
} from '../../shared/schemas/touchpoint.js';

const unique = <T>(items: T[]) => [...new Set(items)];

/**
 * The people present, checked: contacts must be live contacts of this account, users active users. Ids and
 * emails may be mixed; anything unknown is refused naming it, so a typo never silently drops a person.
 */
async function resolvePeople(
  db: Db,
  accountId: string,
  given: { contactIds?: string[]; contactEmails?: string[]; userIds?: string[]; userEmails?: string[] },
): Promise<{ contactIds?: string[]; userIds?: string[] }> {
  const out: { contactIds?: string[]; userIds?: string[] } = {};
  if (given.contactIds || given.contactEmails) {
    const ids = unique(given.contactIds ?? []);
    const emails = unique(given.contactEmails ?? []);
    const found = await findAccountContacts(db, accountId, ids, emails);
    const byEmail = new Map(found.map((f) => [f.email.toLowerCase(), f.id]));
    const foundIds = new Set(found.map((f) => f.id));
    const missingId = ids.find((id) => !foundIds.has(id));
    if (missingId) throw invalid('contactIds', `include ${missingId}, which is not a contact of this account`);
    const missingEmail = emails.find((e) => !byEmail.has(e));
    if (missingEmail) throw invalid('contactEmails', `include ${missingEmail}, which is not a contact of this account`);
    out.contactIds = unique([...ids, ...emails.map((e) => byEmail.get(e)!)]);
  }
  if (given.userIds || given.userEmails) {
    const ids = unique(given.userIds ?? []);
    const emails = unique(given.userEmails ?? []);
    const found = await findActiveUsers(db, ids, emails);
    const byEmail = new Map(found.map((f) => [f.email.toLowerCase(), f.id]));
    const foundIds = new Set(found.map((f) => f.id));
    const missingId = ids.find((id) => !foundIds.has(id));
    if (missingId) throw invalid('userIds', `include ${missingId}, which is not an active user`);
    const missingEmail = emails.find((e) => !byEmail.has(e));
    if (missingEmail) throw invalid('userEmails', `include ${missingEmail}, which is not an active user`);
    out.userIds = unique([...ids, ...emails.map((e) => byEmail.get(e)!)]);
  }
  return out;
}

/** A touchpoint on an account the caller sees (404 otherwise) and, for 'edit', may change. */
async function loadTouchpointFor(c: Context<AppEnv>, id: string, mode: 'view' | 'edit') {
  const { user } = requireAuth(c);
  const found = await getTouchpointWithOwner(c.var.deps.db, id);
  if (!found || !canViewAccount(user, { ownerId: found.ownerId })) throw notFound('touchpoint');
  if (mode === 'edit' && !canEditAccount(user, { ownerId: found.ownerId })) throw new AppError('forbidden', 'your role can read this but not change it');
  return found.touchpoint;
}

function today(now: Date, timeZone: string): string {
  const w = wallClockIn(now, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** A touchpoint is logged once it has happened: a date after today (the company's calendar) is refused. */
function assertNotFuture(c: Context<AppEnv>, occurredOn: string | undefined): void {
  const { clock, config } = c.var.deps;
  if (occurredOn && occurredOn > today(clock.now(), config.timeZone)) throw invalid('occurredOn', 'is in the future: log a touchpoint once it has happened');
}

const detailsOf = (t: { accountId: string; kind: string; occurredOn: string; contactIds: string[]; userIds: string[] }) => ({
  accountId: t.accountId,
  kind: t.kind,
  occurredOn: t.occurredOn,
  contacts: t.contactIds.length,
  colleagues: t.userIds.length,
});

export const touchpointRoutes = new Hono<AppEnv>()
  .get(
    '/accounts/:id/touchpoints',
    describe({
      summary: "An account's touchpoints (meetings, calls, visits, QBRs, social events, email threads), newest first",
      description: 'Each with the people present on both sides by name and the follow-up tasks logged with it.',
      tags: ['Touchpoints'],
      responses: { 200: TouchpointPage },
    }),
    valid('param', IdParams),
    valid('query', TouchpointListQuery),
    async (c) => {
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const { db } = c.var.deps;
      const page = await listTouchpoints(db, account.id, c.req.valid('query'));
      const [theirs, ours, followUps] = await Promise.all([
        contactNames(db, unique(page.data.flatMap((t) => t.contactIds))),
        userNames(db, unique(page.data.flatMap((t) => t.userIds))),
        listFollowUpTasks(db, page.data),
      ]);
      const named = (ids: string[], names: Map<string, string>, unknown: string) => ids.map((id) => ({ id, name: names.get(id) ?? unknown }));
      return c.json({
        ...page,
        data: page.data.map((t) => ({
          ...toTouchpoint(t),
          contacts: named(t.contactIds, theirs, 'A former contact'),
          users: named(t.userIds, ours, 'A former colleague'),
          followUps: followUps.get(t.id) ?? [],
        })),
      });
    },
  )
  .post(
    '/accounts/:id/touchpoints',
    describe({
      summary: 'Log a touchpoint with an account',
      description:
        'Their people present by `contactIds` or `contactEmails` (contacts of this account), ours by `userIds` or ' +
        '`userEmails` (active users): a calendar or CRM integration can post with an API key of scope ' +
        '`touchpoints:write` (which can do nothing else) and give people by email. Unknown people are refused (400, validation_failed) and ' +
        'nothing is written. `followUps` (title and due date) become tasks on the account for its manager.',
      tags: ['Touchpoints'],
      responses: { 201: Touchpoint },
    }),
    valid('param', IdParams),
    valid('json', CreateTouchpoint),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      assertNotFuture(c, body.occurredOn);
      const people = await resolvePeople(db, account.id, body);
      const now = clock.now();
      const result = await db.transaction(async (tx) => {
        const row = await insertTouchpoint(
          tx,
          { accountId: account.id, occurredOn: body.occurredOn, kind: body.kind, notes: body.notes || null, contactIds: people.contactIds ?? [], userIds: people.userIds ?? [], createdBy: user.id },
          now,
        );
        const taskIds: string[] = [];
        for (const action of body.followUps) {
          const task = await createTask(
            tx,
            { accountId: account.id, title: action.title, priority: 'normal', assigneeId: account.ownerId, createdBy: user.id, touchpointId: row.id, dueAt: new Date(`${action.dueAt}T17:00:00Z`) },
            now,
          );
          taskIds.push(task.id);
          await recordTaskEvent(tx, 'task.created', task.id, c.var.deps.config.publicUrl, now);
        }
        await audit(c, 'touchpoint.created', { type: 'touchpoint', id: row.id }, { ...detailsOf(row), followUps: taskIds.length }, { db: tx });
        return { ...toTouchpoint(row), taskIds };
      });
      if (result.taskIds.length) await nudgeDeliveries(c.var.deps);
      return c.json(result, 201);
    },
  )
  .get(
    '/accounts/:id/people-freshness',
    describe({
      summary: "The people map seen through the touchpoints: each contact's last touch, who holds the relationship, and a freshness mark",
      description: 'green: touched within `amberAfterDays` (KEYPULSE_TOUCH_AMBER_DAYS, 90), amber within `redAfterDays` (KEYPULSE_TOUCH_RED_DAYS, 180), red beyond or never.',
      tags: ['Touchpoints'],
      responses: { 200: PeopleFreshness },
    }),
    valid('param', IdParams),
    async (c) => {
      const { db, clock, config } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const [people, touches] = await Promise.all([listContacts(db, account.id, { page: 1, pageSize: 1000 }), listTouchRecords(db, [account.id])]);
      const names = await userNames(db, unique(touches.flatMap((t) => t.userIds)));
      const contacts = peopleFreshness(people.data.map((p) => p.id), touches, today(clock.now(), config.timeZone), names, config.touchFreshness);
      return c.json({ ...config.touchFreshness, contacts } satisfies PeopleFreshness);
    },
  )
  .patch(
    '/touchpoints/:id',
    describe({ summary: 'Correct a touchpoint: date, kind, notes, people present', tags: ['Touchpoints'], responses: { 200: Touchpoint } }),
    valid('param', IdParams),
    valid('json', UpdateTouchpoint),
    async (c) => {
      const { db, clock } = c.var.deps;
      const found = await loadTouchpointFor(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      assertNotFuture(c, body.occurredOn);
      const people = await resolvePeople(db, found.accountId, { contactIds: body.contactIds, userIds: body.userIds });
      const row = await db.transaction(async (tx) => {
        const updated = await updateTouchpointRow(
          tx,
          found.id,
          {
            ...(body.occurredOn !== undefined ? { occurredOn: body.occurredOn } : {}),
            ...(body.kind !== undefined ? { kind: body.kind } : {}),
            ...(body.notes !== undefined ? { notes: body.notes || null } : {}),
            ...people,
          },
          clock.now(),
        );
        if (!updated) throw notFound('touchpoint');
        await audit(c, 'touchpoint.changed', { type: 'touchpoint', id: updated.id }, { ...detailsOf(updated), fields: Object.keys(body) }, { db: tx });
        return updated;
      });
      return c.json(toTouchpoint(row));
    },
  )
  .delete(
    '/touchpoints/:id',
    describe({ summary: 'Delete a touchpoint logged by mistake', tags: ['Touchpoints'], responses: { 200: z.object({ deleted: z.literal(true) }) } }),
    valid('param', IdParams),
    async (c) => {
      const { db } = c.var.deps;
      const found = await loadTouchpointFor(c, c.req.valid('param').id, 'edit');
      await db.transaction(async (tx) => {
        await deleteTouchpointRow(tx, found.id);
        await audit(c, 'touchpoint.deleted', { type: 'touchpoint', id: found.id }, detailsOf(found), { db: tx });
      });
      return c.json({ deleted: true as const });
    },
  )
  .post(
    '/touchpoints/import',
    describe({
      summary: 'Import touchpoints from CSV (columns: account (name or id), date, kind, their people, our people, notes)',
      description:
        'Their people are contact emails of that account, ours user emails, each list separated by ";". Each row is ' +
        'answered with its line number and a status: `created`, `skipped` (the same touchpoint — account, date, kind ' +
        'and the same people on both sides — is already logged, so importing a file twice adds nothing) or `error` ' +
        'with what is wrong in which column. A bad row is never written; the good rows are written together in one ' +
        'transaction. `dryRun=true` only checks. Managers import to their own accounts only (any other account reads ' +
        '"account not found"). No follow-up tasks are created from a file.',
      tags: ['Touchpoints'],
      requestBody: csvRequestBody,
      responses: { 200: TouchpointImportResult },
    }),
    valid('query', TouchpointImportQuery),
    async (c) => {
      const { user } = requireRole(c, 'admin', 'account_manager');
      const { db, clock } = c.var.deps;
      const { dryRun } = c.req.valid('query');
      const parsed = await parseCsvUpload(c, parseTouchpointImport);
      const good = parsed.flatMap((r) => (r.ok ? [r.value] : []));
      // Only the caller's accounts can be named: another manager's account is "not found", as everywhere.
      const visible = await listImportableAccounts(db, accountOwnerScope(user));
      const accountOf = accountFinder(visible);
      const named = unique(good.flatMap((v) => accountOf(v.account).map((a) => a.id)));
      const [people, colleagues, logged] = await Promise.all([
        findContactsByEmail(db, named, unique(good.flatMap((v) => v.theirPeople))),
        findActiveUsers(db, [], unique(good.flatMap((v) => v.ourPeople))),
        listTouchpointsOn(db, named, unique(good.map((v) => v.date))),
      ]);
      const contactOf = new Map(people.map((p) => [`${p.accountId}|${p.email.toLowerCase()}`, p.id]));
      const userOf = new Map(colleagues.map((u) => [u.email.toLowerCase(), u.id]));
      const existing = new Map(logged.map((t) => [touchpointKey(t), t.id]));
      const latest = today(clock.now(), c.var.deps.config.timeZone);

      const rows: TouchpointImportRow[] = [];
      const toWrite: { index: number; values: Parameters<typeof insertTouchpoint>[1] }[] = [];
      const seen = new Map<string, number>();
      for (const row of parsed) {
        if (!row.ok) {
          rows.push({ line: row.line, status: 'error', account: row.account, accountId: null, occurredOn: row.date, kind: null, touchpointId: null, errors: row.errors, note: null });
          continue;
        }
        const v = row.value;
        const base = { line: row.line, account: v.account, accountId: null, occurredOn: v.date, kind: v.kind, touchpointId: null, note: null };
        const accounts = accountOf(v.account);
        const errors: { column: string; message: string }[] = [];
        if (accounts.length === 0) errors.push({ column: 'account', message: 'account not found' });
        if (accounts.length > 1) errors.push({ column: 'account', message: 'several accounts have this name: use the account id' });
        if (v.date > latest) errors.push({ column: 'date', message: 'is in the future: log a touchpoint once it has happened' });
        const account = accounts.length === 1 ? accounts[0]! : null;
        const unknownContacts = account ? v.theirPeople.filter((e) => !contactOf.has(`${account.id}|${e}`)) : [];
        if (unknownContacts.length) errors.push({ column: 'their people', message: `${unknownContacts.join(', ')}: not ${unknownContacts.length === 1 ? 'a contact' : 'contacts'} of this account` });
        const unknownUsers = v.ourPeople.filter((e) => !userOf.has(e));
        if (unknownUsers.length) errors.push({ column: 'our people', message: `${unknownUsers.join(', ')}: not ${unknownUsers.length === 1 ? 'an active user' : 'active users'}` });
        if (errors.length || !account) {
          rows.push({ ...base, status: 'error', accountId: null, errors });
          continue;
        }
        const values = {
          accountId: account.id,
          occurredOn: v.date,
          kind: v.kind,
          notes: v.notes,
          contactIds: v.theirPeople.map((e) => contactOf.get(`${account.id}|${e}`)!),
          userIds: v.ourPeople.map((e) => userOf.get(e)!),
          createdBy: user.id,
        };
        const key = touchpointKey(values);
        const resolved = { ...base, account: account.name, accountId: account.id };
        if (seen.has(key)) {
          rows.push({ ...resolved, status: 'error', errors: [{ column: 'row', message: `the same touchpoint as line ${seen.get(key)}` }] });
          continue;
        }
        seen.set(key, row.line);
        const already = existing.get(key);
        if (already) {
          rows.push({ ...resolved, status: 'skipped', touchpointId: already, errors: [], note: 'already logged (same account, date, kind and people): left as it is' });
          continue;
        }
        toWrite.push({ index: rows.length, values });
        rows.push({ ...resolved, status: 'created', errors: [] });
      }
      if (!dryRun && toWrite.length) {
        const now = clock.now();
        await db.transaction(async (tx) => {
          for (const item of toWrite) {
            const written = await insertTouchpoint(tx, item.values, now);
            rows[item.index]!.touchpointId = written.id;
            await audit(c, 'touchpoint.created', { type: 'touchpoint', id: written.id }, { ...detailsOf(written), imported: true }, { db: tx });
          }
        });
      }
      const tally = (s: TouchpointImportRow['status']) => rows.filter((r) => r.status === s).length;
      return c.json({ dryRun, created: tally('created'), skipped: tally('skipped'), failed: tally('error'), rows } satisfies TouchpointImportResult);
    },
  );
