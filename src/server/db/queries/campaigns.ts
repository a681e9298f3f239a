import { and, asc, count, desc, eq, getTableColumns, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accounts, campaigns, contacts, invitations, messages, pulses, responses } from '../schema/index.js';
import type { CampaignAudience } from '../schema/index.js';
import type { AudienceCandidate, EligibilityDecision } from '../../domain/eligibility.js';
import { isErasedAddress } from './erased-emails.js';
import type { Campaign, CampaignCounts } from '../../../shared/schemas/campaign.js';
import type { Page, PageQuery } from '../../../shared/schemas/common.js';

export type CampaignRow = typeof campaigns.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;

/** A person an audience names: what eligibility needs to know, and what a person reading the list needs. */
export type AudienceMember = AudienceCandidate & {
  language: string;
  name: string;
  level: (typeof contacts.$inferSelect)['level'];
  buyingRole: (typeof contacts.$inferSelect)['buyingRole'];
  accountName: string;
  /** The campaign that last asked them (pending or sent), if any. */
  lastCampaign: { id: string; name: string } | null;
};

/** Everyone the audience names, with what eligibility needs to know about them. */
export async function findAudienceCandidates(db: Db, audience: CampaignAudience): Promise<AudienceMember[]> {
  const who: SQL[] = [];
  // Contacts named one by one are included even when deleted, so their skip is visible; account members are not.
  if (audience.accountIds.length) who.push(and(inArray(contacts.accountId, audience.accountIds), isNull(contacts.deletedAt))!);
  if (audience.contactIds.length) who.push(inArray(contacts.id, audience.contactIds));
  if (!who.length) return [];
  const filters: SQL[] = [or(...who)!];
  if (audience.levels.length) filters.push(inArray(contacts.level, audience.levels));
  if (audience.buyingRoles.length) filters.push(inArray(contacts.buyingRole, audience.buyingRoles));

  const lastInvited = db
    .select({
      contactId: invitations.contactId,
      at: sql<Date>`max(coalesce(${invitations.sentAt}, ${campaigns.sendAt}))`.as('at'),
      // Which campaign that was, for "Surveyed recently (by …, until …)".
      campaignId: sql<string>`(array_agg(${campaigns.id} order by coalesce(${invitations.sentAt}, ${campaigns.sendAt}) desc))[1]`.as('last_campaign_id'),
      campaignName: sql<string>`(array_agg(${campaigns.name} order by coalesce(${invitations.sentAt}, ${campaigns.sendAt}) desc))[1]`.as('last_campaign_name'),
    })
    .from(invitations)
    .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
    // Invitations imported from another tool are history, not asks from this installation: they do not count.
    .where(and(inArray(invitations.status, ['pending', 'sent']), sql`${campaigns.importedFrom} is null`))
    .groupBy(invitations.contactId)
    .as('last_invited');

  const rows = await db
    .select({
      contactId: contacts.id,
      accountId: contacts.accountId,
      email: contacts.email,
      language: contacts.language,
      name: contacts.name,
      level: contacts.level,
      buyingRole: contacts.buyingRole,
      accountName: accounts.name,
      unsubscribed: contacts.unsubscribed,
      bounced: contacts.bounced,
      deletedAt: contacts.deletedAt,
      erased: sql<boolean>`(${contacts.erasedAt} is not null or ${isErasedAddress(contacts.email)})`,
      accountArchived: accounts.archived,
      lastInvitedAt: lastInvited.at,
      lastCampaignId: lastInvited.campaignId,
      lastCampaignName: lastInvited.campaignName,
    })
    .from(contacts)
    .innerJoin(accounts, eq(accounts.id, contacts.accountId))
    .leftJoin(lastInvited, eq(lastInvited.contactId, contacts.id))
    .where(and(...filters))
    .orderBy(asc(accounts.name), asc(contacts.level), asc(contacts.name), asc(contacts.id));
  return rows.map((r) => ({
    contactId: r.contactId,
    accountId: r.accountId,
    email: r.email,
    language: r.language,
    name: r.name,
    level: r.level,
    buyingRole: r.buyingRole,
    accountName: r.accountName,
    unsubscribed: r.unsubscribed,
    bounced: r.bounced,
    deleted: r.deletedAt !== null,
    erased: Boolean(r.erased),
    accountArchived: r.accountArchived,
    lastInvitedAt: r.lastInvitedAt ? new Date(r.lastInvitedAt) : null,
    lastCampaign: r.lastCampaignId ? { id: r.lastCampaignId, name: r.lastCampaignName } : null,
  }));
}

export interface NewInvitation {
  id: string;
  decision: EligibilityDecision;
  language: string;
  tokenHash: string | null;
  unsubscribeTokenHash: string | null;
  expiresAt: Date | null;
}

/**
 * Writes a wave's invitations. One statement per 5,000 rows through jsonb_to_recordset: building a
 * 100,000-row insert with the query builder costs seconds of CPU, this costs milliseconds.
 */
