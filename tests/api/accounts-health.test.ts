import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, sendCampaign } from '../helpers/survey-fixtures.js';
import { messages } from '../../src/server/db/schema/index.js';

/**
 * The accounts list with health (GET /api/accounts `include=health`, `sort=nps`, `risk=`): the NPS and risk the
 * Monday Morning Report gives each account, sorted and filtered over every matching account before paging.
 */

const NOW = '2026-03-02T09:00:00Z';

let ctx: TestContext;
let manager: TestClient & { user: TestUser };
let colleague: TestClient & { user: TestUser };
let executive: TestClient & { user: TestUser };
const ids = new Map<string, string>();
let campaignId: string;

async function answer(campaign: string, emails: string[], scores: (number | null)[]) {
  for (const [i, score] of scores.entries()) {
    if (score === null) continue;
    const [mail] = await ctx.database.db
      .select({ text: messages.text })
      .from(messages)
      .where(and(eq(messages.campaignId, campaign), eq(messages.toAddress, emails[i]!)));
    const token = /\/s\/([\w-]+)/.exec(mail!.text!)![1];
    const res = await ctx.anonymous().post(`/s/${token}/answers`, { answers: { nps: score }, complete: true });
    expect(res.status).toBe(200);
  }
}

/** An account of `client` with `contacts` people at every level in turn, and their NPS answers (null = silent). */
async function account(client: TestClient, name: string, scores: (number | null)[] | null, fields: Record<string, unknown> = {}, contacts = 3) {
  const n = Math.max(contacts, scores?.length ?? 0);
  const created = await createAccountWithContacts(client, Array.from({ length: n }, () => ({})), { name, ...fields });
  ids.set(name, created.accountId);
  if (scores) {
    const campaign = await sendCampaign(ctx, client, { accountIds: [created.accountId] });
    campaignId ??= campaign.id;
    await answer(campaign.id, created.emails, scores);
  }
  return created;
}

const names = (res: { body: { data: { name: string }[] } }) => res.body.data.map((a) => a.name);

beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC' });
  manager = await ctx.signIn('account_manager');
  colleague = await ctx.signIn('account_manager');
  executive = await ctx.signIn('executive');
  const admin = await ctx.signIn('admin');
  // Follow-up rules off, so tasks (and their risk reasons) are only the ones made here.
  for (const rule of (await admin.get('/api/follow-up-rules')).body.data) {
    await admin.patch(`/api/follow-up-rules/${rule.id}`, { enabled: false });
  }
  ctx.clock.set(NOW);
  await account(manager, 'Alpha', [10, 9, 9]); // 3 promoters of 3: +100
  await account(manager, 'Bravo', [9, 7, 5]); // 1 promoter, 1 detractor of 3: 0
  await account(manager, 'Charlie', [10, 10, 10, 3]); // 3 − 1 of 4: +50
  await account(manager, 'Delta', null); // never asked: no NPS
  await account(manager, 'Echo', [6, 3, null]); // 2 detractors of 2: −100
  await account(manager, 'Foxtrot', null, { stage: 'prospect' }); // not scored
  const late = await account(manager, 'Golf', null);
  await manager.post('/api/tasks', { accountId: late.accountId, title: 'Call about the outage', priority: 'high', dueAt: '2026-02-27' });
  await account(colleague, 'Zulu', [10, 10, 10]);
}, 120_000);
afterAll(() => ctx.close());

