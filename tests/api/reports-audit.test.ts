import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { parseCsv } from '../../src/server/domain/csv.js';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { and, eq } from 'drizzle-orm';
import { messages } from '../../src/server/db/schema/index.js';
import { createAccountWithContacts, sendCampaign } from '../helpers/survey-fixtures.js';

/**
 * A key account audited twice, six months apart, answered through the real survey links. Hand-computed figures:
 *   wave 1 (March): Ana (instigator) marks 8, partner, NPS 9; Ben (influencer) marks 6, supplier, NPS 5; Cruz only
 *     wrote a partial answer to "How could we help?".
 *     marks: n 2, mean 7, sd √(((8−7)² + (6−7)²) / 1) = 1.41, min 6, max 8; partner ½, supplier ½.
 *     NPS: P 1, D 1 of 2 → 0; the list of 3 was asked, so the margin is finite-population corrected.
 *   wave 2 (September): Ana 9, partner, NPS 10; Ben 4, supplier, NPS 3; Cruz 7, partner, NPS 8.
 *     marks: n 3, mean 6.67, sd √((2.33² + 2.67² + 0.33²) / 2) = 2.52, min 4, max 9; partner ⅔, supplier ⅓.
 *     NPS: everyone answered (3 of 3) → 0 ± 0.
 *   "How could we help?" has six answers over the two waves: the latest five, newest first (Ana's first one drops).
 * An NPS campaign to the same account in between is not an audit wave.
 */

let ctx: TestContext;
let manager: TestClient & { user: TestUser };
let accountId: string;
let emails: string[];
const help = ['Ana: train our new team', 'Ben: faster support', 'Cruz: not sure yet', 'Ana: a quarterly review', 'Ben: fewer invoices', 'Cruz: an API for orders'];

/** Answers the survey link this campaign emailed to this person, a minute after the previous answer. */
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

beforeAll(async () => {
  ctx = await createTestContext({ minDaysBetweenSurveys: 0, companyName: 'Northwind' });
  manager = await ctx.signIn('account_manager');
  ({ accountId, emails } = await createAccountWithContacts(manager, [
    { name: 'Ana Ruiz', level: 'instigator' },
    { name: 'Ben Okoro', level: 'influencer' },
    { name: 'Cruz Lee', level: 'implementer' },
  ]));
  const [ana, ben, cruz] = emails as [string, string, string];

  const spring = await sendCampaign(ctx, manager, { accountIds: [accountId], survey: 'audit', name: 'Audit spring' });
  await answer(spring, ana, { marks: 8, supplier_or_partner: { selected: ['partner'] }, nps: 9, one_sentence: 'Reliable', how_we_help: help[0] });
  await answer(spring, ben, { marks: 6, supplier_or_partner: { selected: ['supplier'] }, nps: 5, how_we_help: help[1] });
  await answer(spring, cruz, { how_we_help: help[2] }, false); // a partial response: only this text

  ctx.clock.advance(60 * 86_400_000);
  manager = await ctx.signIn(manager.user);
  const npsCampaign = await sendCampaign(ctx, manager, { accountIds: [accountId], survey: 'nps' });
  await answer(npsCampaign, ana, { nps: 2 });

  ctx.clock.advance(120 * 86_400_000);
  manager = await ctx.signIn(manager.user);
  const autumn = await sendCampaign(ctx, manager, { accountIds: [accountId], survey: 'audit', name: 'Audit autumn' });
  await answer(autumn, ana, { marks: 9, supplier_or_partner: { selected: ['partner'] }, nps: 10, one_sentence: 'A true partner', how_we_help: help[3] });
  await answer(autumn, ben, { marks: 4, supplier_or_partner: { selected: ['supplier'] }, nps: 3, how_we_help: help[4] });
  await answer(autumn, cruz, { marks: 7, supplier_or_partner: { selected: ['partner'] }, nps: 8, how_we_help: help[5] });
});
afterAll(() => ctx.close());

const question = (body: any, key: string) => body.questions.find((q: any) => q.key === key);