export async function insertInvitations(db: Db, campaignId: string, wave: number, rows: NewInvitation[], now: Date) {
  for (let i = 0; i < rows.length; i += 5000) {
    const json = JSON.stringify(
      rows.slice(i, i + 5000).map((r) => ({
        id: r.id,
        account_id: r.decision.accountId,
        contact_id: r.decision.contactId,
        email: r.decision.email,
        language: r.language,
        status: r.decision.eligible ? 'pending' : 'skipped',
        skip_reason: r.decision.eligible ? null : r.decision.reason,
        token_hash: r.tokenHash,
        unsubscribe_token_hash: r.unsubscribeTokenHash,
        expires_at: r.expiresAt?.toISOString() ?? null,
      })),
    );
    await db.execute(sql`
      insert into ${invitations} (id, campaign_id, wave, account_id, contact_id, email, language, status, skip_reason,
        token_hash, unsubscribe_token_hash, expires_at, created_at)
      select x.id, ${campaignId}::uuid, ${wave}::int, x.account_id, x.contact_id, x.email, x.language,
        x.status::invitation_status, x.skip_reason::skip_reason, x.token_hash, x.unsubscribe_token_hash, x.expires_at,
        ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${json}::jsonb) as x(id uuid, account_id uuid, contact_id uuid, email text, language text,
        status text, skip_reason text, token_hash text, unsubscribe_token_hash text, expires_at timestamptz)
      on conflict do nothing`);
  }
}

export async function getCampaign(db: Db, id: string): Promise<CampaignRow | undefined> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id));
  return row;
}

/** The ids of the accounts a manager owns, as a subquery. */
function accountsOf(db: Db, ownerId: string) {
  return db.select({ id: accounts.id }).from(accounts).where(eq(accounts.ownerId, ownerId));
}

/** The owners of every account a campaign reaches: a manager may only see campaigns within their accounts. */
export async function campaignAccountOwners(db: Db, campaignId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ ownerId: accounts.ownerId })
    .from(invitations)
    .innerJoin(accounts, eq(accounts.id, invitations.accountId))
    .where(eq(invitations.campaignId, campaignId));
  return rows.map((r) => r.ownerId);
}

