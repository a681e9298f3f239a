import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { eq } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { AppError, conflict, invalid, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth, requireRole } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { loadAccountFor } from '../http/access.js';
import { accountOwnerScope, canEditAccount } from '../domain/permissions.js';
import { pulseSendAt, pulseTrend } from '../domain/pulses.js';
import { periodBounds, periodKey } from '../domain/periods.js';
import { pulseEventTypes } from '../db/schema/index.js';
import { getSurveyWithVersion } from '../db/queries/surveys.js';
import {
  findContactsByEmail,
  findLiveContact,
  getEventType,
  getEventTypeByKey,
  getPulse,
  insertPulseOnce,
  listEventTypes,
  listPulses,
  listAccountIdsOwnedBy,
  listTrendPulses,
} from '../db/queries/pulses.js';
import { IdParams } from '../../shared/schemas/common.js';
import {
  CreatePulse,
  CreatePulseEventType,
  Pulse,
  PulseEventType,
  PulseListQuery,
  PulsePage,
  PulseTrend,
  PulseTrendQuery,
  UpdatePulseEventType,
} from '../../shared/schemas/pulse.js';

/** An event posted a little ahead of our clock is taken as now; further ahead it has not happened yet. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The contact a pulse goes to: by id, or by email among live contacts. One the caller may not survey is refused as
 * unknown (a manager cannot tell another manager's contact from a typo); an address on several accounts must be
 * given by id instead.
 */
async function resolveContact(c: Context<AppEnv>, body: { contactId?: string; email?: string }) {
  const { user } = requireAuth(c);
  const { db } = c.var.deps;
  if (body.contactId) {
    const found = await findLiveContact(db, body.contactId);
    if (!found || !canEditAccount(user, found)) {
      if (found && user.role === 'executive') throw new AppError('forbidden', 'your role can read this but not change it');
      throw invalid('contactId', 'is not a contact you can survey');
    }
    return found;
  }
  const found = (await findContactsByEmail(db, body.email!, accountOwnerScope(user))).filter((f) => canEditAccount(user, f));
  if (!found.length) {
    if (user.role === 'executive') throw new AppError('forbidden', 'your role can read this but not change it');
    throw invalid('email', 'is not the address of a contact you can survey');
  }
  if (found.length > 1) throw invalid('email', `belongs to contacts on ${found.length} accounts: give contactId instead`);
  return found[0]!;
}

async function eventTypeJson(c: Context<AppEnv>, id: string): Promise<PulseEventType> {
  return (await listEventTypes(c.var.deps.db)).find((t) => t.id === id)!;
}

/** A survey an event type may ask: one that exists and is not archived. */
async function assertSurvey(c: Context<AppEnv>, surveyId: string | undefined) {
  if (!surveyId) return;
  const survey = await getSurveyWithVersion(c.var.deps.db, surveyId);
  if (!survey || survey.survey.archived) throw invalid('surveyId', 'is not a survey (or it is archived)');
}

/** The last `count` periods up to the current one, oldest first. */
function lastPeriods(now: Date, groupBy: 'month' | 'quarter', count: number, timeZone: string): string[] {
  const keys = [periodKey(now, groupBy, timeZone)];
  while (keys.length < count) keys.unshift(periodKey(new Date(periodBounds(keys[0]!, timeZone).start.getTime() - 1), groupBy, timeZone));
  return keys;
}

