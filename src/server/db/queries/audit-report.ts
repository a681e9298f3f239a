import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rowsOf } from '../rows.js';
import { campaigns, contacts, invitations, responses, surveys, surveyVersions } from '../schema/index.js';
import type { SurveyDefinition } from '../../../shared/schemas/survey.js';
import type { Level } from '../../../shared/schemas/contact.js';

/** Timestamps leave SQL as epoch milliseconds: the two drivers agree on numbers, not on date types. */
const epochMs = (at: SQL) => sql`(extract(epoch from ${at}) * 1000)::float8`;

export interface AuditWaveRow {
  campaignId: string;
  campaignName: string;
  wave: number;
  surveyVersionId: string;
  sentAt: Date;
  invited: number;
  responses: number;
}

/**
 * The waves of audit campaigns (surveys of kind audit) that reached an account: one per campaign and wave number
 * (a repeating campaign has several), dated by the wave's first send, oldest first. Only sent invitations count.
 */
export async function listAuditWaves(db: Db, accountId: string): Promise<AuditWaveRow[]> {
  const result = await db.execute(sql`
    select i.campaign_id, c.name as campaign_name, i.wave, c.survey_version_id,
      ${epochMs(sql`min(i.sent_at)`)} as sent_at, count(*)::int as invited,
      count(r.id) filter (where r.answers <> '{}'::jsonb)::int as responses
    from ${invitations} i
    join ${campaigns} c on c.id = i.campaign_id
    join ${surveys} s on s.id = c.survey_id
    left join ${responses} r on r.invitation_id = i.id
    where i.account_id = ${accountId}::uuid and i.sent_at is not null and s.kind = 'audit'
    group by i.campaign_id, c.name, i.wave, c.survey_version_id, c.send_at
    order by min(i.sent_at), c.send_at, i.wave`);
  return rowsOf<Record<string, unknown>>(result).map((r) => ({
    campaignId: String(r.campaign_id),
    campaignName: String(r.campaign_name),
    wave: Number(r.wave),
    surveyVersionId: String(r.survey_version_id),
    sentAt: new Date(Number(r.sent_at)),
    invited: Number(r.invited),
    responses: Number(r.responses),
  }));
}

export async function getSurveyDefinitions(db: Db, versionIds: string[]): Promise<Map<string, SurveyDefinition>> {
  if (!versionIds.length) return new Map();
  const rows = await db
    .select({ id: surveyVersions.id, definition: surveyVersions.definition })
    .from(surveyVersions)
    .where(inArray(surveyVersions.id, versionIds));
  return new Map(rows.map((r) => [r.id, r.definition]));
}

/** Every non-empty answer the account gave to audit surveys, one row per response and question. */
function auditAnswers(accountId: string): SQL {
  return sql`
    select r.id as response_id, r.contact_id, i.campaign_id, i.wave,
      coalesce(r.completed_at, r.updated_at) as answered_at, e.key, e.value
    from ${responses} r
    join ${invitations} i on i.id = r.invitation_id
    join ${surveys} s on s.id = r.survey_id
    cross join lateral jsonb_each(r.answers) e
    where r.account_id = ${accountId}::uuid and s.kind = 'audit' and jsonb_typeof(e.value) <> 'null'`;
}

export interface AuditAnswerStats {
  campaignId: string;
  wave: number;
  key: string;
  /** People who answered the question (any kind of answer). */
  answered: number;
  /** Over numeric answers only (marks, scores); null when there are none (sd: fewer than two). */
  numeric: { n: number; mean: number | null; standardDeviation: number | null; min: number | null; max: number | null };
}

/** Per wave and question: how many answered, and the mean, sample standard deviation, min and max of numbers. */
export async function auditAnswerStats(db: Db, accountId: string): Promise<AuditAnswerStats[]> {
  const number = sql`case when jsonb_typeof(a.value) = 'number' then (a.value #>> '{}')::float8 end`;
  const result = await db.execute(sql`
    select a.campaign_id, a.wave, a.key, count(*)::int as answered, count(${number})::int as n,
      avg(${number})::float8 as mean, stddev_samp(${number})::float8 as sd, min(${number}) as min, max(${number}) as max
    from (${auditAnswers(accountId)}) a
    group by 1, 2, 3`);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rowsOf<Record<string, unknown>>(result).map((r) => ({
    campaignId: String(r.campaign_id),
    wave: Number(r.wave),
    key: String(r.key),
    answered: Number(r.answered),
    numeric: { n: Number(r.n), mean: num(r.mean), standardDeviation: num(r.sd), min: num(r.min), max: num(r.max) },
  }));
}

export interface AuditValueCount {
  campaignId: string;
  wave: number;
  key: string;
  /** A chosen option's value, `__other` for an "other" text, 'true'/'false' for yes/no, or a score as text. */
  value: string;
  count: number;
}

/** Per wave and question, how many people gave each option, yes/no or score. */
export async function auditValueCounts(db: Db, accountId: string): Promise<AuditValueCount[]> {
  const result = await db.execute(sql`
    select a.campaign_id, a.wave, a.key, v.value, count(*)::int as n
    from (${auditAnswers(accountId)}) a
    cross join lateral (
      select jsonb_array_elements_text(a.value -> 'selected') as value where jsonb_typeof(a.value) = 'object'
      union all
      select '__other' where jsonb_typeof(a.value) = 'object' and coalesce(a.value ->> 'other', '') <> ''
      union all
      select a.value #>> '{}' where jsonb_typeof(a.value) in ('boolean', 'number')
    ) v
    group by 1, 2, 3, 4`);
  return rowsOf<Record<string, unknown>>(result).map((r) => ({
    campaignId: String(r.campaign_id),
    wave: Number(r.wave),
    key: String(r.key),
    value: String(r.value),
    count: Number(r.n),
  }));
}

export interface AuditTextRow {
  key: string;
  campaignId: string;
  wave: number;
  responseId: string;
  contactId: string;
  contactName: string;
  contactLevel: Level;
  answeredAt: Date;
  text: string;
}

/** The latest `limit` written answers per question over all waves, newest first, with who wrote them. */
export async function latestAuditTexts(db: Db, accountId: string, limit = 5): Promise<AuditTextRow[]> {
  const result = await db.execute(sql`
    select * from (
      select a.key, a.campaign_id, a.wave, a.response_id, a.contact_id, c.name as contact_name, c.level as contact_level,
        ${epochMs(sql`a.answered_at`)} as answered_at, a.value #>> '{}' as text,
        row_number() over (partition by a.key order by a.answered_at desc, a.response_id desc) as rank
      from (${auditAnswers(accountId)}) a
      join ${contacts} c on c.id = a.contact_id
      where jsonb_typeof(a.value) = 'string'
    ) ranked
    where rank <= ${limit}
    order by key, rank`);
  return rowsOf<Record<string, unknown>>(result).map((r) => ({
    key: String(r.key),
    campaignId: String(r.campaign_id),
    wave: Number(r.wave),
    responseId: String(r.response_id),
    contactId: String(r.contact_id),
    contactName: String(r.contact_name),
    contactLevel: r.contact_level as Level,
    answeredAt: new Date(Number(r.answered_at)),
    text: String(r.text),
  }));
}
