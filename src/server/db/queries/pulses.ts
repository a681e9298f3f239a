import { and, asc, count, desc, eq, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, contacts, pulseEventTypes, pulses, responses, surveys } from '../schema/index.js';
import { builtInEventTypes } from '../../domain/pulses.js';
import { PULSE_COMMENT_KEY, PULSE_RATING_KEY } from '../../domain/survey-templates.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { Pulse, PulseEventType, PulseListQuery } from '../../../shared/schemas/pulse.js';

export type PulseRow = typeof pulses.$inferSelect;
export type PulseEventTypeRow = typeof pulseEventTypes.$inferSelect;

/** The built-in event types (delivery, ticket closed, project milestone) once, asking the built-in pulse survey; admins' edits are kept. */
export async function ensureBuiltInEventTypes(db: Db, now: Date): Promise<void> {
  const [survey] = await db.select({ id: surveys.id }).from(surveys).where(eq(surveys.templateKey, 'delivery_pulse'));
  if (!survey) return;
  await db
    .insert(pulseEventTypes)
    .values(builtInEventTypes.map((t) => ({ ...t, surveyId: survey.id, createdAt: now, updatedAt: now })))
    .onConflictDoNothing({ target: pulseEventTypes.key });
}

export async function listEventTypes(db: Db): Promise<PulseEventType[]> {
  const counts = db.select({ eventTypeId: pulses.eventTypeId, n: count().as('n') }).from(pulses).groupBy(pulses.eventTypeId).as('counts');
  const rows = await db
    .select({ type: pulseEventTypes, surveyName: surveys.name, n: counts.n })
    .from(pulseEventTypes)
    .innerJoin(surveys, eq(surveys.id, pulseEventTypes.surveyId))
    .leftJoin(counts, eq(counts.eventTypeId, pulseEventTypes.id))
    .orderBy(asc(pulseEventTypes.createdAt), asc(pulseEventTypes.key));
  return rows.map((r) => toEventType(r.type, r.surveyName, Number(r.n ?? 0)));
}

