import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createResendTransport } from '../../src/server/email/resend-transport.js';
import type { EmailTransport } from '../../src/server/email/transport.js';
import { messages } from '../../src/server/db/schema/index.js';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, sendCampaign } from '../helpers/survey-fixtures.js';
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js';

let fake: FakeResend;
let ctx: TestContext;
let manager: TestClient & { user: { id: string; email: string } };
/** Set by a test to make the worker "die" right after the provider accepted a batch. */
let crashAfterProviderAccepts = 0;

beforeAll(async () => {
  fake = await startFakeResend();
  const resend = createResendTransport({ apiKey: fake.apiKey, baseUrl: fake.url, requestsPerSecond: 1000 });
  const transport: EmailTransport = {
    name: 'resend',
    async sendBatch(emails, key) {
      const results = await resend.sendBatch(emails, key);
      if (crashAfterProviderAccepts > 0) {
        crashAfterProviderAccepts--;
        throw new Error('worker killed before recording the result');
      }
      return results;
    },
  };
  ctx = await createTestContext({}, { transport });
  manager = await ctx.signIn('account_manager');
});
afterAll(async () => {
  await ctx.close();
  await fake.close();
});
beforeEach(() => fake.reset());

async function campaignFor(count: number) {
  const { accountId, emails } = await createAccountWithContacts(manager, Array.from({ length: count }, (_, i) => ({ name: `P${i}` })));
  const campaign = await sendCampaign(ctx, manager, { accountIds: [accountId] });
  return { campaign, emails };
}

const linkIn = (text: string | undefined) => /\/s\/([\w-]{43})/.exec(text ?? '')![1]!;

describe('sending through Resend (loopback fake of its API, real SDK)', () => {
  it('sends one email per contact with our sender, the owner as Reply-To and RFC 8058 headers; the link works', async () => {
    const { campaign, emails } = await campaignFor(3);
    const sent = fake.emails();
    expect(sent.map((e) => String(e.to)).sort()).toEqual([...emails].sort());
    for (const email of sent) {
      expect(email.from).toBe(ctx.deps.config.email.from);
      expect(email.reply_to).toEqual(manager.user.email);
      expect(email.headers['List-Unsubscribe']).toMatch(/^<http:\/\/localhost:3000\/u\/[\w-]{43}>$/);
      expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(email.idempotencyKey).toMatch(/^kp-/);
    }
    // Stored with the provider's id, without the body (only the outbox keeps bodies).
    const rows = await ctx.database.db.select().from(messages).where(eq(messages.campaignId, campaign.id));
    expect(rows.every((m) => m.status === 'sent' && m.providerId && m.html === null)).toBe(true);
    expect(new Set(rows.map((m) => m.providerId))).toEqual(new Set(sent.map((e) => e.id)));

    const token = linkIn(sent[0]!.text);
    expect((await ctx.anonymous().post(`/s/${token}/answers`, { answers: { nps: 3 } })).status).toBe(200);
    const counts = (await manager.get(`/api/campaigns/${campaign.id}`)).body.counts;
    expect(counts).toMatchObject({ targeted: 3, sent: 3, responded: 1 });
  });

  it('retries after a 429 and sends each email once', async () => {
    fake.failNext(1, 429, undefined, { 'retry-after': '1' });
    const { emails } = await campaignFor(2);
    expect(fake.requests().filter((r) => r.status === 429)).toHaveLength(1);
    expect(fake.emails().map((e) => String(e.to)).sort()).toEqual([...emails].sort());
  });

  it('a connection lost after Resend accepted the batch is retried with the same key: no duplicate', async () => {
    fake.crashAfterAccept(1);
    const { campaign, emails } = await campaignFor(2);
    const requests = fake.requests();
    expect(requests.length).toBe(2);
    expect(requests[0]!.status).toBeNull(); // the worker never heard back
    expect(requests[1]!.idempotencyKey).toBe(requests[0]!.idempotencyKey);
    expect(fake.emails()).toHaveLength(emails.length);
    const counts = (await manager.get(`/api/campaigns/${campaign.id}`)).body.counts;
    expect(counts).toMatchObject({ sent: 2, queued: 0, failed: 0 });
  });

  it('a worker killed between the API call and recording the result sends nothing twice', async () => {
    crashAfterProviderAccepts = 1;
    const { campaign, emails } = await campaignFor(3);
    expect(crashAfterProviderAccepts).toBe(0);
    const keys = fake.requests().map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(fake.emails()).toHaveLength(emails.length);
    const rows = await ctx.database.db.select().from(messages).where(eq(messages.campaignId, campaign.id));
    expect(rows.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
    expect(rows.every((m) => m.attempts === 2)).toBe(true);
  });

  it('a permanent rejection marks the messages failed with the reason and is not retried', async () => {
    fake.failNext(1, 422, { statusCode: 422, name: 'validation_error', message: 'The from address is not verified' });
    const { campaign } = await campaignFor(2);
    expect(fake.requests()).toHaveLength(1);
    const rows = await ctx.database.db.select().from(messages).where(eq(messages.campaignId, campaign.id));
    expect(rows.every((m) => m.status === 'failed' && /not verified/.test(m.error ?? ''))).toBe(true);
    const counts = (await manager.get(`/api/campaigns/${campaign.id}`)).body.counts;
    expect(counts).toMatchObject({ failed: 2, sent: 0 });
  });
});
