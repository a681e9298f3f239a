import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createResendTransport } from '../../src/server/email/resend-transport.js';
import { verifySvixSignature } from '../../src/server/email/webhook-signature.js';
import { emailHeaders } from '../../src/server/email/templates.js';
import { TransientSendError, type EmailTransport, type OutgoingEmail } from '../../src/server/email/transport.js';
import { FAKE_WEBHOOK_SECRET, startFakeResend, type FakeResend } from '../helpers/fake-resend.js';

let fake: FakeResend;
beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const transport = (overrides: Partial<Parameters<typeof createResendTransport>[0]> = {}): EmailTransport =>
  createResendTransport({ apiKey: fake.apiKey, baseUrl: fake.url, requestsPerSecond: 1000, ...overrides });

function invitation(n: number, fields: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    messageId: `00000000-0000-4000-8000-00000000000${n}`,
    to: `contact${n}@customer.example`,
    from: 'Keypulse Demo Co <surveys@keypulse.example>',
    replyTo: 'maria.manager@keypulse.example',
    subject: `A quick question from Keypulse Demo Co (${n})`,
    html: `<p>Hello contact ${n}</p>`,
    text: `Hello contact ${n}`,
    headers: emailHeaders(`https://keypulse.example/u/token${n}`),
    ...fields,
  };
}
const batchOf3 = () => [invitation(1), invitation(2), invitation(3)];

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the send to throw'),
    (error: unknown) => error,
  );
}