export async function listCampaigns(
  db: Db,
  query: PageQuery & { status?: CampaignRow['status']; accountId?: string },
  ownerScope: string | null,
): Promise<Page<CampaignRow>> {
  // A pulse after an event is sent as a one-contact campaign (routes/pulses.ts); listed, hundreds of them would bury
  // the campaigns people launch. They are found through the pulses, and by id.
  const conditions: SQL[] = [sql`not exists (select 1 from ${pulses} p where p.campaign_id = ${campaigns.id})`];
  // The campaign holding answers imported from another tool was never sent: its answers show on accounts and in
  // trends, marked imported, not as a campaign anyone launched.
  conditions.push(sql`${campaigns.importedFrom} is null`);
  if (query.status) conditions.push(eq(campaigns.status, query.status));
  if (query.accountId) {
    conditions.push(sql`exists (select 1 from ${invitations} i where i.campaign_id = ${campaigns.id} and i.account_id = ${query.accountId})`);
  }
  if (ownerScope) {
    // Every campaign that reached one of the manager's accounts (an admin's campaign across the portfolio too:
    // they see their part of it); one that reached nobody is theirs if they created it — the same rule as
    // opening it by id.
    conditions.push(sql`(exists (select 1 from ${invitations} i join ${accounts} a on a.id = i.account_id
      where i.campaign_id = ${campaigns.id} and a.owner_id = ${ownerScope})
      or (${campaigns.createdBy} = ${ownerScope} and not exists (select 1 from ${invitations} i where i.campaign_id = ${campaigns.id})))`);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(campaigns)
      .where(where)
      .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(campaigns).where(where),
  ]);
  return { data: rows, page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

/**
 * Live counts for campaigns, computed from invitations, the first email of each, and responses. With
 * `ownerScope` (a manager), only the people on that manager's accounts count: a campaign that also reached
 * other managers' accounts shows a manager their part of it.
 */
export async function campaignCounts(db: Db, ids: string[], ownerScope: string | null = null): Promise<Map<string, CampaignCounts>> {
  const result = new Map<string, CampaignCounts>();
  if (!ids.length) return result;
  const empty = (): CampaignCounts => ({
    targeted: 0, skipped: 0, skippedByReason: {}, queued: 0, sent: 0, delivered: 0, bounced: 0,
    complained: 0, failed: 0, responded: 0, completed: 0, responseRate: null,
  });
  for (const id of ids) result.set(id, empty());

  const [inv, msg, resp] = await Promise.all([
    db
      .select({ campaignId: invitations.campaignId, status: invitations.status, reason: invitations.skipReason, n: count() })
      .from(invitations)
      .where(and(inArray(invitations.campaignId, ids), ownerScope ? inArray(invitations.accountId, accountsOf(db, ownerScope)) : undefined))
      .groupBy(invitations.campaignId, invitations.status, invitations.skipReason),
    db
      .select({ campaignId: messages.campaignId, status: messages.status, n: count() })
      .from(messages)
      .where(
        and(
          inArray(messages.campaignId, ids),
          eq(messages.sequence, 0),
          ownerScope
            ? inArray(
                messages.invitationId,
                db.select({ id: invitations.id }).from(invitations).where(and(inArray(invitations.campaignId, ids), inArray(invitations.accountId, accountsOf(db, ownerScope)))),
              )
            : undefined,
        ),
      )
      .groupBy(messages.campaignId, messages.status),
    db
      .select({
        campaignId: responses.campaignId,
        responded: count(),
        completed: sql<number>`count(${responses.completedAt})::int`,
      })
      .from(responses)
      .where(and(inArray(responses.campaignId, ids), sql`${responses.answers} <> '{}'::jsonb`, ownerScope ? inArray(responses.accountId, accountsOf(db, ownerScope)) : undefined))
      .groupBy(responses.campaignId),
  ]);
  for (const r of inv) {
    const c = result.get(r.campaignId)!;
    c.targeted += r.n;
    if (r.status === 'skipped') {
      c.skipped += r.n;
      c.skippedByReason[r.reason ?? 'unknown'] = (c.skippedByReason[r.reason ?? 'unknown'] ?? 0) + r.n;
    }
  }
  for (const r of msg) {
    const c = result.get(r.campaignId!)!;
    if (r.status === 'queued') c.queued += r.n;
    if (['sent', 'delivered', 'delayed', 'bounced', 'complained'].includes(r.status)) c.sent += r.n;
    if (r.status === 'delivered') c.delivered += r.n;
    if (r.status === 'bounced') c.bounced += r.n;
    if (r.status === 'complained') c.complained += r.n;
    if (r.status === 'failed') c.failed += r.n;
  }
  for (const r of resp) {
    const c = result.get(r.campaignId)!;
    c.responded = r.responded;
    c.completed = Number(r.completed);
  }
  for (const c of result.values()) c.responseRate = c.sent > 0 ? Math.round((c.responded / c.sent) * 1000) / 1000 : null;
  return result;
}

export function toCampaign(row: CampaignRow, counts: CampaignCounts): Campaign {
  return {
    id: row.id,
    name: row.name,
    surveyId: row.surveyId,
    surveyVersionId: row.surveyVersionId,
    createdBy: row.createdBy,
    audience: row.audience,
    status: row.status,
    sendAt: row.sendAt.toISOString(),
    reminder: row.reminderAfterDays ? { afterDays: row.reminderAfterDays, max: row.reminderMax } : null,
    expiresAfterDays: row.expiresAfterDays,
    repeat: row.repeat,
    wave: row.wave,
    nextWaveAt: row.nextWaveAt?.toISOString() ?? null,
    cancelledAt: row.cancelledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    counts,
  };
}

/**
 * For an invitation skipped as "surveyed recently": the other campaign that had asked the person most recently
 * when this one was decided (its id, name and when it asked), as JSON; null for every other invitation.
 */
const recentSurveyOf = sql<{ id: string; name: string; at: string } | null>`case when ${invitations.skipReason} = 'recently_surveyed' then (
  select json_build_object('id', c2.id, 'name', c2.name, 'at', coalesce(i2.sent_at, c2.send_at))
  from ${invitations} i2 join ${campaigns} c2 on c2.id = i2.campaign_id
  where i2.contact_id = ${invitations.contactId} and i2.campaign_id <> ${invitations.campaignId}
    and i2.status in ('pending', 'sent') and i2.created_at <= ${invitations.createdAt}
  order by coalesce(i2.sent_at, c2.send_at) desc limit 1) end`;

export async function listInvitations(
  db: Db,
  campaignId: string,
  query: PageQuery & { status?: InvitationRow['status'] },
  ownerScope: string | null = null,
): Promise<Page<InvitationRow & { contactName: string; accountName: string; recentSurvey: { id: string; name: string; at: string } | null }>> {
  // A manager sees only the people on their own accounts, also in a campaign that reached others'.
  const where = and(
    eq(invitations.campaignId, campaignId),
    query.status ? eq(invitations.status, query.status) : undefined,
    ownerScope ? inArray(invitations.accountId, accountsOf(db, ownerScope)) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({ ...getTableColumns(invitations), contactName: contacts.name, accountName: accounts.name, recentSurvey: recentSurveyOf })
      .from(invitations)
      .innerJoin(contacts, eq(contacts.id, invitations.contactId))
      .innerJoin(accounts, eq(accounts.id, invitations.accountId))
      .where(where)
      .orderBy(asc(invitations.wave), asc(invitations.email), asc(invitations.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ n: count() }).from(invitations).where(where),
  ]);
  return { data: rows, page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
}

/** Campaigns whose first send time has come. */
export async function dueScheduledCampaigns(db: Db, now: Date): Promise<CampaignRow[]> {
  return db.select().from(campaigns).where(and(eq(campaigns.status, 'scheduled'), lte(campaigns.sendAt, now)));
}

/** Repeating campaigns whose next wave is due. */
export async function dueRepeatCampaigns(db: Db, now: Date): Promise<CampaignRow[]> {
  return db
    .select()
    .from(campaigns)
    .where(and(inArray(campaigns.status, ['sending', 'active']), isNotNull(campaigns.nextWaveAt), lte(campaigns.nextWaveAt, now)));
}
