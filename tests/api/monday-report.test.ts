import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, isNotNull, like } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts } from '../helpers/survey-fixtures.js';
import { messages } from '../../src/server/db/schema/index.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';

type Client = TestClient & { user: TestUser };

/** The report emails queued so far, by recipient address. */
async function reportEmails(ctx: TestContext, keyLike = 'risk:%') {
  const rows = await ctx.database.db
    .select()
    .from(messages)
    .where(and(isNotNull(messages.reportKey), like(messages.reportKey, keyLike)));
  return rows;
}

describe('the Monday Morning Report in Madrid', () => {
  let ctx: TestContext;
  let admin: Client;
  let maria: Client;
  let tom: Client;
  let executives: TestUser[];
  let idle: TestUser;

  beforeAll(async () => {
    // Madrid is UTC+1 until 29 March 2026: Monday 07:00 there is 06:00 UTC.
    ctx = await createTestContext({ timeZone: 'Europe/Madrid' });
    ctx.clock.set('2026-03-06T10:00:00Z'); // a Friday: accounts are set up
    executives = [await ctx.createUser('executive', { name: 'Erin Okafor' }), await ctx.createUser('executive', { name: 'Ezra Kim' })];
    admin = await ctx.signIn('admin');
    maria = await ctx.signIn(await ctx.createUser('account_manager', { name: 'María Santos' }));
    tom = await ctx.signIn(await ctx.createUser('account_manager', { name: 'Tom Lindqvist' }));
    idle = await ctx.createUser('account_manager', { name: 'Idle Manager' }); // owns nothing: no email
    const acme = await createAccountWithContacts(maria, [{}, {}, {}], { name: 'Acme <Industrial>' });
    await maria.post('/api/tasks', { accountId: acme.accountId, title: 'Call about the outage', priority: 'high', dueAt: '2026-03-02' });
    await createAccountWithContacts(maria, [{ level: 'implementer' }], { name: 'Borealis' });
    await createAccountWithContacts(tom, [{}, {}, {}], { name: 'Cobalt Mining' });
  });
  afterAll(() => ctx.close());

  it('is not sent on Sunday night nor at 06:59 on Monday', async () => {
    ctx.clock.set('2026-03-08T22:00:00Z'); // Sunday 23:00 in Madrid
    await schedulerTick(ctx.deps);
    ctx.clock.set('2026-03-09T05:59:00Z'); // Monday 06:59
    await schedulerTick(ctx.deps);
    expect(await reportEmails(ctx)).toEqual([]);
  });

  it('at 07:00 on Monday goes to every executive (whole portfolio) and every manager (their accounts), once', async () => {
    ctx.clock.set('2026-03-09T06:00:00Z');
    await schedulerTick(ctx.deps);
    await Promise.all([schedulerTick(ctx.deps), schedulerTick(ctx.deps)]); // overlapping sweeps
    ctx.clock.set('2026-03-09T06:01:00Z');
    await schedulerTick(ctx.deps);

    const emails = await reportEmails(ctx);
    const to = (user: TestUser) => emails.filter((m) => m.toAddress === user.email.toLowerCase());
    expect(emails).toHaveLength(4);
    for (const user of [...executives, maria.user, tom.user]) {
      expect(to(user)).toHaveLength(1);
      expect(to(user)[0]!.reportKey).toBe(`risk:2026-W11:${user.id}`);
    }
    expect(to(idle)).toEqual([]);
    expect(to(admin.user)).toEqual([]);

    const [erin] = to(executives[0]!);
    expect(erin!.subject).toBe('Monday Morning Report (week of 9 March 2026): 1 red, 1 amber of 3 accounts');
    expect(erin!.text).toContain('Hello Erin Okafor,');
    expect(erin!.text).toContain('Account risk for the whole portfolio, week of 9 March 2026: 1 red, 1 amber and 1 green of 3.');
    // Ordered by risk, each with its reasons and a link, owners named for executives.
    const order = ['Acme <Industrial>', 'Borealis', 'Cobalt Mining'].map((name) => erin!.text!.indexOf(name));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(erin!.text).toContain('[Red — at risk] Acme <Industrial> (owner: María Santos)');
    expect(erin!.text).toContain('  - 1 high-priority follow-up overdue');
    expect(erin!.text).toMatch(/\[Amber — watch\] Borealis \(owner: María Santos\) · NPS no answers · renewal –\n {2}- No contact at the instigator level\n {2}- Only one contact\n {2}http:\/\/localhost:3000\/api\/accounts\//);
    expect(erin!.text).toContain('The full report: http://localhost:3000/api/reports/risk');
    // The HTML: colour and word together, names escaped, a link per account.
    expect(erin!.html).toContain('Red — at risk');
    expect(erin!.html).toContain('background-color:#fee2e2');
    expect(erin!.html).toContain('Acme &lt;Industrial&gt;');
    expect(erin!.html).not.toContain('Acme <Industrial>');
    expect(erin!.html).toMatch(/<a href="http:\/\/localhost:3000\/api\/accounts\/[0-9a-f-]{36}"/);

    const [forMaria] = to(maria.user);
    expect(forMaria!.subject).toBe('Monday Morning Report (week of 9 March 2026): 1 red, 1 amber of 2 accounts');
    expect(forMaria!.text).toContain('Account risk for your accounts');
    expect(forMaria!.text).toContain('Acme <Industrial>');
    expect(forMaria!.text).toContain('Borealis');
    expect(forMaria!.text).not.toContain('Cobalt Mining');
    expect(forMaria!.text).not.toContain('(owner:');
    const [forTom] = to(tom.user);
    expect(forTom!.text).toContain('Cobalt Mining');
    expect(forTom!.text).not.toContain('Acme');

    // The sender sends them as stored.
    await ctx.runJobs();
    const sent = await reportEmails(ctx);
    expect(sent.map((m) => m.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('ticking on during the week sends nothing more; the next Monday sends the next edition', async () => {
    for (const at of ['2026-03-09T11:00:00Z', '2026-03-10T06:00:00Z', '2026-03-13T09:00:00Z', '2026-03-16T05:59:00Z']) {
      ctx.clock.set(at);
      await schedulerTick(ctx.deps);
    }
    expect(await reportEmails(ctx)).toHaveLength(4);
    ctx.clock.set('2026-03-16T06:00:00Z');
    await schedulerTick(ctx.deps);
    const next = await reportEmails(ctx, 'risk:2026-W12:%');
    expect(next).toHaveLength(4);
    expect(next[0]!.subject).toContain('week of 16 March 2026');
  });

  it('a late server still sends within a day of 07:00 (also across the change to summer time), not later', async () => {
    ctx.clock.set('2026-03-24T05:30:00Z'); // Tuesday 06:30: 23½ hours late for week 13
    await schedulerTick(ctx.deps);
    expect(await reportEmails(ctx, 'risk:2026-W13:%')).toHaveLength(4);
    // Summer time from 29 March: Monday 07:00 is 05:00 UTC. Down until Tuesday 08:00: week 14 is skipped.
    ctx.clock.set('2026-03-31T06:00:00Z');
    await schedulerTick(ctx.deps);
    expect(await reportEmails(ctx, 'risk:2026-W14:%')).toEqual([]);
    ctx.clock.set('2026-04-06T04:59:00Z');
    await schedulerTick(ctx.deps);
    expect(await reportEmails(ctx, 'risk:2026-W15:%')).toEqual([]);
    ctx.clock.set('2026-04-06T05:00:00Z');
    await schedulerTick(ctx.deps);
    expect(await reportEmails(ctx, 'risk:2026-W15:%')).toHaveLength(4);
  });

  it('an admin can send it now, as often as asked; nobody else can', async () => {
    const admin2 = await ctx.signIn('admin');
    const before = (await reportEmails(ctx)).length;
    const first = await admin2.post('/api/reports/risk/send');
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ queued: 4 });
    expect((await admin2.post('/api/reports/risk/send')).body).toEqual({ queued: 4 });
    expect(await reportEmails(ctx)).toHaveLength(before + 8);
    const now = await reportEmails(ctx, `risk:now:%:${executives[1]!.id}`);
    expect(now.map((m) => m.subject)).toEqual(Array(2).fill('Monday Morning Report (sent on request): 1 red, 1 amber of 3 accounts'));

    const executive = await ctx.signIn(executives[0]!);
    const manager = await ctx.signIn(maria.user); // a month on: a fresh session
    expect((await executive.post('/api/reports/risk/send')).status).toBe(403);
    expect((await manager.post('/api/reports/risk/send')).status).toBe(403);
    expect((await ctx.anonymous().post('/api/reports/risk/send')).status).toBe(401);
    expect(await reportEmails(ctx)).toHaveLength(before + 8);
  });
});

describe('the Monday Morning Report in Auckland', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // Auckland is UTC+13 in March: Monday 07:00 there is still Sunday 18:00 in UTC.
    ctx = await createTestContext({ timeZone: 'Pacific/Auckland' });
    ctx.clock.set('2026-03-06T10:00:00Z');
    await ctx.createUser('executive');
    const manager = await ctx.signIn('account_manager');
    await createAccountWithContacts(manager, [{}, {}, {}], { name: 'Kiwi Freight' });
  });
  afterAll(() => ctx.close());

  it('goes out on Sunday evening UTC, which is Monday 07:00 in Auckland', async () => {
    ctx.clock.set('2026-03-08T17:59:00Z');
    await schedulerTick(ctx.deps);
    expect(await reportEmails(ctx)).toEqual([]);
    ctx.clock.set('2026-03-08T18:00:00Z');
    await schedulerTick(ctx.deps);
    const emails = await reportEmails(ctx);
    expect(emails).toHaveLength(2);
    expect(emails.every((m) => m.reportKey!.startsWith('risk:2026-W11:'))).toBe(true);
    expect(emails[0]!.subject).toContain('week of 9 March 2026');
  });
});
