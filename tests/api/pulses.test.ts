import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createTestContext, TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, outbox, sendCampaign } from '../helpers/survey-fixtures.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { sendDuePulses } from '../../src/server/jobs/send-pulses.js';
import { campaigns, contacts, pulses } from '../../src/server/db/schema/index.js';

type Client = TestClient & { user: TestUser };
const DAY = 86_400_000;

let ctx: TestContext;
let admin: Client;
let maria: Client;
let tom: Client;
let exec: Client;
let account: { accountId: string; contactIds: string[]; emails: string[] };
let tomsAccount: { accountId: string; contactIds: string[]; emails: string[] };

// The fake clock starts on Monday 2 March 2026, 09:00 UTC; the company's calendar is UTC here.
beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC', minDaysBetweenSurveys: 30 });
  [admin, maria, tom, exec] = await Promise.all([ctx.signIn('admin'), ctx.signIn('account_manager'), ctx.signIn('account_manager'), ctx.signIn('executive')]);
  account = await createAccountWithContacts(maria, [{ name: 'Ana' }, { name: 'Bo' }, { name: 'Cy' }, { name: 'Di' }]);
  tomsAccount = await createAccountWithContacts(tom, [{ name: 'Eve' }]);
});
afterAll(() => ctx.close());

/** Sessions end while days pass on the fake clock: everyone signs in again. */
async function signInAgain() {
  [admin, maria, tom, exec] = (await Promise.all([admin, maria, tom, exec].map((c) => ctx.signIn(c.user)))) as [Client, Client, Client, Client];
}

/** Time passes; the per-minute scheduler runs and the queue empties. */
async function later(ms: number) {
  ctx.clock.advance(ms);
  await schedulerTick(ctx.deps);
  await ctx.runJobs();
  await signInAgain();
}
const stored = async () => (await ctx.database.db.select({ n: count() }).from(pulses))[0]!.n;
const inbox = async (address: string) => (await outbox(ctx)).filter((e) => e.to === address);
const pulseOf = async (client: TestClient, id: string, accountId = account.accountId) => {
  const res = await client.get(`/api/pulses?accountId=${accountId}&pageSize=100`);
  expect(res.status, res.text).toBe(200);
  return res.body.data.find((p: { id: string }) => p.id === id);
};

