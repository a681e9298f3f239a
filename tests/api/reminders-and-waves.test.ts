import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, outbox, templateSurveyId, type SentEmail } from '../helpers/survey-fixtures.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { t } from '../../src/shared/i18n.js';

const DAY = 86_400_000;

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ minDaysBetweenSurveys: 30 });
});
afterAll(() => ctx.close());

async function startCampaign(client: TestClient, audience: { accountIds?: string[]; contactIds?: string[] }, fields: Record<string, unknown>) {
  const res = await client.post('/api/campaigns', {
    name: 'Quarterly pulse',
    surveyId: await templateSurveyId(ctx, 'nps'),
    audience,
    ...fields,
  });
  expect(res.status, res.text).toBe(201);
  await ctx.runJobs();
  return res.body as { id: string; [key: string]: any };
}

/** Time passes; the per-minute scheduler runs and the queue empties. */
async function later(ms: number) {
  ctx.clock.advance(ms);
  await schedulerTick(ctx.deps);
  await ctx.runJobs();
}

/** Every email a person has received so far, oldest first. */
async function inbox(address: string): Promise<SentEmail[]> {
  return (await outbox(ctx)).filter((e) => e.to === address.toLowerCase());
}
const isReminder = (e: SentEmail) => e.subject.startsWith(t('en', 'emailReminderPrefix'));
const remindersTo = async (address: string) => (await inbox(address)).filter(isReminder).length;

async function answer(mail: SentEmail, answers: Record<string, unknown>, complete = false) {
  const res = await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers, complete });
  expect(res.status, res.text).toBe(200);
}

describe('reminders', () => {
  it('go to people who have not answered after afterDays, at most max times, with the same survey link', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ana' }, { name: 'Bo' }, { name: 'Cy' }]);
    const [ana, bo, cy] = emails as [string, string, string];
    const campaign = await startCampaign(manager, { accountIds: [accountId] }, { reminder: { afterDays: 3, max: 2 } });
    const [anaInvite] = await inbox(ana);
    expect(isReminder(anaInvite!)).toBe(false);
    // Ana answers at once; even a first score counts as an answer.
    await answer(anaInvite!, { nps: 9 });

    await later(2 * DAY);
    expect((await outbox(ctx)).filter(isReminder)).toHaveLength(0);

    await later(1 * DAY);
    expect([await remindersTo(ana), await remindersTo(bo), await remindersTo(cy)]).toEqual([0, 1, 1]);
    const [boInvite, boReminder] = await inbox(bo);
    expect(boReminder!.subject).toBe(`${t('en', 'emailReminderPrefix')}${boInvite!.subject}`);
    expect(boReminder!.surveyUrl).toBe(boInvite!.surveyUrl);
    expect(boReminder!.text).toContain(boInvite!.surveyUrl);
    // The frequency window (30 days here) keeps Cy out of a new survey, but not from this one's reminders.
    expect(ctx.deps.config.minDaysBetweenSurveys).toBe(30);
    const cyId = (await manager.get(`/api/campaigns/${campaign.id}/invitations`)).body.data.find((i: { email: string }) => i.email === cy).contactId;
    const other = await manager.post('/api/campaigns', { name: 'Another survey', surveyId: campaign.surveyId, audience: { contactIds: [cyId] } });
    expect(other.body.counts).toMatchObject({ targeted: 1, skipped: 1, skippedByReason: { recently_surveyed: 1 } });

    // Bo answers through the reminder's link: no more reminders for him.
    await answer(boReminder!, { nps: 7 }, true);
    await later(3 * DAY);
    expect([await remindersTo(ana), await remindersTo(bo), await remindersTo(cy)]).toEqual([0, 1, 2]);

    // Cy has had her two reminders; nothing more, however long she waits.
    await later(3 * DAY);
    await later(10 * DAY);
    expect([await remindersTo(ana), await remindersTo(bo), await remindersTo(cy)]).toEqual([0, 1, 2]);

    const again = await ctx.signIn(manager.user);
    const invitations = (await again.get(`/api/campaigns/${campaign.id}/invitations`)).body.data as { email: string; remindersSent: number }[];
    expect(Object.fromEntries(invitations.map((i) => [i.email, i.remindersSent]))).toEqual({ [ana]: 0, [bo]: 1, [cy]: 2 });
    const counts = (await again.get(`/api/campaigns/${campaign.id}`)).body.counts;
    // Counts are per person: reminders are not extra "sent" emails.
    expect(counts).toMatchObject({ sent: 3, responded: 2, completed: 1 });
  });

  it('never go to someone who unsubscribed, whose address bounced, or whose link has expired', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, contactIds, emails } = await createAccountWithContacts(manager, [
      { name: 'Uma' },
      { name: 'Bea' },
      { name: 'Sam' },
    ]);
    const [uma, bea, sam] = emails as [string, string, string];
    await startCampaign(manager, { accountIds: [accountId] }, { reminder: { afterDays: 3, max: 5 }, expiresAfterDays: 5 });

    // Uma follows the unsubscribe link in her email.
    const [umaInvite] = await inbox(uma);
    const unsubscribed = await ctx.anonymous().request('POST', `/u/${umaInvite!.unsubscribeToken}`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    expect((await manager.get(`/api/contacts/${contactIds[0]}`)).body.unsubscribed).toBe(true);
    // Bea's address bounces (as the provider's webhook would report it).
    expect((await manager.patch(`/api/contacts/${contactIds[1]}`, { bounced: true })).status).toBe(200);

    await later(3 * DAY);
    expect([await remindersTo(uma), await remindersTo(bea), await remindersTo(sam)]).toEqual([0, 0, 1]);

    // Day 6: Sam's link expired on day 5, so no second reminder with a dead link.
    await later(3 * DAY);
    await later(3 * DAY);
    expect([await remindersTo(uma), await remindersTo(bea), await remindersTo(sam)]).toEqual([0, 0, 1]);
  });

  it('a reminder already queued is dropped when the answer arrives before it is sent', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Vera' }]);
    const campaign = await startCampaign(manager, { accountIds: [accountId] }, { reminder: { afterDays: 3, max: 1 } });
    const [invite] = await inbox(emails[0]!);

    ctx.clock.advance(3 * DAY);
    await schedulerTick(ctx.deps); // the reminder is queued…
    await answer(invite!, { nps: 10 }, true); // …and Vera answers before the sender picks it up
    await ctx.runJobs();

    expect(await remindersTo(emails[0]!)).toBe(0);
    const again = await ctx.signIn(manager.user);
    const log = (await again.get(`/api/messages?campaignId=${campaign.id}`)).body.data as { kind: string; status: string; error: string | null }[];
    expect(log.find((m) => m.kind === 'reminder')).toMatchObject({ status: 'cancelled', error: 'already answered' });
  });
});

