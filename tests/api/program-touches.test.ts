import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/server/domain/csv.js';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';

type Client = TestClient & { user: TestUser };
let ctx: TestContext;
let admin: Client;
let maria: Client;
let tom: Client;
const account: Record<string, string> = {};
const contact: Record<string, string> = {};

/**
 * A hand-computed fixture. The fake clock stands at 2026-03-02, so 2026-H1 is running: its touches are those of
 * 2026-01-01–2026-06-30 and its social events those of the twelve months 2025-03-03–2026-03-02. For the closed
 * half 2025-H2: touches of 2025-07-01–2025-12-31, social events of 2025-01-01–2025-12-31.
 */
beforeAll(async () => {
  ctx = await createTestContext();
  [admin, maria, tom] = await Promise.all([ctx.signIn('admin'), ctx.signIn('account_manager'), ctx.signIn('account_manager')]);
  for (const [name, owner, stage] of [
    ['Alpha', maria, 'key_account'],
    ['Bravo', maria, 'key_account'],
    ['Charlie', maria, 'key_account'],
    ['Echo', maria, 'customer'],
    ['Delta', tom, 'key_account'],
  ] as const) {
    const res = await admin.post('/api/accounts', { name, stage, ownerId: owner.user.id });
    expect(res.status, res.text).toBe(201);
    account[name] = res.body.id;
  }
  for (const [name, at, level, owner] of [
    ['Ada', 'Alpha', 'instigator', maria],
    ['Abe', 'Alpha', 'implementer', maria],
    ['Bea', 'Bravo', 'influencer', maria],
    ['Bo', 'Bravo', 'instigator', maria],
    ['Cy', 'Charlie', 'implementer', maria],
    ['Eve', 'Echo', 'instigator', maria],
    ['Dan', 'Delta', 'instigator', tom],
  ] as const) {
    const res = await owner.post(`/api/accounts/${account[at]}/contacts`, { name, email: `${name.toLowerCase()}@${at.toLowerCase()}.example`, level, buyingRole: 'user' });
    expect(res.status, res.text).toBe(201);
    contact[name] = res.body.id;
  }
  const log = async (client: Client, at: string, occurredOn: string, kind: string, people: string[]) => {
    const res = await client.post(`/api/accounts/${account[at]}/touchpoints`, { occurredOn, kind, contactIds: people.map((p) => contact[p]) });
    expect(res.status, res.text).toBe(201);
  };
  await log(maria, 'Alpha', '2026-02-10', 'meeting', ['Ada', 'Abe']); // executive
  await log(maria, 'Alpha', '2026-01-05', 'call', ['Abe']);
  await log(maria, 'Alpha', '2025-12-20', 'qbr', ['Ada']); // executive, in 2025-H2
  await log(maria, 'Alpha', '2025-06-15', 'social_event', ['Abe']);
  await log(maria, 'Bravo', '2026-02-01', 'visit', ['Bea']);
  await log(maria, 'Bravo', '2026-01-20', 'call', ['Bo', 'Bea']); // executive
  await log(maria, 'Bravo', '2026-03-01', 'social_event', ['Bo']); // executive and social
  await log(maria, 'Charlie', '2025-03-02', 'social_event', ['Cy']); // a day before 2026-H1's twelve months
  await log(maria, 'Charlie', '2026-02-15', 'call', []);
  await log(maria, 'Echo', '2026-02-15', 'visit', ['Eve']); // not a key account
  await log(tom, 'Delta', '2026-02-16', 'meeting', ['Dan']);
  // Bo leaves Bravo: the meetings with him were still executive-level.
  expect((await maria.delete(`/api/contacts/${contact.Bo}`)).status).toBeLessThan(300);
});
afterAll(() => ctx.close());

type Report = {
  accounts: { accountName: string; touches: { touches: number; executive: number; lastExecutiveOn: string | null; socialEventOn: string | null } }[];
  touches: { withExecutiveTouch: number; withSocialEvent: number; socialFrom: string; socialTo: string };
};
const touchesIn = (report: Report) => Object.fromEntries(report.accounts.map((a) => [a.accountName, a.touches]));

describe('program evaluation: meeting the customer', () => {
  it('counts executive-level touches in the running half and social events in the last twelve months', async () => {
    const res = await maria.get('/api/reports/program');
    expect(res.status, res.text).toBe(200);
    const report = res.body as Report;
    expect(touchesIn(report)).toEqual({
      Alpha: { touches: 2, executive: 1, lastExecutiveOn: '2026-02-10', socialEventOn: '2025-06-15' },
      Bravo: { touches: 3, executive: 2, lastExecutiveOn: '2026-03-01', socialEventOn: '2026-03-01' },
      Charlie: { touches: 1, executive: 0, lastExecutiveOn: null, socialEventOn: null },
    });
    expect(report.touches).toEqual({ withExecutiveTouch: 2, withSocialEvent: 2, socialFrom: '2025-03-03', socialTo: '2026-03-02' });
  });

  it('looks back over a closed half and the twelve months up to its end', async () => {
    const res = await maria.get('/api/reports/program?period=2025-H2');
    expect(res.status, res.text).toBe(200);
    const report = res.body as Report;
    expect(touchesIn(report)).toEqual({
      Alpha: { touches: 1, executive: 1, lastExecutiveOn: '2025-12-20', socialEventOn: '2025-06-15' },
      Bravo: { touches: 0, executive: 0, lastExecutiveOn: null, socialEventOn: null },
      Charlie: { touches: 0, executive: 0, lastExecutiveOn: null, socialEventOn: '2025-03-02' },
    });
    expect(report.touches).toEqual({ withExecutiveTouch: 1, withSocialEvent: 2, socialFrom: '2025-01-01', socialTo: '2025-12-31' });
  });

  it("counts only the caller's key accounts; an admin sees the whole program", async () => {
    const all = (await admin.get('/api/reports/program')).body as Report;
    expect(touchesIn(all).Delta).toEqual({ touches: 1, executive: 1, lastExecutiveOn: '2026-02-16', socialEventOn: null });
    expect(all.touches).toMatchObject({ withExecutiveTouch: 3, withSocialEvent: 2 });
    const toms = (await tom.get('/api/reports/program')).body as Report;
    expect(Object.keys(touchesIn(toms))).toEqual(['Delta']);
  });

  it('puts the figures in the evaluation CSV', async () => {
    const res = await maria.get('/api/reports/program?format=csv');
    expect(res.status).toBe(200);
    const [head, ...rows] = parseCsv(res.text).map((r) => r.fields);
    const col = (name: string) => head!.indexOf(name);
    const bravo = rows.find((r) => r[col('accountName')] === 'Bravo')!;
    expect([bravo[col('touches')], bravo[col('executiveTouches')], bravo[col('lastExecutiveTouch')], bravo[col('lastSocialEventWithin12Months')]]).toEqual(['3', '2', '2026-03-01', '2026-03-01']);
  });
});
