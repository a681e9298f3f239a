import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, sendCampaign } from '../helpers/survey-fixtures.js';
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js';
import { createResendTransport } from '../../src/server/email/resend-transport.js';
import { signSvixPayload } from '../../src/server/email/webhook-signature.js';
import { testConfig } from '../../src/server/config.js';
import { messages, outgoingEvents, webhookEndpoints, webhookEvents } from '../../src/server/db/schema/index.js';

const secret = `whsec_${randomBytes(24).toString('base64')}`;

let fake: FakeResend;
let ctx: TestContext;
beforeAll(async () => {
  fake = await startFakeResend();
  ctx = await createTestContext(
    { email: { ...testConfig().email, webhookSecret: secret } },
    { transport: createResendTransport({ apiKey: fake.apiKey, baseUrl: fake.url, requestsPerSecond: 1000 }) },
  );
});
afterAll(async () => {
  await ctx?.close();
  await fake?.close();
});

/** Resend POSTs an event about one of the emails it accepted, signed with our secret unless told otherwise. */
function post(delivery: { headers: Record<string, string>; body: string }) {
  return ctx.anonymous().request('POST', '/webhooks/resend', { headers: delivery.headers, body: delivery.body });
}
const event = (emailId: string, type: string, options: { secret?: string; now?: Date; id?: string } = {}) =>
  fake.webhookEvent(emailId, type, { secret, now: ctx.clock.now(), ...options });

/** A manager's account whose contacts have just been emailed through Resend; each email's Resend id by address. */
async function emailedContacts(names: string[]) {
  const manager = await ctx.signIn('account_manager');
  const account = await createAccountWithContacts(
    manager,
    names.map((name) => ({ name })),
  );
  const campaign = await sendCampaign(ctx, manager, { accountIds: [account.accountId] });
  const resendId = (address: string) => fake.emails().find((e) => e.to === address)!.id;
  return { manager, campaign, ...account, resendIds: account.emails.map(resendId) };
}

async function statusOf(client: TestClient, address: string): Promise<string> {
  const res = await client.get(`/api/messages?to=${encodeURIComponent(address)}`);
  expect(res.body.total).toBe(1);
  return res.body.data[0].status;
}

async function written() {
  const [events] = await ctx.database.db.select({ n: count() }).from(webhookEvents);
  const rows = await ctx.database.db.select({ id: messages.id, status: messages.status, updatedAt: messages.updatedAt }).from(messages);
  return { events: events!.n, messages: rows.sort((a, b) => a.id.localeCompare(b.id)) };
}

