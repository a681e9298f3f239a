import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, sendCampaign } from '../helpers/survey-fixtures.js';
import { messages } from '../../src/server/db/schema/index.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { pruneEmailBodies } from '../../src/server/services/email-retention.js';

/**
 * KEYPULSE_EMAIL_BODY_RETENTION_DAYS=30: the scheduler deletes what emails said once they are 30 days old, and
 * keeps the record that they were sent (to, subject, status, dates). An email still waiting to go keeps its body.
 */

const DAY = 86_400_000;
let ctx: TestContext;
let invitationEmailId: string;
let queuedId: string;

const row = async (id: string) => (await ctx.database.db.select().from(messages).where(eq(messages.id, id)))[0]!;

/** A notification stored as the app stores them, at the clock's time. */
async function storeNotification(status: 'queued' | 'sent') {
  const now = ctx.clock.now();
  const [m] = await ctx.database.db
    .insert(messages)
    .values({
      kind: 'notification',
      toAddress: 'manager@keypulse.example',
      subject: 'New follow-up',
      html: '<p>Call them</p>',
      text: 'Call them',
      status,
      batchKey: `retention-${now.getTime()}`,
      createdAt: now,
      updatedAt: now,
      sentAt: status === 'sent' ? now : null,
    })
    .returning();
  return m!;
}

beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC', emailBodyRetentionDays: 30 });
  const manager = await ctx.signIn('account_manager');
  const { accountId } = await createAccountWithContacts(manager, [{ name: 'Elif Demir' }]);
  await sendCampaign(ctx, manager, { accountIds: [accountId] });
  const [sent] = await ctx.database.db.select().from(messages).where(eq(messages.kind, 'invitation'));
  invitationEmailId = sent!.id;
  // Stuck in the queue (its sender is down): it must still be sendable as stored.
  queuedId = (await storeNotification('queued')).id;
}, 120_000);
afterAll(() => ctx.close());

describe('stored email bodies are deleted after the retention', () => {
  it('keeps them until the emails are 30 days old', async () => {
    const before = await row(invitationEmailId);
    expect(before.html).toContain('<html');
    expect(before.text).toContain('/s/');
    ctx.clock.advance(29 * DAY);
    await schedulerTick(ctx.deps);
    expect(await row(invitationEmailId)).toEqual(before);
  });

  it('is off without the setting: nothing is deleted', async () => {
    ctx.clock.advance(2 * DAY);
    const off = { ...ctx.deps, config: { ...ctx.deps.config, emailBodyRetentionDays: null } };
    expect(await pruneEmailBodies(off)).toBe(0);
    expect((await row(invitationEmailId)).html).not.toBeNull();
  });

  it('past 30 days the body goes and the record stays; a queued email and a recent one keep theirs', async () => {
    const before = await row(invitationEmailId);
    const recent = await storeNotification('sent');
    await schedulerTick(ctx.deps);
    const after = await row(invitationEmailId);
    expect(after).toEqual({ ...before, html: null, text: null });
    expect(after).toMatchObject({ status: 'sent', subject: expect.any(String), toAddress: expect.stringContaining('@') });
    expect(await row(queuedId)).toMatchObject({ status: 'queued', html: '<p>Call them</p>', text: 'Call them' });
    expect(await row(recent.id)).toMatchObject({ html: '<p>Call them</p>', text: 'Call them' });
  });

  it('an old email that leaves the queue later loses its body at the next sweep', async () => {
    ctx.clock.advance(DAY);
    await ctx.database.db.update(messages).set({ status: 'sent', sentAt: ctx.clock.now() }).where(eq(messages.id, queuedId));
    await schedulerTick(ctx.deps);
    expect(await row(queuedId)).toMatchObject({ status: 'sent', subject: 'New follow-up', html: null, text: null });
  });
});