export const pulseRoutes = new Hono<AppEnv>()
  .post(
    '/pulses',
    describe({
      summary: 'Post an event (a delivery, a closed ticket, a milestone) that sends its contact a short survey after the event type’s delay',
      description:
        'The contact by `contactId` or `email`; `event` is an event type’s key (GET /api/pulse-event-types: `delivery`, ' +
        '`ticket_closed`, `project_milestone` or one an admin added); `reference` is your own id for the event; `occurredAt` ' +
        'defaults to now. The survey goes `delayBusinessDays` business days later as a one-contact campaign, so unsubscribes, ' +
        'bounces and the frequency window across all campaigns apply (a pulse that may not go is `skipped` with the reason). ' +
        'The same (event, reference, contact) is one pulse however often it is posted: 201 the first time, 200 with the same ' +
        'pulse after that, never a second email. An unknown contact or event, or a switched-off event type, is refused (400) ' +
        'and nothing is written. An integration can post with an API key of scope `pulses:write`, which can do nothing else.',
      tags: ['Pulses'],
      responses: { 201: Pulse, 200: Pulse },
    }),
    valid('json', CreatePulse),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock, config } = c.var.deps;
      const body = c.req.valid('json');
      const now = clock.now();
      const occurredAt = body.occurredAt ? new Date(body.occurredAt) : now;
      if (occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalid('occurredAt', 'is in the future: post the event once it has happened');
      const type = await getEventTypeByKey(db, body.event);
      if (!type) {
        const known = (await listEventTypes(db)).filter((t) => t.enabled).map((t) => t.key);
        throw invalid('event', `is not an event type (known: ${known.join(', ') || 'none'}); an admin adds event types under Admin · Event types`);
      }
      if (!type.enabled) throw invalid('event', `"${type.key}" is switched off; an admin can switch it on under Admin · Event types`);
      const contact = await resolveContact(c, body);
      const { row, created } = await insertPulseOnce(
        db,
        {
          eventTypeId: type.id,
          reference: body.reference,
          accountId: contact.accountId,
          contactId: contact.id,
          occurredAt,
          sendAt: pulseSendAt(occurredAt, type.delayBusinessDays, config.timeZone),
          createdBy: user.id,
        },
        now,
      );
      return c.json((await getPulse(db, row.id))!, created ? 201 : 200);
    },
  )
  .get(
    '/pulses',
    describe({
      summary: 'Pulses after events, newest event first, with their status (scheduled, sent, skipped and why, cancelled) and answer',
      description: 'Filter by `accountId` (404 when it is not yours to see), `event` (an event type’s key) and `status`. Managers see their own accounts’ pulses.',
      tags: ['Pulses'],
      responses: { 200: PulsePage },
    }),
    valid('query', PulseListQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const query = c.req.valid('query');
      if (query.accountId) await loadAccountFor(c, query.accountId, 'view');
      return c.json(await listPulses(c.var.deps.db, query, accountOwnerScope(user)));
    },
  )
  .get(
    '/pulse-event-types',
    describe({ summary: 'The event types integrations may post, each with its survey, delay in business days and whether it is on', tags: ['Pulses'], responses: { 200: z.object({ data: z.array(PulseEventType) }) } }),
    async (c) => {
      requireAuth(c);
      return c.json({ data: await listEventTypes(c.var.deps.db) });
    },
  )
  .post(
    '/pulse-event-types',
    describe({ summary: 'Add an event type (admin): its key is what integrations post as `event`, and never changes', tags: ['Pulses'], responses: { 201: PulseEventType } }),
    valid('json', CreatePulseEventType),
    async (c) => {
      requireRole(c, 'admin');
      const { db, clock } = c.var.deps;
      const body = c.req.valid('json');
      await assertSurvey(c, body.surveyId);
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(pulseEventTypes)
          .values({ ...body, createdAt: now, updatedAt: now })
          .onConflictDoNothing({ target: pulseEventTypes.key })
          .returning();
        if (!inserted) throw conflict(`an event type with the key "${body.key}" already exists`, 'key');
        await audit(c, 'pulse_event_type.created', { type: 'pulse_event_type', id: inserted.id }, { key: inserted.key, delayBusinessDays: inserted.delayBusinessDays }, { db: tx });
        return inserted;
      });
      return c.json(await eventTypeJson(c, row.id), 201);
    },
  )
  .patch(
    '/pulse-event-types/:id',
    describe({
      summary: 'Change an event type (admin): name, survey, delay, on or off',
      description: 'Pulses already scheduled keep their send time; one whose event type is off when it is due is cancelled.',
      tags: ['Pulses'],
      responses: { 200: PulseEventType },
    }),
    valid('param', IdParams),
    valid('json', UpdatePulseEventType),
    async (c) => {
      requireRole(c, 'admin');
      const { db, clock } = c.var.deps;
      const changes = c.req.valid('json');
      const existing = await getEventType(db, c.req.valid('param').id);
      if (!existing) throw notFound('event type');
      await assertSurvey(c, changes.surveyId);
      await db.transaction(async (tx) => {
        await tx.update(pulseEventTypes).set({ ...changes, updatedAt: clock.now() }).where(eq(pulseEventTypes.id, existing.id));
        await audit(c, 'pulse_event_type.changed', { type: 'pulse_event_type', id: existing.id }, { key: existing.key, fields: Object.keys(changes) }, { db: tx });
      });
      return c.json(await eventTypeJson(c, existing.id));
    },
  )
  .get(
    '/reports/pulses',
    describe({
      summary: 'The trend of pulses after events, per event type and month (or quarter): sent, answered, mean mark with its margin',
      description:
        'Pulses count in the period of their send time. The mean mark out of ten has a ±95 % margin from two answers on; a ' +
        'change against the latest earlier period with answers is called significant only with at least 5 answers in both ' +
        'and beyond the combined margin. `accountId` narrows to one account (404 when it is not yours); managers see their own accounts.',
      tags: ['Pulses', 'Reports'],
      responses: { 200: PulseTrend },
    }),
    valid('query', PulseTrendQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock, config } = c.var.deps;
      const query = c.req.valid('query');
      let accountIds: string[] | null = null;
      if (query.accountId) accountIds = [(await loadAccountFor(c, query.accountId, 'view')).id];
      else if (accountOwnerScope(user)) accountIds = await listAccountIdsOwnedBy(db, user.id);
      const periods = lastPeriods(clock.now(), query.groupBy, query.periods, config.timeZone);
      const from = periodBounds(periods[0]!, config.timeZone).start;
      const pulses = await listTrendPulses(db, { from, accountIds });
      const types = await listEventTypes(db);
      const counted = pulses.map((p) => ({ event: p.event, sent: p.sent, mark: p.mark, period: periodKey(p.sendAt, query.groupBy, config.timeZone) }));
      // Every event type that is on, and any that is off but has pulses in the range.
      const shown = types.filter((t) => t.enabled || counted.some((p) => p.event === t.key));
      return c.json({ groupBy: query.groupBy, eventTypes: pulseTrend(shown, counted, periods) } satisfies PulseTrend);
    },
  );