describe('sending a batch through the Resend SDK', () => {
  it('sends three emails in one call and returns Resend’s id for each, in order', async () => {
    const results = await transport().sendBatch(batchOf3(), 'campaign-1/wave-1/batch-0');

    const recorded = fake.emails();
    expect(recorded).toHaveLength(3);
    expect(results).toEqual(
      recorded.map((email, i) => ({ messageId: batchOf3()[i]!.messageId, ok: true, providerId: email.id })),
    );
    expect(recorded[1]).toMatchObject({
      to: 'contact2@customer.example',
      from: 'Keypulse Demo Co <surveys@keypulse.example>',
      reply_to: 'maria.manager@keypulse.example',
      subject: 'A quick question from Keypulse Demo Co (2)',
      html: '<p>Hello contact 2</p>',
      text: 'Hello contact 2',
      headers: {
        'List-Unsubscribe': '<https://keypulse.example/u/token2>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
      idempotencyKey: 'campaign-1/wave-1/batch-0',
      endpoint: '/emails/batch',
    });
    expect(fake.requests()).toHaveLength(1);
  });

  it('uses the configured base URL even when RESEND_BASE_URL says otherwise', async () => {
    const saved = process.env.RESEND_BASE_URL;
    process.env.RESEND_BASE_URL = 'http://127.0.0.1:9'; // nothing listens there
    try {
      const results = await transport().sendBatch([invitation(1)], 'base-url');
      expect(results[0]!.ok).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.RESEND_BASE_URL;
      else process.env.RESEND_BASE_URL = saved;
    }
  });

  it('retrying with the same idempotency key sends nothing twice and returns the same ids', async () => {
    const mailer = transport();
    const first = await mailer.sendBatch(batchOf3(), 'campaign-1/wave-1/batch-1');
    const again = await mailer.sendBatch(batchOf3(), 'campaign-1/wave-1/batch-1');
    expect(again).toEqual(first);
    expect(fake.emails()).toHaveLength(3);
    expect(fake.requests()).toHaveLength(2);
  });

  it('reports a key reused for different emails as a failure of every message, not a retry', async () => {
    const mailer = transport();
    await mailer.sendBatch(batchOf3(), 'campaign-1/wave-1/batch-2');
    const results = await mailer.sendBatch([invitation(4), invitation(5)], 'campaign-1/wave-1/batch-2');
    expect(results).toEqual([
      { messageId: invitation(4).messageId, ok: false, error: expect.stringContaining('invalid_idempotent_request') },
      { messageId: invitation(5).messageId, ok: false, error: expect.stringContaining('invalid_idempotent_request') },
    ]);
    expect(fake.emails()).toHaveLength(3);
  });

  it('turns a 429 into a TransientSendError with Retry-After, and the retry succeeds', async () => {
    const mailer = transport();
    fake.failNext(1, 429, undefined, { 'retry-after': '2' });
    const error = await rejection(mailer.sendBatch(batchOf3(), 'campaign-2/batch-0'));
    expect(error).toBeInstanceOf(TransientSendError);
    expect((error as TransientSendError).retryAfterMs).toBe(2000);
    expect((error as Error).message).toMatch(/429 rate_limit_exceeded/);
    expect(fake.emails()).toHaveLength(0);

    const results = await mailer.sendBatch(batchOf3(), 'campaign-2/batch-0');
    expect(results.every((r) => r.ok)).toBe(true);
    expect(fake.emails()).toHaveLength(3);
  });

  it('turns a 500 (JSON or not) into a TransientSendError without Retry-After', async () => {
    const mailer = transport();
    fake.failNext(1, 500);
    const json = await rejection(mailer.sendBatch(batchOf3(), 'campaign-3/batch-0'));
    expect(json).toBeInstanceOf(TransientSendError);
    expect((json as TransientSendError).retryAfterMs).toBeUndefined();

    fake.failNext(1, 502, '<html><body>Bad gateway</body></html>');
    const html = await rejection(mailer.sendBatch(batchOf3(), 'campaign-3/batch-0'));
    expect(html).toBeInstanceOf(TransientSendError);
    expect((html as Error).message).toMatch(/502/);
    expect(fake.emails()).toHaveLength(0);
  });

  it('turns a network failure into a TransientSendError', async () => {
    const closed = await startFakeResend();
    const url = closed.url;
    await closed.close();
    const error = await rejection(transport({ baseUrl: url }).sendBatch(batchOf3(), 'campaign-4/batch-0'));
    expect(error).toBeInstanceOf(TransientSendError);
  });

  it('fails every message of a batch Resend rejects with 422, giving Resend’s reason', async () => {
    const batch = [invitation(1), invitation(2, { to: 'not an address' }), invitation(3)];
    const results = await transport().sendBatch(batch, 'campaign-5/batch-0');
    expect(results).toHaveLength(3);
    for (const [i, result] of results.entries()) {
      expect(result).toEqual({
        messageId: batch[i]!.messageId,
        ok: false,
        error: expect.stringMatching(/^Resend 422 validation_error: emails\[1\]: Invalid `to` field/),
      });
    }
    expect(fake.emails()).toHaveLength(0); // strict validation: nothing of the batch is sent
  });

  it('fails every message when the API key is refused', async () => {
    const results = await transport({ apiKey: 're_wrong' }).sendBatch(batchOf3(), 'campaign-6/batch-0');
    expect(results.map((r) => r.ok)).toEqual([false, false, false]);
    expect(results[0]).toMatchObject({ error: expect.stringContaining('403 invalid_api_key') });
  });

  it('survives a crash between Resend accepting and us hearing back: the retry records exactly one copy', async () => {
    const mailer = transport();
    fake.crashAfterAccept();
    const error = await rejection(mailer.sendBatch(batchOf3(), 'campaign-7/batch-0'));
    expect(error).toBeInstanceOf(TransientSendError);
    expect(fake.emails()).toHaveLength(3); // Resend did send them

    const results = await mailer.sendBatch(batchOf3(), 'campaign-7/batch-0');
    const recorded = fake.emails();
    expect(recorded).toHaveLength(3);
    expect(results.map((r) => (r.ok ? r.providerId : null))).toEqual(recorded.map((e) => e.id));
    expect(fake.requests().map((r) => r.status)).toEqual([null, 200]);
  });

  it('refuses batches over 100 and sends nothing for an empty one', async () => {
    const mailer = transport();
    const many = Array.from({ length: 101 }, (_, i) => invitation(1, { messageId: `m${i}` }));
    await expect(mailer.sendBatch(many, 'too-many')).rejects.toThrow(/at most 100/);
    expect(await mailer.sendBatch([], 'empty')).toEqual([]);
    expect(fake.requests()).toHaveLength(0);
  });
});

describe('the rate limit', () => {
  it('spaces calls at least 1/requestsPerSecond apart, even when batches are sent at once', async () => {
    const mailer = transport({ requestsPerSecond: 5 });
    const started = performance.now();
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => mailer.sendBatch([invitation(1, { messageId: `rate-${i}` })], `rate/${i}`)),
    );
    const elapsed = performance.now() - started;
    expect(results.flat().every((r) => r.ok)).toBe(true);

    const arrivals = fake.requests().map((r) => r.at);
    expect(arrivals).toHaveLength(4);
    // Call i may start no earlier than 200 ms × i after the first. Checked against when the calls began, not
    // between arrivals: on a busy machine one request can sit in the loopback socket longer than the next.
    arrivals.forEach((at, i) => expect(at - started).toBeGreaterThanOrEqual(200 * i - 1));
    expect(elapsed).toBeGreaterThanOrEqual(550); // 3 intervals of 200ms
    expect(elapsed).toBeLessThan(10_000); // spaced, not stalled
  });
});

describe('webhooks from the fake', () => {
  it('are signed so that our verifier accepts them, and name the email Resend accepted', async () => {
    const [result] = await transport().sendBatch([invitation(1)], 'webhook/0');
    const providerId = result!.ok ? result!.providerId : '';
    const now = new Date();
    const delivery = fake.webhookEvent(providerId, 'email.delivered', { now });
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'email.delivered',
      data: { email_id: providerId, to: ['contact1@customer.example'] },
    });
    const check = {
      secret: FAKE_WEBHOOK_SECRET,
      id: delivery.headers['svix-id']!,
      timestamp: delivery.headers['svix-timestamp']!,
      signatureHeader: delivery.headers['svix-signature']!,
      body: delivery.body,
      now,
    };
    expect(verifySvixSignature(check)).toBe(true);
    expect(verifySvixSignature({ ...check, body: delivery.body.replace('delivered', 'bounced') })).toBe(false);
  });
});