describe('GET /api/reports/audit', () => {
  it('lists the audit waves, oldest first, with invitations and responses (the NPS campaign is not one)', async () => {
    const res = await manager.get(`/api/reports/audit?accountId=${accountId}`);
    expect(res.status).toBe(200);
    expect(res.body.accountId).toBe(accountId);
    expect(res.body.waves.map((w: any) => [w.campaignName, w.wave, w.invited, w.responses])).toEqual([
      ['Audit spring', 1, 3, 3],
      ['Audit autumn', 1, 3, 3],
    ]);
    expect(res.body.waves[0].sentAt < res.body.waves[1].sentAt).toBe(true);
    // Every question of the audit, in the survey's order, each over both waves.
    expect(res.body.questions.map((q: any) => q.key).slice(0, 3)).toEqual(['meets_expectations', 'exceeds_expectations', 'falls_short']);
    expect(res.body.questions).toHaveLength(17);
  });

  it('marks out of ten: mean, standard deviation, min, max and n per wave', async () => {
    const marks = question((await manager.get(`/api/reports/audit?accountId=${accountId}`)).body, 'marks');
    expect(marks).toMatchObject({ kind: 'rating', text: 'Overall, what marks out of ten would you give us?' });
    const [spring, autumn] = marks.waves;
    expect(spring).toMatchObject({ n: 2, mean: 7, min: 6, max: 8 });
    expect(spring.standardDeviation).toBeCloseTo(Math.SQRT2, 2);
    expect(autumn).toMatchObject({ n: 3, min: 4, max: 9 });
    expect(autumn.mean).toBeCloseTo(20 / 3, 2);
    expect(autumn.standardDeviation).toBeCloseTo(Math.sqrt(19 / 3), 2); // (49/9 + 64/9 + 1/9) / 2 = 19/3
  });

  it('supplier or partner: the share of each option', async () => {
    const choice = question((await manager.get(`/api/reports/audit?accountId=${accountId}`)).body, 'supplier_or_partner');
    expect(choice.kind).toBe('choice');
    expect(choice.waves[0]).toMatchObject({
      n: 2,
      options: [
        { value: 'supplier', label: 'A supplier', count: 1, share: 0.5 },
        { value: 'partner', label: 'A partner', count: 1, share: 0.5 },
      ],
    });
    expect(choice.waves[1].n).toBe(3);
    expect(choice.waves[1].options.map((o: any) => [o.value, o.count, o.share])).toEqual([
      ['supplier', 1, 0.3333],
      ['partner', 2, 0.6667],
    ]);
  });

  it('the NPS question per wave, with the margin shrinking to 0 once the whole list answered', async () => {
    const nps = question((await manager.get(`/api/reports/audit?accountId=${accountId}`)).body, 'nps');
    expect(nps.text).toContain('Northwind');
    // Wave 1: P 1, D 1 of 2 → 0. Adjusted Wald: p' = d' = 1.75/5 = .35 → var .70, 1.96·√(.70/5)·100 = 73.34;
    // 2 of a list of 3 answered: × √(1/2) = 51.86.
    expect(nps.waves[0]).toMatchObject({ responses: 2, promoters: 1, passives: 0, detractors: 1, nps: 0 });
    expect(nps.waves[0].marginOfError).toBeCloseTo(51.86, 1);
    expect(nps.waves[1]).toMatchObject({ responses: 3, promoters: 1, passives: 1, detractors: 1, nps: 0, marginOfError: 0 });
  });

  it("text questions: the latest five answers, newest first, with the contact's name, level and date", async () => {
    const body = (await manager.get(`/api/reports/audit?accountId=${accountId}`)).body;
    const helpAnswers = question(body, 'how_we_help');
    expect(helpAnswers.kind).toBe('text');
    expect(helpAnswers.latest.map((a: any) => a.text)).toEqual(help.slice(1).reverse());
    expect(helpAnswers.latest[0]).toMatchObject({ contactName: 'Cruz Lee', contactLevel: 'implementer', campaignId: body.waves[1].campaignId, wave: 1 });
    expect(new Date(helpAnswers.latest[0].answeredAt).getTime()).toBe(ctx.clock.now().getTime() - 60_000);
    expect(question(body, 'one_sentence').latest.map((a: any) => [a.text, a.contactName, a.contactLevel])).toEqual([
      ['A true partner', 'Ana Ruiz', 'instigator'],
      ['Reliable', 'Ana Ruiz', 'instigator'],
    ]);
    expect(question(body, 'pressures_ahead').latest).toEqual([]);
  });

  it('CSV: one row per figure, parsed back equal to the JSON', async () => {
    const json = (await manager.get(`/api/reports/audit?accountId=${accountId}`)).body;
    const res = await manager.get(`/api/reports/audit?accountId=${accountId}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/);
    const [header, ...rows] = parseCsv(res.text).map((r) => r.fields);
    expect(header).toEqual(['questionKey', 'question', 'kind', 'campaignId', 'campaignName', 'wave', 'waveSentAt', 'measure', 'value', 'contactName', 'contactLevel', 'answeredAt']);
    const find = (key: string, campaignId: string, measure: string) =>
      rows.filter((r) => r[0] === key && r[3] === campaignId && r[7] === measure).map((r) => r[8]);
    const [spring, autumn] = json.waves;
    expect(find('', spring.campaignId, 'responses')).toEqual(['3']);
    const marks = question(json, 'marks');
    for (const [i, wave] of [spring, autumn].entries()) {
      for (const measure of ['n', 'mean', 'standardDeviation', 'min', 'max']) {
        expect(find('marks', wave.campaignId, measure).map(Number)).toEqual([marks.waves[i][measure]]);
      }
    }
    expect(find('supplier_or_partner', autumn.campaignId, 'share:partner')).toEqual(['0.6667']);
    expect(find('nps', spring.campaignId, 'marginOfError').map(Number)).toEqual([question(json, 'nps').waves[0].marginOfError]);
    const texts = rows.filter((r) => r[0] === 'how_we_help' && r[7] === 'answer');
    expect(texts.map((r) => [r[8], r[9], r[10], r[11]])).toEqual(
      question(json, 'how_we_help').latest.map((a: any) => [a.text, a.contactName, a.contactLevel, a.answeredAt]),
    );
  });

  it("another manager's account is a 404; executives read it; bad ids are 400 or 404", async () => {
    const other = await ctx.signIn('account_manager');
    expect((await other.get(`/api/reports/audit?accountId=${accountId}`)).status).toBe(404);
    expect((await other.get(`/api/reports/audit?accountId=${accountId}&format=csv`)).status).toBe(404);
    const executive = await ctx.signIn('executive');
    expect((await executive.get(`/api/reports/audit?accountId=${accountId}`)).status).toBe(200);
    expect((await executive.get(`/api/reports/audit?accountId=${randomUUID()}`)).status).toBe(404);
    expect((await executive.get('/api/reports/audit?accountId=nope')).status).toBe(400);
    expect((await executive.get('/api/reports/audit')).status).toBe(400);
    expect((await ctx.anonymous().get(`/api/reports/audit?accountId=${accountId}`)).status).toBe(401);
  });

  it('an account never audited has no waves and empty figures', async () => {
    const { accountId: fresh } = await createAccountWithContacts(manager, []);
    const res = await manager.get(`/api/reports/audit?accountId=${fresh}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ waves: [], questions: [] });
  });
});