describe('GET /api/accounts with health', () => {
  it('adds the owner to every row, and the NPS (hand-computed) and risk when asked', async () => {
    const plain = await manager.get('/api/accounts');
    expect(plain.status).toBe(200);
    expect(plain.body.data[0].owner).toEqual({ id: manager.user.id, name: manager.user.name });
    expect(plain.body.data[0]).not.toHaveProperty('health');

    const res = await manager.get('/api/accounts?include=health&pageSize=100');
    expect(res.status).toBe(200);
    const health = Object.fromEntries(res.body.data.map((a: any) => [a.name, a.health]));
    expect(health.Alpha).toMatchObject({ nps: 100, npsResponses: 3, npsPeriod: '2026-Q1', risk: 'green', riskReasons: [] });
    expect(health.Bravo).toMatchObject({ nps: 0, npsResponses: 3 });
    expect(health.Charlie).toMatchObject({ nps: 50, npsResponses: 4 });
    expect(health.Echo).toMatchObject({ nps: -100, npsResponses: 2 });
    expect(health.Delta).toMatchObject({ nps: null, npsResponses: 0, npsPeriod: null });
    expect(health.Foxtrot).toEqual({
      nps: null,
      npsMargin: null,
      npsPeriod: null,
      npsResponses: 0,
      npsAsked: null,
      npsEveryoneAnswered: false,
      risk: null,
      riskScore: null,
      riskReasons: [],
    });
    expect(health.Golf.risk).toBe('red');
    expect(health.Golf.riskReasons.map((r: any) => r.code)).toContain('overdue_high_priority_tasks');
    // Alpha: all 3 contacts asked answered — the quarter's score is exact, and the API says so rather than "±0".
    expect(health.Alpha).toMatchObject({ npsMargin: 0, npsAsked: 3, npsEveryoneAnswered: true });
    // Echo: 2 of the 3 asked: a margin, with the finite-population correction. −100 from 2 people is not yet an
    // NPS risk reason (fewer than 3 answers).
    expect(health.Echo).toMatchObject({ npsAsked: 3, npsEveryoneAnswered: false });
    expect(health.Echo.npsMargin).toBeGreaterThan(0);
    expect(health.Echo.riskReasons.map((r: any) => r.code)).not.toContain('low_nps');
  });

  it('agrees with the risk report for every scored account', async () => {
    const report = (await manager.get('/api/reports/risk')).body.accounts as any[];
    const list = (await manager.get('/api/accounts?include=health&pageSize=100')).body.data as any[];
    for (const row of report) {
      const item = list.find((a) => a.id === row.accountId)!;
      expect({ level: item.health.risk, nps: item.health.nps, reasons: item.health.riskReasons }).toEqual({
        level: row.level,
        nps: row.nps,
        reasons: row.reasons,
      });
    }
  });

  it('sorts by NPS both ways, accounts without one last, over every page', async () => {
    const up = await manager.get('/api/accounts?sort=nps&pageSize=100');
    expect(names(up)).toEqual(['Echo', 'Bravo', 'Charlie', 'Alpha', 'Delta', 'Foxtrot', 'Golf']);
    expect(up.body.data[0].health.nps).toBe(-100);
    const down = await manager.get('/api/accounts?sort=-nps&pageSize=100');
    expect(names(down)).toEqual(['Alpha', 'Charlie', 'Bravo', 'Echo', 'Delta', 'Foxtrot', 'Golf']);

    const pages: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await manager.get(`/api/accounts?sort=-nps&pageSize=3&page=${page}`);
      expect(res.body).toMatchObject({ page, pageSize: 3, total: 7 });
      pages.push(...names(res));
    }
    expect(pages).toEqual(names(down));
  });

  it('sorts by NPS within the other filters', async () => {
    const res = await manager.get('/api/accounts?sort=-nps&q=o'); // Bravo, Echo, Foxtrot, Golf
    expect(names(res)).toEqual(['Bravo', 'Echo', 'Foxtrot', 'Golf']);
    expect(res.body.total).toBe(4);
  });

  it('filters by risk level; unscored accounts drop out; the total counts the filtered accounts', async () => {
    const all = (await manager.get('/api/accounts?include=health&pageSize=100')).body.data as any[];
    const levelOf = (level: string) => all.filter((a) => a.health.risk === level).map((a) => a.name).sort();

    const red = await manager.get('/api/accounts?risk=red');
    expect(red.status).toBe(200);
    expect(names(red).sort()).toEqual(levelOf('red'));
    expect(names(red)).toContain('Golf');
    expect(red.body.total).toBe(levelOf('red').length);

    const redAmber = await manager.get('/api/accounts?risk=red,%20amber&sort=-nps');
    expect(names(redAmber).sort()).toEqual([...levelOf('red'), ...levelOf('amber')].sort());
    expect(names(redAmber)).not.toContain('Foxtrot');
    expect(redAmber.body.data.every((a: any) => ['red', 'amber'].includes(a.health.risk))).toBe(true);

    const green = await manager.get('/api/accounts?risk=green&pageSize=1');
    expect(green.body.total).toBe(levelOf('green').length);
    expect(green.body.data).toHaveLength(1);
  });

  it('keeps a manager to their own accounts, whatever the sort or filter', async () => {
    for (const query of ['sort=nps', 'sort=-nps', 'risk=green,amber,red', 'include=health', `ownerId=${colleague.user.id}&sort=-nps`]) {
      const res = await manager.get(`/api/accounts?${query}&pageSize=100`);
      expect(res.status).toBe(200);
      expect(names(res)).not.toContain('Zulu');
      expect(res.body.data.every((a: any) => a.ownerId === manager.user.id)).toBe(true);
    }
    const theirs = await colleague.get('/api/accounts?sort=-nps');
    expect(names(theirs)).toEqual(['Zulu']);
    expect(theirs.body.data[0].health).toMatchObject({ nps: 100, npsResponses: 3 });
  });

  it('shows an executive the whole portfolio, and an owner filter narrows it', async () => {
    const all = await executive.get('/api/accounts?sort=-nps&pageSize=100');
    expect(names(all).slice(0, 2).sort()).toEqual(['Alpha', 'Zulu']);
    expect(all.body.total).toBe(8);
    const theirs = await executive.get(`/api/accounts?sort=-nps&ownerId=${colleague.user.id}`);
    expect(names(theirs)).toEqual(['Zulu']);
    expect(theirs.body.data[0].owner).toEqual({ id: colleague.user.id, name: colleague.user.name });
  });

  it('answers 400 for unknown values', async () => {
    for (const query of ['risk=purple', 'risk=red,blue', 'risk=', 'sort=risk', 'sort=npss', 'include=everything']) {
      const res = await manager.get(`/api/accounts?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('GET /api/campaigns?accountId=', () => {
  it('lists the campaigns that reached the account', async () => {
    const res = await manager.get(`/api/campaigns?accountId=${ids.get('Alpha')}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: any) => c.id)).toEqual([campaignId]);
    expect(res.body.total).toBe(1);
    const none = await manager.get(`/api/campaigns?accountId=${ids.get('Delta')}`);
    expect(none.body).toMatchObject({ data: [], total: 0 });
    const exec = await executive.get(`/api/campaigns?accountId=${ids.get('Zulu')}`);
    expect(exec.body.total).toBe(1);
  });

  it("answers 404 for another manager's account and 400 for a bad id", async () => {
    const res = await manager.get(`/api/campaigns?accountId=${ids.get('Zulu')}`);
    expect(res.status).toBe(404);
    expect((await manager.get('/api/campaigns?accountId=nope')).status).toBe(400);
  });
});
