import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, sendCampaign } from '../helpers/survey-fixtures.js';
import { messages, partnershipAssessments } from '../../src/server/db/schema/index.js';

type Client = TestClient & { user: TestUser };
let ctx: TestContext;
let admin: Client;
let exec: Client;
let maria: Client;
let tom: Client;
let accountId: string;
let indicators: { id: string; key: string | null; name: string }[];

beforeAll(async () => {
  ctx = await createTestContext();
  [admin, exec, maria, tom] = await Promise.all([
    ctx.signIn('admin'),
    ctx.signIn('executive'),
    ctx.signIn('account_manager'),
    ctx.signIn('account_manager'),
  ]);
  let emails: string[];
  ({ accountId, emails } = await createAccountWithContacts(maria, [{ name: 'Ana Ruiz' }, { name: 'Ben Okoro' }, { name: 'Cruz Lee' }]));
  // One audit: two see us as a partner, one as a supplier.
  const audit = await sendCampaign(ctx, maria, { accountIds: [accountId], survey: 'audit', name: 'Audit spring' });
  for (const [email, choice] of [[emails[0], 'partner'], [emails[1], 'supplier'], [emails[2], 'partner']] as const) {
    const [mail] = await ctx.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.campaignId, audit.id), eq(messages.toAddress, email!), eq(messages.kind, 'invitation')));
    const token = /\/s\/([\w-]+)/.exec(mail!.text ?? '')![1];
    const res = await ctx.anonymous().post(`/s/${token}/answers`, { answers: { marks: 8, supplier_or_partner: { selected: [choice] }, nps: 9 }, complete: true });
    expect(res.status).toBe(200);
  }
  indicators = (await maria.get('/api/partnership-indicators')).body.data;
});
afterAll(() => ctx.close());

const byKey = (key: string) => indicators.find((i) => i.key === key)!.id;
const assess = (client: Client, json: unknown, id = accountId) => client.post(`/api/accounts/${id}/partnership-assessments`, json);

describe('partnership indicators', () => {
  it('start with the twenty signals of the issue, and only admins edit the list', async () => {
    expect(indicators).toHaveLength(20);
    expect(indicators[0]!.name).toBe('They call us a partner');
    expect(indicators.at(-1)!.name).toBe('They bend rules to keep us');
    expect((await maria.post('/api/partnership-indicators', { name: 'They pay on time' })).status).toBe(403);
    expect((await exec.patch(`/api/partnership-indicators/${byKey('they_host_us')}`, { enabled: false })).status).toBe(403);
    const added = await admin.post('/api/partnership-indicators', { name: 'They pay on time' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ key: null, position: 20, enabled: true });
    const off = await admin.patch(`/api/partnership-indicators/${added.body.id}`, { enabled: false });
    expect(off.body.enabled).toBe(false);
    expect((await admin.patch(`/api/partnership-indicators/${added.body.id}`, { name: '' })).status).toBe(400);
    indicators = (await maria.get('/api/partnership-indicators')).body.data;
  });
});

describe('assessing an account', () => {
  it('scores each assessment (partly counts half) and shows the trend beside the audit answer', async () => {
    // January: 2 yes, 2 partly, 4 no → (2 + 1) / 8 = 37.5 %.
    const january = await assess(maria, {
      assessedAt: '2026-01-15T10:00:00Z',
      notes: 'First look',
      answers: [
        { indicatorId: byKey('call_us_partner'), answer: 'yes' },
        { indicatorId: byKey('evidence_of_value'), answer: 'yes' },
        { indicatorId: byKey('understand_strategy'), answer: 'partly' },
        { indicatorId: byKey('share_confidential'), answer: 'partly', note: 'Only with the CFO' },
        { indicatorId: byKey('they_host_us'), answer: 'no' },
        { indicatorId: byKey('shape_tenders'), answer: 'no' },
        { indicatorId: byKey('they_refer_us'), answer: 'no' },
        { indicatorId: byKey('bend_rules'), answer: 'no' },
      ],
    });
    expect(january.status, january.text).toBe(201);
    expect(january.body).toMatchObject({ yes: 2, partly: 2, no: 4, score: 37.5, notes: 'First look', assessedBy: { id: maria.user.id } });
    expect(january.body.answers.find((a: any) => a.indicatorId === byKey('share_confidential')).note).toBe('Only with the CFO');

    // Now (2 March): 3 yes, 1 partly, 1 no → 3.5 / 5 = 70 %.
    const march = await assess(admin, {
      answers: [
        { indicatorId: byKey('call_us_partner'), answer: 'yes' },
        { indicatorId: byKey('evidence_of_value'), answer: 'yes' },
        { indicatorId: byKey('understand_strategy'), answer: 'yes' },
        { indicatorId: byKey('they_host_us'), answer: 'partly' },
        { indicatorId: byKey('bend_rules'), answer: 'no' },
      ],
    });
    expect(march.body).toMatchObject({ score: 70, assessedAt: '2026-03-02T09:00:00.000Z' });

    const res = await exec.get(`/api/accounts/${accountId}/partnership`);
    expect(res.status).toBe(200);
    expect(res.body.assessments.map((a: any) => [a.assessedAt.slice(0, 10), a.score])).toEqual([
      ['2026-01-15', 37.5],
      ['2026-03-02', 70],
    ]);
    expect(res.body.trend).toEqual({ latest: 70, previous: 37.5, change: 32.5, direction: 'rising' });
    expect(res.body.audit).toMatchObject({ campaignName: 'Audit spring', supplier: 1, partner: 2 });
  });

  it('refuses bad input, switched-off indicators, other managers and executives without writing anything', async () => {
    const before = await ctx.database.db.select().from(partnershipAssessments);
    const one = [{ indicatorId: byKey('call_us_partner'), answer: 'yes' }];
    expect((await assess(maria, { answers: [] })).status).toBe(400);
    const bad = await assess(maria, { answers: [{ indicatorId: byKey('call_us_partner'), answer: 'maybe' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('answers.0.answer');
    expect((await assess(maria, { answers: [...one, ...one] })).status).toBe(400);
    const off = indicators.find((i) => i.name === 'They pay on time')!.id;
    const offRes = await assess(maria, { answers: [...one, { indicatorId: off, answer: 'yes' }] });
    expect(offRes.status).toBe(400);
    expect(offRes.body.error.issues[0]).toEqual({ path: 'answers.1.indicatorId', message: 'is switched off' });
    const future = await assess(maria, { assessedAt: '2027-01-01T00:00:00Z', answers: one });
    expect(future.status).toBe(400);
    expect((await assess(tom, { answers: one })).status).toBe(404);
    expect((await tom.get(`/api/accounts/${accountId}/partnership`)).status).toBe(404);
    expect((await assess(exec, { answers: one })).status).toBe(403);
    expect(await ctx.database.db.select().from(partnershipAssessments)).toEqual(before);
  });
});