export function toEventType(row: PulseEventTypeRow, surveyName: string, pulseCount: number): PulseEventType {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    surveyId: row.surveyId,
    surveyName,
    delayBusinessDays: row.delayBusinessDays,
    enabled: row.enabled,
    pulses: pulseCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getEventType(db: Db, id: string): Promise<PulseEventTypeRow | undefined> {
  const [row] = await db.select().from(pulseEventTypes).where(eq(pulseEventTypes.id, id));
  return row;
}

export async function getEventTypeByKey(db: Db, key: string): Promise<PulseEventTypeRow | undefined> {
  const [row] = await db.select().from(pulseEventTypes).where(eq(pulseEventTypes.key, key));
  return row;
}

/** Live contacts with this address (lower-case) on accounts `ownerScope` may see (null: all), with their account's owner. */
export async function findContactsByEmail(db: Db, email: string, ownerScope: string | null) {
  return db
    .select({ id: contacts.id, accountId: contacts.accountId, ownerId: accounts.ownerId })
    .from(contacts)
    .innerJoin(accounts, eq(accounts.id, contacts.accountId))
    .where(
      and(
        eq(sql`lower(${contacts.email})`, email),
        isNull(contacts.deletedAt),
        isNull(contacts.erasedAt),
        ...(ownerScope ? [eq(accounts.ownerId, ownerScope)] : []),
      ),
    );
}

/** A live contact by id, with its account's owner. */
export async function findLiveContact(db: Db, id: string) {
  const [row] = await db
    .select({ id: contacts.id, accountId: contacts.accountId, ownerId: accounts.ownerId })
    .from(contacts)
    .innerJoin(accounts, eq(accounts.id, contacts.accountId))
    .where(and(eq(contacts.id, id), isNull(contacts.deletedAt), isNull(contacts.erasedAt)));
  return row;
}

/**
 * The pulse for (event type, reference, contact): inserted when new, else the one already there. The unique index
 * decides, so two posts at the same moment (two web processes) still make one pulse.
 */
export async function insertPulseOnce(
  db: Db,
  values: Pick<PulseRow, 'eventTypeId' | 'reference' | 'accountId' | 'contactId' | 'occurredAt' | 'sendAt' | 'createdBy'>,
  now: Date,
): Promise<{ row: PulseRow; created: boolean }> {
  const [created] = await db
    .insert(pulses)
    .values({ ...values, createdAt: now })
    .onConflictDoNothing({ target: [pulses.eventTypeId, pulses.reference, pulses.contactId] })
    .returning();
  if (created) return { row: created, created: true };
  const [existing] = await db
    .select()
    .from(pulses)
    .where(and(eq(pulses.eventTypeId, values.eventTypeId), eq(pulses.reference, values.reference), eq(pulses.contactId, values.contactId)));
  return { row: existing!, created: false };
}

/** Scheduled pulses whose send time has come, oldest first. */
export async function duePulses(db: Db, now: Date, limit = 200): Promise<PulseRow[]> {
  return db
    .select()
    .from(pulses)
    .where(and(eq(pulses.status, 'scheduled'), lte(pulses.sendAt, now)))
    .orderBy(asc(pulses.sendAt), asc(pulses.id))
    .limit(limit);
}

/** The answer columns of a pulse: the mark and comment of its campaign's response, if any (a pulse campaign has one contact). */
const answerColumns = {
  // The keys are constants of ours, written as literals: a bound parameter would leave `->>` ambiguous (text or int).
  mark: sql<number | null>`case when jsonb_typeof(${responses.answers} -> ${sql.raw(`'${PULSE_RATING_KEY}'`)}) = 'number' then (${responses.answers} ->> ${sql.raw(`'${PULSE_RATING_KEY}'`)})::numeric end`,
  comment: sql<string | null>`${responses.answers} ->> ${sql.raw(`'${PULSE_COMMENT_KEY}'`)}`,
  answeredAt: sql<Date | null>`coalesce(${responses.completedAt}, ${responses.updatedAt})`,
};

/**
 * Pulses, newest event first, with their event type, contact name and answer. `ownerScope` (a manager): only their
 * accounts' pulses.
 */
export async function listPulses(db: Db, query: PulseListQuery, ownerScope: string | null): Promise<Page<Pulse>> {
  const conditions: SQL[] = [];
  if (query.accountId) conditions.push(eq(pulses.accountId, query.accountId));
  if (query.event) conditions.push(eq(pulseEventTypes.key, query.event));
  if (query.status) conditions.push(eq(pulses.status, query.status));
  if (ownerScope) conditions.push(eq(accounts.ownerId, ownerScope));
  const where = conditions.length ? and(...conditions) : undefined;
  const base = db
    .select({
      pulse: pulses,
      event: pulseEventTypes.key,
      eventName: pulseEventTypes.name,
      contactName: contacts.name,
      ...answerColumns,
      responseId: responses.id,
    })
    .from(pulses)
    .innerJoin(pulseEventTypes, eq(pulseEventTypes.id, pulses.eventTypeId))
    .innerJoin(accounts, eq(accounts.id, pulses.accountId))
    .innerJoin(contacts, eq(contacts.id, pulses.contactId))
    .leftJoin(responses, eq(responses.campaignId, pulses.campaignId));
  const [rows, [total]] = await Promise.all([
    base
      .where(where)
      .orderBy(desc(pulses.occurredAt), desc(pulses.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ n: count() })
      .from(pulses)
      .innerJoin(pulseEventTypes, eq(pulseEventTypes.id, pulses.eventTypeId))
      .innerJoin(accounts, eq(accounts.id, pulses.accountId))
      .where(where),
  ]);
  return { data: rows.map(toPulse), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

/** One pulse with the same columns as the list. */
export async function getPulse(db: Db, id: string): Promise<Pulse | undefined> {
  const [row] = await db
    .select({ pulse: pulses, event: pulseEventTypes.key, eventName: pulseEventTypes.name, contactName: contacts.name, ...answerColumns, responseId: responses.id })
    .from(pulses)
    .innerJoin(pulseEventTypes, eq(pulseEventTypes.id, pulses.eventTypeId))
    .innerJoin(contacts, eq(contacts.id, pulses.contactId))
    .leftJoin(responses, eq(responses.campaignId, pulses.campaignId))
    .where(eq(pulses.id, id));
  return row && toPulse(row);
}

function toPulse(r: {
  pulse: PulseRow;
  event: string;
  eventName: string;
  contactName: string;
  mark: number | string | null;
  comment: string | null;
  answeredAt: Date | string | null;
  responseId: string | null;
}): Pulse {
  const p = r.pulse;
  const mark = r.mark === null || r.mark === undefined ? null : Number(r.mark);
  return {
    id: p.id,
    event: r.event,
    eventName: r.eventName,
    reference: p.reference,
    accountId: p.accountId,
    contactId: p.contactId,
    contactName: r.contactName,
    occurredAt: p.occurredAt.toISOString(),
    sendAt: p.sendAt.toISOString(),
    status: p.status,
    skipReason: p.skipReason,
    campaignId: p.campaignId,
    answer: r.responseId && (mark !== null || r.comment) ? { mark, comment: r.comment || null, answeredAt: new Date(r.answeredAt!).toISOString() } : null,
    createdAt: p.createdAt.toISOString(),
  };
}

/** Every pulse sent or skipped since `from` (by send time), with its event type and mark, for the trend. */
export async function listTrendPulses(db: Db, options: { from: Date; accountIds: string[] | null }) {
  const conditions: SQL[] = [sql`${pulses.sendAt} >= ${options.from.toISOString()}::timestamptz`, inArray(pulses.status, ['sent', 'skipped'])];
  if (options.accountIds) {
    if (!options.accountIds.length) return [];
    conditions.push(inArray(pulses.accountId, options.accountIds));
  }
  const rows = await db
    .select({ event: pulseEventTypes.key, status: pulses.status, sendAt: pulses.sendAt, mark: answerColumns.mark })
    .from(pulses)
    .innerJoin(pulseEventTypes, eq(pulseEventTypes.id, pulses.eventTypeId))
    .leftJoin(responses, eq(responses.campaignId, pulses.campaignId))
    .where(and(...conditions));
  return rows.map((r) => ({ event: r.event, sent: r.status === 'sent', sendAt: new Date(r.sendAt), mark: r.mark === null ? null : Number(r.mark) }));
}

/** The ids of the accounts a manager owns (the trend's scope for a manager). */
export async function listAccountIdsOwnedBy(db: Db, ownerId: string): Promise<string[]> {
  return (await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.ownerId, ownerId))).map((r) => r.id);
}