describe('Resend delivery events', () => {
  it('delivered and delivery_delayed show on the email log and in the campaign counts', async () => {
    const { manager, campaign, emails, resendIds } = await emailedContacts(['Ana', 'Bo']);
    const [ana, bo] = emails as [string, string];
    const log = await manager.get(`/api/messages?to=${encodeURIComponent(ana)}`);
    expect(log.body.data[0]).toMatchObject({ status: 'sent', transport: 'resend', providerId: resendIds[0] });

    const res = await post(event(resendIds[0]!, 'email.delivered'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: false });
    expect(await statusOf(manager, ana)).toBe('delivered');

    expect((await post(event(resendIds[1]!, 'email.delivery_delayed'))).status).toBe(200);
    expect(await statusOf(manager, bo)).toBe('delayed');
    expect((await manager.get(`/api/campaigns/${campaign.id}`)).body.counts).toMatchObject({ sent: 2, delivered: 1 });

    // A delayed email that then arrives is delivered.
    expect((await post(event(resendIds[1]!, 'email.delivered'))).status).toBe(200);
    expect(await statusOf(manager, bo)).toBe('delivered');
    expect((await manager.get(`/api/campaigns/${campaign.id}`)).body.counts).toMatchObject({ sent: 2, delivered: 2 });
  });

  it('a bounce marks the email and the contact, who is then skipped by the next campaign', async () => {
    const { manager, campaign, contactIds, emails, resendIds } = await emailedContacts(['Bea']);
    expect((await post(event(resendIds[0]!, 'email.bounced'))).status).toBe(200);
    expect(await statusOf(manager, emails[0]!)).toBe('bounced');
    expect((await manager.get(`/api/contacts/${contactIds[0]}`)).body).toMatchObject({ bounced: true, unsubscribed: false });
    expect((await manager.get(`/api/campaigns/${campaign.id}`)).body.counts).toMatchObject({ sent: 1, bounced: 1 });

    // A late "delivered" does not hide the bounce.
    expect((await post(event(resendIds[0]!, 'email.delivered'))).status).toBe(200);
    expect(await statusOf(manager, emails[0]!)).toBe('bounced');

    ctx.clock.advance(40 * 86_400_000); // past the frequency window, so the bounce is the only reason left
    const again = await ctx.signIn(manager.user);
    const next = await again.post('/api/campaigns', {
      name: 'Next quarter',
      surveyId: campaign.surveyId,
      audience: { contactIds },
    });
    expect(next.status).toBe(201);
    expect(next.body.counts).toMatchObject({ targeted: 1, skipped: 1, skippedByReason: { bounced: 1 } });
  });

  it('a spam complaint unsubscribes the contact', async () => {
    const { manager, contactIds, emails, resendIds } = await emailedContacts(['Cy']);
    expect((await post(event(resendIds[0]!, 'email.delivered'))).status).toBe(200);
    expect((await post(event(resendIds[0]!, 'email.complained'))).status).toBe(200);
    expect(await statusOf(manager, emails[0]!)).toBe('complained');
    expect((await manager.get(`/api/contacts/${contactIds[0]}`)).body).toMatchObject({ unsubscribed: true, bounced: false });
  });

  it('a complaint is announced to outgoing webhooks as contact.unsubscribed, once', async () => {
    const [endpoint] = await ctx.database.db
      .insert(webhookEndpoints)
      .values({ urlSealed: ctx.deps.secrets.seal('https://receiver.example/hook'), urlHint: 'https://receiver.example/…hook', eventTypes: ['contact.unsubscribed'] })
      .returning();
    try {
      const { contactIds, resendIds } = await emailedContacts(['Cyd']);
      expect((await post(event(resendIds[0]!, 'email.complained'))).status).toBe(200);
      expect((await post(event(resendIds[0]!, 'email.complained'))).status).toBe(200);
      const announced = await ctx.database.db.select().from(outgoingEvents).where(eq(outgoingEvents.contactId, contactIds[0]!));
      expect(announced.map((e) => e.type)).toEqual(['contact.unsubscribed']);
      expect(announced[0]!.payload).toMatchObject({ contact: { id: contactIds[0] } });
    } finally {
      await ctx.database.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint!.id));
    }
  });

  it('events Keypulse does not track are acknowledged and change nothing', async () => {
    const { manager, emails, resendIds } = await emailedContacts(['Dov']);
    for (const type of ['email.sent', 'email.opened', 'email.clicked', 'contact.created']) {
      const res = await post(event(resendIds[0]!, type));
      expect(res.status, type).toBe(200);
    }
    expect(await statusOf(manager, emails[0]!)).toBe('sent');
  });

  it('a redelivery of the same event (same svix-id) changes nothing', async () => {
    const { manager, contactIds, emails, resendIds } = await emailedContacts(['Eli']);
    const bounce = event(resendIds[0]!, 'email.bounced');
    expect((await post(bounce)).body).toEqual({ received: true, duplicate: false });
    expect((await manager.get(`/api/contacts/${contactIds[0]}`)).body.bounced).toBe(true);

    // The manager checks the address with the customer and clears the flag…
    expect((await manager.patch(`/api/contacts/${contactIds[0]}`, { bounced: false })).body.bounced).toBe(false);
    const before = await written();
    // …and Resend, not having heard our answer, delivers the same event again.
    const redelivered = await post(bounce);
    expect(redelivered.status).toBe(200);
    expect(redelivered.body).toEqual({ received: true, duplicate: true });
    expect((await manager.get(`/api/contacts/${contactIds[0]}`)).body.bounced).toBe(false);
    expect(await statusOf(manager, emails[0]!)).toBe('bounced');
    expect(await written()).toEqual(before);
  });
});

