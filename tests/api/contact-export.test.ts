import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';
import { auditLog } from '../../src/server/db/schema/index.js';
import { PersonalDataExport } from '../../src/shared/schemas/personal-data.js';

/**
 * A customer asks what Keypulse holds about them (GDPR art. 15): the account's manager downloads one JSON file
 * with all of it — who they are, where they sit on the people map, every invitation, answer, email and
 * follow-up raised from their answers — and the download is in the audit log.
 */

const DIANA = { name: 'Diana Osei', email: 'diana.osei@customer.example', title: 'Operations Director' };
const WORDS = 'Support takes three days to answer';

let ctx: TestContext;
type Signed = TestClient & { user: { id: string; name: string } };
let admin: Signed;
let manager: Signed;
let otherManager: Signed;
let executive: Signed;
let accountId: string;
let dianaId: string;

const download = (client: TestClient, id = dianaId) => client.get(`/api/contacts/${id}/export`);

beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC' });
  [admin, manager, otherManager, executive] = (await Promise.all([
    ctx.signIn('admin'),
    ctx.signIn('account_manager'),
    ctx.signIn('account_manager'),
    ctx.signIn('executive'),
  ])) as [Signed, Signed, Signed, Signed];
  const seeded = await createAccountWithContacts(manager, [{ name: DIANA.name, email: DIANA.email, level: 'instigator', buyingRole: 'decision_maker' }]);
  accountId = seeded.accountId;
  dianaId = seeded.contactIds[0]!;
  await manager.patch(`/api/contacts/${dianaId}`, { title: DIANA.title, relationshipStrength: 4, counterpartId: manager.user.id });
  await manager.post(`/api/accounts/${accountId}/plan/counterparts`, { userId: manager.user.id, contactId: dianaId, function: 'operations', notes: 'Weekly call' });

  await sendCampaign(ctx, manager, { accountIds: [accountId], name: 'Q1 NPS' });
  const mail = await emailTo(ctx, DIANA.email);
  expect((await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps: 5, reason: WORDS }, complete: true })).status).toBe(200);
  const [task] = (await manager.get(`/api/tasks?accountId=${accountId}`)).body.data;
  await manager.post(`/api/tasks/${task.id}/comments`, { body: 'Left a voicemail' });
  // She then unsubscribes from the link in the email.
  expect((await ctx.anonymous().post(`/u/${mail.unsubscribeToken}`)).status).toBeLessThan(400);
  await ctx.runJobs();
}, 120_000); // a survey round over HTTP and the queue: slow on a busy machine
afterAll(() => ctx.close());

describe('GET /api/contacts/:id/export', () => {
  it('downloads a JSON file of everything held about the person, valid against the published schema', async () => {
    const res = await download(manager);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="keypulse-contact-${dianaId}.json"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const data = PersonalDataExport.parse(res.body);

    expect(data.contact).toMatchObject({ id: dianaId, ...DIANA, language: 'en', removedAt: null, erasedAt: null });
    expect(data.account).toEqual({ id: accountId, name: expect.any(String) });
    expect(data.peopleMap).toMatchObject({
      level: 'instigator',
      buyingRole: 'decision_maker',
      relationshipStrength: 4,
      counterpart: { id: manager.user.id, name: manager.user.name },
      pairs: [{ function: 'operations', colleague: manager.user.name, notes: 'Weekly call' }],
    });
    expect(data.mailing).toEqual({ unsubscribed: true, bounced: false, addressSuppressed: false });

    expect(data.invitations).toMatchObject([{ campaignName: 'Q1 NPS', wave: 1, email: DIANA.email, status: 'sent', skipReason: null }]);
    expect(data.invitations[0]!.sentAt).not.toBeNull();
    expect(data.invitations[0]!.respondedAt).not.toBeNull();

    expect(data.responses).toHaveLength(1);
    expect(data.responses[0]).toMatchObject({ campaignName: 'Q1 NPS', npsScore: 5, language: 'en' });
    expect(data.responses[0]!.completedAt).not.toBeNull();
    expect(data.responses[0]!.answers).toEqual([
      { questionKey: 'nps', question: expect.stringMatching(/how likely/i), answer: 5 },
      { questionKey: 'reason', question: expect.any(String), answer: WORDS },
    ]);

    expect(data.emails).toMatchObject([{ kind: 'invitation', to: DIANA.email, status: 'sent' }]);
    expect(data.emails[0]!.subject).toBeTruthy();
    expect(data.emails[0]!.text).toContain('/s/');
    expect(data.emails[0]!.sentAt).not.toBeNull();

    expect(data.tasks).toHaveLength(1);
    expect(data.tasks[0]).toMatchObject({ priority: 'high', status: 'open', comments: [{ body: 'Left a voicemail' }] });
    expect(data.tasks[0]!.title).toContain(DIANA.name);
    expect(data.tasks[0]!.description).toContain(WORDS);
  });

  it('records the download in the audit log, without personal data', async () => {
    const entries = await ctx.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'contact.exported'), eq(auditLog.targetId, dianaId)));
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries[0]).toMatchObject({ actorId: manager.user.id, targetType: 'contact', details: { accountId } });
    expect(JSON.stringify(entries)).not.toContain(DIANA.email);
  });

  it('admins may download it; another manager gets 404, an executive 403, a stranger 401', async () => {
    expect((await download(admin)).status).toBe(200);
    expect((await download(otherManager)).status).toBe(404);
    expect((await download(executive)).status).toBe(403);
    expect((await download(ctx.anonymous())).status).toBe(401);
    expect((await download(admin, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const refusals = await ctx.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'contact.exported'), eq(auditLog.targetId, dianaId), eq(auditLog.actorId, otherManager.user.id)));
    expect(refusals).toEqual([]);
  });

  it('after an erasure the file still answers, with only anonymous numbers left', async () => {
    expect((await manager.post(`/api/contacts/${dianaId}/erase`)).status).toBe(200);
    const res = await download(manager);
    expect(res.status).toBe(200);
    const data = PersonalDataExport.parse(res.body);
    expect(data.contact).toMatchObject({ name: 'Erased contact', email: '', title: null });
    expect(data.contact.erasedAt).not.toBeNull();
    expect(data.responses[0]!.npsScore).toBe(5);
    expect(data.responses[0]!.answers.map((a) => a.answer)).toEqual([5, null]);
    expect(data.emails.map((e) => [e.to, e.subject, e.text, e.html, e.status])).toEqual([['', null, null, null, 'sent']]);
    expect(data.peopleMap.pairs[0]!.notes).toBeNull();
    const text = res.text.toLowerCase();
    for (const secret of [DIANA.name, DIANA.email, DIANA.title, WORDS]) expect(text).not.toContain(secret.toLowerCase());
  });
});
