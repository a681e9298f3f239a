import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { parseCsv } from '../../src/server/domain/csv.js';
import { accounts, campaigns, messages } from '../../src/server/db/schema/index.js';
import { getSurveyWithVersion } from '../../src/server/db/queries/surveys.js';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, sendCampaign, templateSurveyId } from '../helpers/survey-fixtures.js';

let ctx: TestContext;
let manager: TestClient & { user: TestUser };
let other: TestClient & { user: TestUser };
let admin: TestClient & { user: TestUser };
let accountId: string;
let otherAccountId: string;
let emails: string[];

const HEADER = ['responseId', 'submittedAt', 'account', 'contact', 'contactEmail', 'survey', 'surveyVersion', 'questionKey', 'question', 'value', 'category'];

async function answer(campaign: { id: string }, email: string, answers: Record<string, unknown>, complete = true) {
  const [mail] = await ctx.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.campaignId, campaign.id), eq(messages.toAddress, email), eq(messages.kind, 'invitation')));
  const token = /\/s\/([\w-]+)/.exec(mail!.text ?? '')![1];
  const res = await ctx.anonymous().post(`/s/${token}/answers`, { answers, complete });
  expect(res.status).toBe(200);
  ctx.clock.advance(60_000);
}

async function exportCsv(client: TestClient, query = '') {
  const res = await client.get(`/api/responses/export.csv${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="keypulse-responses-\d{4}-\d{2}-\d{2}\.csv"$/);
  const [header, ...rows] = parseCsv(res.text).map((r) => r.fields);
  expect(header).toEqual(HEADER);
  return rows.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i]!])));
}

beforeAll(async () => {
  ctx = await createTestContext({ minDaysBetweenSurveys: 0, companyName: 'Northwind' });
  manager = await ctx.signIn('account_manager');
  other = await ctx.signIn('account_manager');
  admin = await ctx.signIn('admin');
  ({ accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Hana Sato' }, { name: 'Ivo Petrov' }]));
  const nps = await sendCampaign(ctx, manager, { accountIds: [accountId] });
  await answer(nps, emails[0]!, { nps: 3, reason: 'Invoices are "late", again' });
  await answer(nps, emails[1]!, { nps: 10 }, false); // partial: a score click, nothing more

  // A custom survey with a multiple choice (and "other") and a yes/no question.
  const custom = await admin.post('/api/surveys', {
    name: 'Tools check',
    definition: {
      title: { en: 'Tools' },
      questions: [
        { key: 'tools', kind: 'choice', multiple: true, allowOther: true, text: { en: 'Which tools do you use?' }, options: [{ value: 'crm', label: { en: 'CRM' } }, { value: 'erp', label: { en: 'ERP' } }] },
        { key: 'happy', kind: 'yes_no', text: { en: 'Are you happy with them?' } },
      ],
    },
  });
  expect(custom.status).toBe(201);
  const tools = await sendCampaign(ctx, manager, { accountIds: [accountId], surveyId: custom.body.id });
  await answer(tools, emails[0]!, { tools: { selected: ['crm', 'erp'], other: 'Spreadsheets' }, happy: true });

  const theirs = await createAccountWithContacts(other, [{ name: 'Jun Park' }]);
  otherAccountId = theirs.accountId;
  const theirCampaign = await sendCampaign(ctx, other, { accountIds: [otherAccountId] });
  await answer(theirCampaign, theirs.emails[0]!, { nps: 9 });
});
afterAll(() => ctx.close());

describe('GET /api/responses/export.csv', () => {
  it('one row per answer, in the survey order, with account, contact, survey, question, value and category', async () => {
    const rows = await exportCsv(manager, `?accountId=${accountId}`);
    // Oldest change first: Hana's NPS answer (2 answers), Ivo's partial (1), Hana's tools answer (2).
    expect(rows.map((r) => [r.contact, r.questionKey, r.value, r.category])).toEqual([
      ['Hana Sato', 'nps', '3', 'detractor'],
      ['Hana Sato', 'reason', 'Invoices are "late", again', ''],
      ['Ivo Petrov', 'nps', '10', 'promoter'],
      ['Hana Sato', 'tools', 'crm; erp; Spreadsheets', ''],
      ['Hana Sato', 'happy', 'yes', ''],
    ]);
    const [first] = rows;
    const listed = (await manager.get(`/api/responses?accountId=${accountId}`)).body.data;
    const hana = listed.find((r: any) => r.contactName === 'Hana Sato' && r.surveyId !== undefined && r.answers.nps === 3);
    expect(first).toMatchObject({
      responseId: hana.id,
      submittedAt: hana.completedAt,
      account: hana.accountName,
      contactEmail: emails[0],
      survey: 'NPS',
      surveyVersion: '1',
      question: 'How likely is it that you would recommend Northwind to a friend or colleague?',
    });
    expect(rows[1]!.question).toBe('What is the main reason for your score?');
    // A partial response is submitted "as of" its last save.
    const ivo = listed.find((r: any) => r.contactName === 'Ivo Petrov');
    expect(rows[2]!.submittedAt).toBe(ivo.updatedAt);
  });

  it('takes the filters of GET /api/responses', async () => {
    const detractors = await exportCsv(manager, '?category=detractor');
    expect(detractors.map((r) => r.questionKey)).toEqual(['nps', 'reason']);
    const late = await exportCsv(manager, `?from=${encodeURIComponent(ctx.clock.now().toISOString())}`);
    expect(late).toEqual([]);
    expect((await manager.get('/api/responses/export.csv?category=angry')).status).toBe(400);
  });

  it("a manager exports their own accounts only; an admin everything", async () => {
    const mine = await exportCsv(manager);
    expect(new Set(mine.map((r) => r.contact))).toEqual(new Set(['Hana Sato', 'Ivo Petrov']));
    const theirs = await exportCsv(other);
    expect(theirs.map((r) => [r.contact, r.value])).toEqual([['Jun Park', '9']]);
    expect(await exportCsv(other, `?accountId=${accountId}`)).toEqual([]);
    const all = await exportCsv(admin);
    expect(all).toHaveLength(6);
    expect((await ctx.anonymous().get('/api/responses/export.csv')).status).toBe(401);
  });

  it('pages through thousands of responses without losing or repeating one (ties and microseconds at page edges)', async () => {
    const db = ctx.database.db;
    const [bulk] = await db.insert(accounts).values({ name: 'Bulk Co', ownerId: admin.user.id, stage: 'customer' }).returning();
    const surveyId = await templateSurveyId(ctx, 'nps');
    const versionId = (await getSurveyWithVersion(db, surveyId))!.version.id;
    const [campaign] = await db
      .insert(campaigns)
      .values({ name: 'Bulk', surveyId, surveyVersionId: versionId, createdBy: admin.user.id, audience: { accountIds: [bulk!.id], contactIds: [], levels: [], buyingRoles: [] }, status: 'closed', sendAt: new Date('2025-01-01T00:00:00Z') })
      .returning();
    const N = 2500;
    await db.execute(sql`
      insert into contacts (account_id, name, email, level, buying_role)
      select ${bulk!.id}::uuid, 'Bulk ' || g, 'bulk' || g || '@bulk.example', 'influencer', 'user' from generate_series(1, ${N}) g`);
    await db.execute(sql`
      insert into invitations (campaign_id, wave, account_id, contact_id, email, language, status, sent_at)
      select ${campaign!.id}::uuid, 1, account_id, id, email, 'en', 'sent', '2025-01-01T00:00:00Z'
      from contacts where account_id = ${bulk!.id}::uuid`);
    // Seven distinct times a microsecond apart: hundreds of ties, and times a JS Date cannot hold.
    await db.execute(sql`
      insert into responses (invitation_id, campaign_id, survey_id, survey_version_id, account_id, contact_id, language,
        answers, nps_score, started_at, updated_at, completed_at)
      select i.id, i.campaign_id, ${surveyId}::uuid, ${versionId}::uuid, i.account_id, i.contact_id, 'en',
        jsonb_build_object('nps', n % 11, 'reason', 'Reason ' || n), n % 11, t, t, t
      from (select *, row_number() over (order by id) as n from invitations where campaign_id = ${campaign!.id}::uuid) i
      cross join lateral (select '2025-01-02T00:00:00Z'::timestamptz + (n % 7) * interval '1 microsecond' as t) x`);

    const rows = await exportCsv(admin, `?accountId=${bulk!.id}`);
    expect(rows).toHaveLength(2 * N);
    const perResponse = new Map<string, string[]>();
    for (const r of rows) perResponse.set(r.responseId!, [...(perResponse.get(r.responseId!) ?? []), r.questionKey!]);
    expect(perResponse.size).toBe(N);
    expect([...perResponse.values()].every((keys) => keys.join() === 'nps,reason')).toBe(true);
    expect(new Set(rows.filter((r) => r.questionKey === 'reason').map((r) => r.value)).size).toBe(N);
  });
});