describe('webhook authenticity', () => {
  it('refuses a forged or tampered signature, another secret and a stale timestamp with 401, writing nothing', async () => {
    const { manager, contactIds, emails, resendIds } = await emailedContacts(['Fay']);
    const id = resendIds[0]!;
    const before = await written();

    const genuine = event(id, 'email.delivered');
    const tampered = { headers: genuine.headers, body: genuine.body.replace('email.delivered', 'email.bounced') };
    const forged = { headers: { ...genuine.headers, 'svix-signature': `v1,${randomBytes(32).toString('base64')}` }, body: genuine.body };
    const unsigned = { headers: { 'content-type': 'application/json' }, body: genuine.body };
    const otherSecret = event(id, 'email.bounced', { secret: `whsec_${randomBytes(24).toString('base64')}` });
    const stale = event(id, 'email.bounced', { now: new Date(ctx.clock.now().getTime() - 6 * 60_000) });
    const fromTheFuture = event(id, 'email.bounced', { now: new Date(ctx.clock.now().getTime() + 6 * 60_000) });

    for (const [label, delivery] of Object.entries({ tampered, forged, unsigned, otherSecret, stale, fromTheFuture })) {
      const res = await post(delivery);
      expect(res.status, label).toBe(401);
      expect(res.body.error.code, label).toBe('unauthorized');
    }
    expect(await written()).toEqual(before);
    expect(await statusOf(manager, emails[0]!)).toBe('sent');
    expect((await manager.get(`/api/contacts/${contactIds[0]}`)).body.bounced).toBe(false);

    // A delivery signed a minute ago is within tolerance; one kept six minutes is not.
    const late = event(id, 'email.delivered');
    ctx.clock.advance(6 * 60_000);
    expect((await post(late)).status).toBe(401);
    expect((await post(event(id, 'email.delivered', { now: new Date(ctx.clock.now().getTime() - 60_000) }))).status).toBe(200);
    expect(await statusOf(manager, emails[0]!)).toBe('delivered');
  });

  it('answers 400 to a correctly signed body that is not a Resend event, writing nothing', async () => {
    const before = await written();
    const timestamp = String(Math.floor(ctx.clock.now().getTime() / 1000));
    for (const body of ['{"type": "email.delivered", "data": ', 'not json at all', '{"type":"email.delivered","data":{}}', '[]']) {
      const id = `msg_${randomBytes(8).toString('hex')}`;
      const res = await post({
        headers: {
          'content-type': 'application/json',
          'svix-id': id,
          'svix-timestamp': timestamp,
          'svix-signature': signSvixPayload({ secret, id, timestamp, body }),
        },
        body,
      });
      expect(res.status, body).toBe(400);
      expect(res.body.error.code, body).toBe('bad_request');
    }
    expect(await written()).toEqual(before);
  });
});

describe('webhooks when no secret is configured', () => {
  let bare: TestContext;
  beforeAll(async () => {
    bare = await createTestContext();
  });
  afterAll(() => bare?.close());

  it('answers 404 and records nothing, signed or not', async () => {
    expect(bare.deps.config.email.webhookSecret).toBeNull();
    const delivery = fake.webhookEvent('re_unknown', 'email.delivered', { secret, now: bare.clock.now() });
    const res = await bare.anonymous().request('POST', '/webhooks/resend', delivery);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const [events] = await bare.database.db.select({ n: count() }).from(webhookEvents);
    expect(events!.n).toBe(0);
  });
});

describe('events that overtake the send, and people in several accounts', () => {
  it('an event about an email not recorded yet is refused (so Resend redelivers it), then applied', async () => {
    const { manager, emails, resendIds } = await emailedContacts(['Cy']);
    const [address] = emails as [string];
    // The same event, about an id we have not stored yet: as if the webhook overtook the worker.
    const early = event('re_not_recorded_yet', 'email.delivered', { id: 'msg_early_1' });
    const before = await written();
    const refused = await post(early);
    expect(refused.status).toBe(409);
    expect(await written()).toEqual(before);

    // Redelivered later with the same svix-id, about an email we know: applied, not a duplicate.
    const later = event(resendIds[0]!, 'email.delivered', { id: 'msg_early_1' });
    const applied = await post(later);
    expect(applied.body).toEqual({ received: true, duplicate: false });
    expect(await statusOf(manager, address)).toBe('delivered');
  });

  it('an event about an unknown email created over 15 minutes ago is accepted and ignored (no endless redelivery)', async () => {
    const createdAt = new Date(ctx.clock.now().getTime() - 20 * 60_000).toISOString();
    const body = JSON.stringify({ type: 'email.delivered', created_at: createdAt, data: { email_id: 're_someone_elses_email' } });
    const id = 'msg_unknown_old';
    const timestamp = String(Math.floor(ctx.clock.now().getTime() / 1000)); // redeliveries are signed afresh
    const signature = signSvixPayload({ secret, id, timestamp, body });
    const headers = { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': signature };
    const res = await post({ headers, body });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: false });
    expect((await post({ headers, body })).body).toEqual({ received: true, duplicate: true });
  });

  it('a bounce or complaint stops email to every contact record with that address', async () => {
    const manager = await ctx.signIn('account_manager');
    const shared = `shared.${Date.now()}@customer.example`;
    const first = await createAccountWithContacts(manager, [{ name: 'Di', email: shared }]);
    const second = await createAccountWithContacts(manager, [{ name: 'Di again', email: shared }]);
    await sendCampaign(ctx, manager, { accountIds: [first.accountId] });
    const id = fake.emails().find((e) => e.to === shared)!.id;
    expect((await post(event(id, 'email.complained'))).status).toBe(200);
    const other = await manager.get(`/api/contacts/${second.contactIds[0]}`);
    expect(other.body.unsubscribed).toBe(true);
  });
});
