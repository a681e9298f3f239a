import { Hono, type Context } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { invalid, notFound, AppError } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { loadAccountFor } from '../http/access.js';
import { canEditAccount, canViewAccount } from '../domain/permissions.js';
import { wallClockIn } from '../domain/business-days.js';
import { peopleFreshness } from '../domain/touchpoints.js';
import type { Db } from '../db/client.js';
import { createTask } from '../db/queries/tasks.js';
import { listContacts } from '../db/queries/contacts.js';
import {
  deleteTouchpointRow,
  findAccountContacts,
  findActiveUsers,
  getTouchpointWithOwner,
  insertTouchpoint,
  listTouchpoints,
  listTouchRecords,
  toTouchpoint,
  updateTouchpointRow,
  userNames,
} from '../db/queries/touchpoints.js';
import { IdParams } from '../../shared/schemas/common.js';
import { CreateTouchpoint, PeopleFreshness, Touchpoint, TouchpointListQuery, TouchpointPage, UpdateTouchpoint } from '../../shared/schemas/touchpoint.js';

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
    describe({ summary: "An account's touchpoints (meetings, calls, visits, QBRs, social events, email threads), newest first", tags: ['Touchpoints'], responses: { 200: TouchpointPage } }),
    valid('param', IdParams),
    valid('query', TouchpointListQuery),
    async (c) => {
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const page = await listTouchpoints(c.var.deps.db, account.id, c.req.valid('query'));
      return c.json({ ...page, data: page.data.map(toTouchpoint) });
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
            { accountId: account.id, title: action.title, priority: 'normal', assigneeId: account.ownerId, createdBy: user.id, dueAt: new Date(`${action.dueAt}T17:00:00Z`) },
            now,
          );
          taskIds.push(task.id);
        }
        await audit(c, 'touchpoint.created', { type: 'touchpoint', id: row.id }, { ...detailsOf(row), followUps: taskIds.length }, { db: tx });
        return { ...toTouchpoint(row), taskIds };
      });
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
  );