describe('posting a pulse after an event', () => {
  it('a pulse posted twice sends once and respects the frequency window', async () => {
    const [ana, bo] = account.emails as [string, string];
    const first = await maria.post('/api/pulses', { email: ana.toUpperCase(), event: 'delivery', reference: 'D-1042', occurredAt: '2026-03-02T08:30:00Z' });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({
      event: 'delivery',
      eventName: 'Delivery',
      reference: 'D-1042',
      accountId: account.accountId,
      contactId: account.contactIds[0],
      contactName: 'Ana',
      status: 'scheduled',
      // One business day after the delivery, at the same time of day.
      sendAt: '2026-03-03T08:30:00.000Z',
      campaignId: null,
      answer: null,
    });
    const again = await maria.post('/api/pulses', { contactId: account.contactIds[0], event: 'delivery', reference: 'D-1042', occurredAt: '2026-03-02T08:45:00Z' });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await stored()).toBe(1);

    // Bo answered an NPS survey today: within the 30-day window, his pulse is skipped.
    await sendCampaign(ctx, maria, { contactIds: [account.contactIds[1]!] });
    const boPulse = await maria.post('/api/pulses', { email: bo, event: 'delivery', reference: 'D-1043' });
    expect(boPulse.status, boPulse.text).toBe(201);

    await later(60_000);
    expect(await inbox(ana)).toHaveLength(0); // not before the delay
    await later(DAY);
    const mails = await inbox(ana);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('How did this delivery go?');
    const sent = await pulseOf(maria, first.body.id);
    expect(sent).toMatchObject({ status: 'sent', skipReason: null });
    expect(sent.campaignId).toBeTruthy();
    const [campaign] = await ctx.database.db.select().from(campaigns).where(eq(campaigns.id, sent.campaignId));
    expect(campaign).toMatchObject({ name: 'Pulse · delivery D-1042', audience: { contactIds: [account.contactIds[0]], accountIds: [] } });
    expect(await pulseOf(maria, boPulse.body.id)).toMatchObject({ status: 'skipped', skipReason: 'recently_surveyed', campaignId: null });
    expect(await inbox(bo)).toHaveLength(1); // the NPS survey only

    // Posted a third time after it went, and more sweeps: still one pulse, one email.
    const third = await maria.post('/api/pulses', { email: ana, event: 'delivery', reference: 'D-1042' });
    expect(third.status).toBe(200);
    expect(third.body).toMatchObject({ id: first.body.id, status: 'sent' });
    await later(60_000);
    await later(60_000);
    expect(await inbox(ana)).toHaveLength(1);
    expect(await stored()).toBe(2);

    // Pulse campaigns stay out of the campaigns list (the page people launch campaigns from), but open by id.
    const list = await maria.get('/api/campaigns?pageSize=100');
    expect(list.body.data.map((c: { id: string }) => c.id)).not.toContain(sent.campaignId);
    expect(list.body.data).toHaveLength(1);
    expect((await maria.get(`/api/campaigns/${sent.campaignId}`)).status).toBe(200);
  });

  it('two sweeps at once (two processes) send a due pulse once', async () => {
    const { emails } = await createAccountWithContacts(maria, [{ name: 'Ivo' }]);
    const res = await maria.post('/api/pulses', { email: emails[0], event: 'delivery', reference: 'D-3000', occurredAt: new Date(ctx.clock.now().getTime() - 3 * DAY).toISOString() });
    expect(res.status, res.text).toBe(201);
    expect(await Promise.all([sendDuePulses(ctx.deps), sendDuePulses(ctx.deps)])).toEqual(expect.arrayContaining([1, 0]));
    await ctx.runJobs();
    expect(await inbox(emails[0]!)).toHaveLength(1);
    const made = await ctx.database.db.select({ n: count() }).from(campaigns).where(eq(campaigns.name, 'Pulse · delivery D-3000'));
    expect(made[0]!.n).toBe(1);
  });

  it('an unsubscribed or bounced contact is skipped with that reason, and nobody is emailed', async () => {
    const [, , cy, di] = account.emails as [string, string, string, string];
    await ctx.database.db.update(contacts).set({ unsubscribed: true }).where(eq(contacts.id, account.contactIds[2]!));
    await ctx.database.db.update(contacts).set({ bounced: true }).where(eq(contacts.id, account.contactIds[3]!));
    const cyPulse = await maria.post('/api/pulses', { email: cy, event: 'ticket_closed', reference: 'T-77' });
    const diPulse = await maria.post('/api/pulses', { email: di, event: 'project_milestone', reference: 'M-3' });
    expect([cyPulse.status, diPulse.status]).toEqual([201, 201]);
    await later(2 * DAY);
    expect(await pulseOf(maria, cyPulse.body.id)).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed' });
    expect(await pulseOf(maria, diPulse.body.id)).toMatchObject({ status: 'skipped', skipReason: 'bounced' });
    expect([...(await inbox(cy)), ...(await inbox(di))]).toHaveLength(0);
  });

  it('sends after the event type’s own delay, counted in business days', async () => {
    const type = await admin.post('/api/pulse-event-types', { key: 'onboarding_done', name: 'Onboarding finished', surveyId: await pulseSurveyId(), delayBusinessDays: 2 });
    expect(type.status, type.text).toBe(201);
    const { emails } = await createAccountWithContacts(maria, [{ name: 'Flo' }]);
    ctx.clock.set('2026-03-13T16:00:00Z'); // a Friday
    await signInAgain();
    const res = await maria.post('/api/pulses', { email: emails[0], event: 'onboarding_done', reference: 'ONB-1' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.sendAt).toBe('2026-03-17T16:00:00.000Z'); // Tuesday
    await later(3 * DAY + 23 * 3600_000); // Monday evening
    expect(await inbox(emails[0]!)).toHaveLength(0);
    await later(3600_000);
    expect(await inbox(emails[0]!)).toHaveLength(1);
  });

  it('a pulse whose event type is switched off before it is due is cancelled, unsent', async () => {
    const type = await admin.post('/api/pulse-event-types', { key: 'site_visit', name: 'Site visit', surveyId: await pulseSurveyId() });
    const { emails } = await createAccountWithContacts(maria, [{ name: 'Gus' }]);
    const res = await maria.post('/api/pulses', { email: emails[0], event: 'site_visit', reference: 'V-1' });
    expect(res.status, res.text).toBe(201);
    expect((await admin.patch(`/api/pulse-event-types/${type.body.id}`, { enabled: false })).status).toBe(200);
    await later(2 * DAY);
    expect(await pulseOf(maria, res.body.id, res.body.accountId)).toMatchObject({ status: 'cancelled', campaignId: null });
    expect(await inbox(emails[0]!)).toHaveLength(0);
    // And a switched-off event type takes no new pulses.
    const refused = await maria.post('/api/pulses', { email: emails[0], event: 'site_visit', reference: 'V-2' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('switched off');
  });
});

async function pulseSurveyId(): Promise<string> {
  const res = await admin.get('/api/pulse-event-types');
  return res.body.data.find((t: { key: string }) => t.key === 'delivery').surveyId;
}

describe('bad pulses are refused and write nothing', () => {
  it('unknown contact or email, unknown event, both or neither contact, bad dates: 400', async () => {
    const before = await stored();
    const cases: [Record<string, unknown>, string][] = [
      [{ contactId: '00000000-0000-4000-8000-000000000000', event: 'delivery', reference: 'X' }, 'contactId'],
      [{ email: 'nobody@nowhere.example', event: 'delivery', reference: 'X' }, 'email'],
      [{ email: account.emails[0], event: 'parcel_lost', reference: 'X' }, 'event'],
      [{ email: account.emails[0], contactId: account.contactIds[0], event: 'delivery', reference: 'X' }, 'contactId'],
      [{ event: 'delivery', reference: 'X' }, 'contactId'],
      [{ email: account.emails[0], event: 'delivery', reference: '' }, 'reference'],
      [{ email: account.emails[0], event: 'delivery', reference: 'X', occurredAt: 'yesterday' }, 'occurredAt'],
      [{ email: account.emails[0], event: 'delivery', reference: 'X', occurredAt: '2030-01-01T00:00:00Z' }, 'occurredAt'],
      [{ email: account.emails[0], event: 'delivery', reference: 'X', extra: 1 }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await maria.post('/api/pulses', body);
      expect(res.status, `${JSON.stringify(body)} → ${res.text}`).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      if (path) expect(res.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    const unknown = await maria.post('/api/pulses', { email: account.emails[0], event: 'parcel_lost', reference: 'X' });
    expect(unknown.body.error.message).toContain('delivery');
    const broken = await maria.request('POST', '/api/pulses', { body: '{"event":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(await stored()).toBe(before);
  });

  it("another manager's contact is unknown to them, their account's pulses not found; an executive cannot post", async () => {
    const before = await stored();
    const byId = await tom.post('/api/pulses', { contactId: account.contactIds[0], event: 'delivery', reference: 'T-1' });
    const byEmail = await tom.post('/api/pulses', { email: account.emails[0], event: 'delivery', reference: 'T-1' });
    expect([byId.status, byEmail.status]).toEqual([400, 400]);
    expect((await tom.get(`/api/pulses?accountId=${account.accountId}`)).status).toBe(404);
    expect((await tom.get(`/api/reports/pulses?accountId=${account.accountId}`)).status).toBe(404);
    // Tom's own list has none of Maria's pulses.
    const mine = await tom.get('/api/pulses');
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(0);
    const fromExec = await exec.post('/api/pulses', { email: tomsAccount.emails[0], event: 'delivery', reference: 'E-1' });
    expect(fromExec.status).toBe(403);
    expect(await stored()).toBe(before);
    // An admin may post for anyone's contact.
    expect((await admin.post('/api/pulses', { email: tomsAccount.emails[0], event: 'delivery', reference: 'A-1' })).status).toBe(201);
  });
});

describe('API keys', () => {
  async function keyWith(scope: string) {
    const res = await admin.post('/api/api-keys', { name: `Delivery system ${scope}`, scope });
    expect(res.status, res.text).toBe(201);
    return new TestClient(ctx.app, { authorization: `Bearer ${res.body.key}` });
  }

  it('a pulses:write key posts pulses and can do nothing else, not even read', async () => {
    const key = await keyWith('pulses:write');
    const posted = await key.post('/api/pulses', { email: tomsAccount.emails[0], event: 'delivery', reference: 'K-1' });
    expect(posted.status, posted.text).toBe(201);
    const refused = [
      await key.get('/api/pulses'),
      await key.get('/api/accounts'),
      await key.get('/api/pulse-event-types'),
      await key.post('/api/accounts', { name: 'Made by a pulse key' }),
      await key.post(`/api/accounts/${tomsAccount.accountId}/touchpoints`, { occurredOn: '2026-03-01', kind: 'call' }),
      await key.post('/api/pulse-event-types', { key: 'sneaky', name: 'Sneaky', surveyId: await pulseSurveyId() }),
      await key.patch(`/api/pulse-event-types/${(await admin.get('/api/pulse-event-types')).body.data[0].id}`, { enabled: false }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect(refused[0]!.body.error.message).toContain('POST /api/pulses');
    expect((await admin.get('/api/pulse-event-types')).body.data.every((t: { key: string; enabled: boolean }) => t.key !== 'sneaky' && (t.enabled || t.key === 'site_visit'))).toBe(true);
  });

  it('ordinary write and admin keys may post pulses too; a read key may not', async () => {
    const write = await keyWith('write');
    expect((await write.post('/api/pulses', { email: tomsAccount.emails[0], event: 'delivery', reference: 'K-2' })).status).toBe(201);
    const read = await keyWith('read');
    expect((await read.post('/api/pulses', { email: tomsAccount.emails[0], event: 'delivery', reference: 'K-3' })).status).toBe(403);
    expect((await read.get('/api/pulses')).status).toBe(200);
  });
});

describe('event types (admin)', () => {
  it('lists the built-in ones, adds one with a checked key, changes it; managers may read but not change', async () => {
    const list = await maria.get('/api/pulse-event-types');
    expect(list.status).toBe(200);
    const builtIn = list.body.data.filter((t: { key: string }) => ['delivery', 'ticket_closed', 'project_milestone'].includes(t.key));
    expect(builtIn).toHaveLength(3);
    expect(builtIn.every((t: { delayBusinessDays: number; enabled: boolean; surveyName: string }) => t.delayBusinessDays === 1 && t.enabled && t.surveyName.includes('delivery'))).toBe(true);
    const surveyId = await pulseSurveyId();
    for (const key of ['Bad Key', 'x', '1st', 'a-b']) {
      const bad = await admin.post('/api/pulse-event-types', { key, name: 'Bad', surveyId });
      expect(bad.status, key).toBe(400);
      expect(bad.body.error.issues[0].path).toBe('key');
    }
    expect((await admin.post('/api/pulse-event-types', { key: 'renewal_signed', name: 'Renewal', surveyId, delayBusinessDays: 31 })).status).toBe(400);
    expect((await admin.post('/api/pulse-event-types', { key: 'renewal_signed', name: 'Renewal', surveyId: '00000000-0000-4000-8000-000000000000' })).status).toBe(400);
    expect((await maria.post('/api/pulse-event-types', { key: 'renewal_signed', name: 'Renewal', surveyId })).status).toBe(403);
    const created = await admin.post('/api/pulse-event-types', { key: 'renewal_signed', name: 'Renewal signed', surveyId });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ key: 'renewal_signed', delayBusinessDays: 1, enabled: true, pulses: 0 });
    expect((await admin.post('/api/pulse-event-types', { key: 'renewal_signed', name: 'Again', surveyId })).status).toBe(409);
    const changed = await admin.patch(`/api/pulse-event-types/${created.body.id}`, { delayBusinessDays: 5, name: 'Renewal signed (5 days)' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ key: 'renewal_signed', delayBusinessDays: 5, name: 'Renewal signed (5 days)' });
    expect((await admin.patch(`/api/pulse-event-types/${created.body.id}`, { key: 'renamed' })).status).toBe(400);
    expect((await admin.patch(`/api/pulse-event-types/${created.body.id}`, {})).status).toBe(400);
    expect((await maria.patch(`/api/pulse-event-types/${created.body.id}`, { enabled: false })).status).toBe(403);
    expect((await admin.patch('/api/pulse-event-types/00000000-0000-4000-8000-000000000000', { enabled: false })).status).toBe(404);
  });
});

describe('answers', () => {
  it('a low mark opens a task for the account owner; the pulse shows the mark and comment; the trend counts it', async () => {
    const { accountId, emails } = await createAccountWithContacts(maria, [{ name: 'Hana', language: 'es' }]);
    const res = await maria.post('/api/pulses', { email: emails[0], event: 'delivery', reference: 'D-2001' });
    expect(res.status, res.text).toBe(201);
    await later(DAY + 60_000);
    const [mail] = await inbox(emails[0]!);
    expect(mail!.subject + mail!.text).toContain('¿Qué tal fue esta entrega?');
    const answered = await ctx.anonymous().post(`/s/${mail!.surveyToken}/answers`, { answers: { pulse_rating: 3, pulse_comment: 'The pallets arrived damaged.' }, complete: true });
    expect(answered.status, answered.text).toBe(200);

    const tasks = (await maria.get(`/api/tasks?accountId=${accountId}`)).body.data;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ priority: 'high', assigneeId: maria.user.id, title: 'Low pulse from Hana: 3/10' });
    expect(tasks[0].description).toContain('The pallets arrived damaged.');

    const pulse = await pulseOf(maria, res.body.id, accountId);
    expect(pulse.answer).toMatchObject({ mark: 3, comment: 'The pallets arrived damaged.' });

    const trend = await maria.get(`/api/reports/pulses?accountId=${accountId}`);
    expect(trend.status, trend.text).toBe(200);
    const delivery = trend.body.eventTypes.find((t: { event: string }) => t.event === 'delivery');
    expect(delivery).toMatchObject({ sent: 1, answered: 1, meanMark: 3, marginOfError: null });
    expect(delivery.periods).toHaveLength(6);
    expect(delivery.periods.at(-1)).toMatchObject({ period: '2026-03', sent: 1, answered: 1, meanMark: 3, change: null });
    expect((await maria.get('/api/reports/pulses?groupBy=week')).status).toBe(400);

    // Maria's whole portfolio: every delivery pulse sent to her accounts this quarter (Ana's, Ivo's, Hana's; Bo's was
    // skipped), the one answered.
    const portfolio = await maria.get('/api/reports/pulses?groupBy=quarter&periods=2');
    const all = portfolio.body.eventTypes.find((t: { event: string }) => t.event === 'delivery');
    expect(all.periods.map((p: { period: string }) => p.period)).toEqual(['2025-Q4', '2026-Q1']);
    expect(all).toMatchObject({ sent: 3, answered: 1, meanMark: 3 });
  });
});