describe('repeat waves', () => {
  it('a quarterly campaign asks again when the next wave is due, with new links, respecting the frequency window', async () => {
    ctx.clock.set('2027-01-31T09:00:00Z');
    const manager = await ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ana' }, { name: 'Bo' }]);
    const [ana, bo] = emails as [string, string];
    const campaign = await startCampaign(manager, { accountIds: [accountId] }, { repeat: 'quarterly' });
    // 31 January + 3 months is the end of April.
    expect(campaign.nextWaveAt).toBe('2027-04-30T09:00:00.000Z');
    const [anaFirst] = await inbox(ana);
    await answer(anaFirst!, { nps: 6 }, true);

    // Dee joins the account in February; Bo is asked by another campaign five days before the wave.
    ctx.clock.set('2027-02-15T09:00:00Z');
    let client = await ctx.signIn(manager.user);
    const dee = await client.post(`/api/accounts/${accountId}/contacts`, {
      name: 'Dee',
      email: 'dee@customer.example',
      level: 'influencer',
      buyingRole: 'champion',
    });
    expect(dee.status).toBe(201);
    ctx.clock.set('2027-04-25T09:00:00Z');
    client = await ctx.signIn(manager.user);
    const boId = (await client.get(`/api/campaigns/${campaign.id}/invitations`)).body.data.find((i: { email: string }) => i.email === bo).contactId;
    await startCampaign(client, { contactIds: [boId] }, { name: 'Renewal check' });
    expect(await inbox(bo)).toHaveLength(2);

    // A minute early: nothing happens.
    ctx.clock.set('2027-04-30T08:59:00Z');
    await later(0);
    expect(await inbox(ana)).toHaveLength(1);

    // Due: two overlapping ticks open the wave once.
    ctx.clock.set('2027-04-30T09:00:00Z');
    await schedulerTick(ctx.deps);
    await schedulerTick(ctx.deps);
    await ctx.runJobs();
    await later(60_000);

    client = await ctx.signIn(manager.user);
    const shown = (await client.get(`/api/campaigns/${campaign.id}`)).body;
    // The wave after that keeps the 31st where the month has one.
    expect(shown).toMatchObject({ wave: 2, nextWaveAt: '2027-07-31T09:00:00.000Z' });
    const wave2 = ((await client.get(`/api/campaigns/${campaign.id}/invitations?pageSize=100`)).body.data as {
      wave: number;
      email: string;
      status: string;
      skipReason: string | null;
    }[]).filter((i) => i.wave === 2);
    expect(wave2.map((i) => [i.email, i.status, i.skipReason]).sort()).toEqual(
      [
        [ana, 'sent', null],
        [bo, 'skipped', 'recently_surveyed'],
        ['dee@customer.example', 'sent', null],
      ].sort(),
    );

    // Ana gets one new email with a new link, which opens a fresh survey.
    const anaMail = await inbox(ana);
    expect(anaMail).toHaveLength(2);
    expect(anaMail[1]!.surveyToken).not.toBe(anaMail[0]!.surveyToken);
    expect(isReminder(anaMail[1]!)).toBe(false);
    expect(await inbox('dee@customer.example')).toHaveLength(1);
    expect(await inbox(bo)).toHaveLength(2);
    await answer(anaMail[1]!, { nps: 9 }, true);
    const answers = (await client.get(`/api/responses?campaignId=${campaign.id}`)).body.data as { npsScore: number }[];
    expect(answers.map((r) => r.npsScore).sort()).toEqual([6, 9]);
  });
});
