import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { buildDeps } from '../../src/server/bootstrap.js';
import { floodKey } from '../../src/server/services/link-floods.js';
import { createTestContext, noQueue, ORIGIN, TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign, type SentEmail } from '../helpers/survey-fixtures.js';

const LIMIT = 3;
const WINDOW_MS = 15 * 60_000;
const BAD = 'Z'.repeat(43);

let ctx: TestContext;
let mail: SentEmail;

beforeAll(async () => {
  // One proxy hop in front of us: the client is the address it forwards.
  ctx = await createTestContext({ trustProxy: '1', linkMaxBadTokens: LIMIT });
  const manager = await ctx.signIn('account_manager');
  const { accountId, emails } = await createAccountWithContacts(manager, [{}]);
  await sendCampaign(ctx, manager, { accountIds: [accountId] });
  mail = await emailTo(ctx, emails[0]!);
});
afterAll(() => ctx.close());

/** A browser behind the given address. */
const from = (address: string, app = ctx.app) => new TestClient(app, { origin: ORIGIN, 'x-forwarded-for': address });
const badToken = (i: number) => `${BAD.slice(0, 40)}${String(i).padStart(3, '0')}`;

async function useUpTheLimit(client: TestClient, path: (token: string) => string = (t) => `/s/${t}`) {
  for (let i = 0; i < LIMIT; i++) expect((await client.get(path(badToken(i)))).status).toBe(404);
}

describe('floods of unknown link tokens are limited per address', () => {
  it('past the limit an address gets 429 with Retry-After on pages and JSON, valid links included, until the window passes', async () => {
    const flooder = from('203.0.113.10');
    await useUpTheLimit(flooder);

    const page = await flooder.get(`/s/${badToken(99)}`);
    expect(page.status).toBe(429);
    const retryAfter = Number(page.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('Please try again later');

    const json = await flooder.post(`/s/${badToken(98)}/answers`, { answers: { nps: 9 } });
    expect(json.status).toBe(429);
    expect(json.body.error.code).toBe('rate_limited');
    expect(Number(json.headers.get('retry-after'))).toBeGreaterThan(0);

    // The same address on the unsubscribe links.
    expect((await flooder.get(`/u/${badToken(97)}`)).status).toBe(429);
    expect((await flooder.post(`/u/${badToken(96)}`)).status).toBe(429);

    // A real link from the flooding address is refused as well: were it answered, "429 or 200" would tell a guesser
    // which token is real. (Refused before any lookup, from memory: no query on the respondent's path.)
    expect((await flooder.get(new URL(mail.surveyUrl).pathname)).status).toBe(429);
    expect((await flooder.post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 9 } })).status).toBe(429);
    expect((await flooder.get(`/u/${mail.unsubscribeToken}`)).status).toBe(429);

    // Another address is not affected.
    const neighbour = from('198.51.100.20');
    expect((await neighbour.get(`/s/${mail.surveyToken}`)).status).toBe(200);
    expect((await neighbour.get(`/s/${badToken(1)}`)).status).toBe(404);

    // Once the window has passed, the address is welcome again.
    ctx.clock.advance(WINDOW_MS + 1000);
    expect((await flooder.get(`/s/${mail.surveyToken}`)).status).toBe(200);
    expect((await flooder.post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 9 } })).status).toBe(200);
    expect((await flooder.get(`/s/${badToken(5)}`)).status).toBe(404);
  });

  it('bad tokens count on /u/ and on the JSON endpoint too, and the two paths share one count', async () => {
    const unsubscriber = from('203.0.113.11');
    await useUpTheLimit(unsubscriber, (t) => `/u/${t}`);
    expect((await unsubscriber.get(`/u/${badToken(50)}`)).status).toBe(429);

    const script = from('203.0.113.12');
    for (let i = 0; i < LIMIT - 1; i++) {
      const res = await script.post(`/s/${badToken(i)}/answers`, { answers: { nps: 1 } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await script.get(`/u/${badToken(60)}`)).status).toBe(404); // the last one allowed, on the other path
    const refused = await script.post(`/s/${badToken(61)}/answers`, { answers: { nps: 1 } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
  });

  it('a respondent with a valid link costs the limiter nothing', async () => {
    const badToken_ = vi.spyOn(ctx.deps.linkFloods, 'badToken');
    try {
      const respondent = from('203.0.113.13');
      expect((await respondent.get(`/s/${mail.surveyToken}`)).status).toBe(200);
      expect((await respondent.post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 10 } })).status).toBe(200);
      expect((await respondent.get(`/u/${mail.unsubscribeToken}`)).status).toBe(200);
      expect(badToken_).not.toHaveBeenCalled();
    } finally {
      badToken_.mockRestore();
    }
  });

  it('the count is in the database: another web process refuses the address at its first failed lookup', async () => {
    const otherProcess = createApp(await buildDeps(ctx.database, ctx.deps.config, { clock: ctx.clock, jobs: noQueue }));
    await useUpTheLimit(from('203.0.113.14'));
    expect((await from('203.0.113.14', otherProcess).get(`/s/${badToken(70)}`)).status).toBe(429);
    expect((await from('203.0.113.14', otherProcess).get(`/s/${mail.surveyToken}`)).status).toBe(429);
  });

  it('IPv6 addresses count per /64 network, so a flooder cannot rotate through its own addresses', async () => {
    expect(floodKey('2001:db8:1:2::1')).toBe(floodKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
    expect(floodKey('2001:db8:1:2::1')).not.toBe(floodKey('2001:db8:1:3::1'));
    for (let i = 0; i < LIMIT; i++) expect((await from(`2001:db8:1:2::${i + 1}`).get(`/s/${badToken(i)}`)).status).toBe(404);
    expect((await from('2001:db8:1:2::99').get(`/s/${badToken(80)}`)).status).toBe(429);
    expect((await from('2001:db8:1:3::1').get(`/s/${mail.surveyToken}`)).status).toBe(200);
  });
});
