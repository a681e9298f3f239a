import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign, templateSurveyId } from '../helpers/survey-fixtures.js';
import { auditLog, contacts, erasedEmails, invitations, messages, responses, tasks } from '../../src/server/db/schema/index.js';
import type { Db } from '../../src/server/db/client.js';

/**
 * A customer asks to be forgotten (GDPR art. 17). Annika answered an NPS survey with words, got the survey
 * emails, a follow-up task quoting her, a comment and the "what we did" email; the team was emailed about her.
 * After the erasure none of her name, address, title or words is anywhere in the database — yet the NPS
 * report reads the same, and her address is never surveyed again, even when someone adds her back.
 */

const ANNIKA = { name: 'Annika Lindqvist', email: 'annika.lindqvist@customer.example', title: 'Head of Procurement' };
// An ampersand and an apostrophe: HTML emails keep these escaped, and must lose them too.
const WORDS = "Invoices are wrong every month & nobody's fixing them";
const SECRETS = [ANNIKA.name, ANNIKA.email, ANNIKA.title, 'invoices are wrong every month', "nobody's fixing them", 'nobody&#39;s fixing them'];
const BRUNO_WORDS = 'Great onboarding team';

let ctx: TestContext;
type Signed = TestClient & { user: { id: string; email: string } };
let admin: Signed;
let manager: Signed;
let otherManager: Signed;
let executive: Signed;
let accountId: string;
let annikaId: string;
let taskId: string;
let npsBefore: unknown;

const rowsOf = (result: any): any[] => (Array.isArray(result) ? result : result.rows);

/** Every row of every table (pg-boss's too) as text, lower-cased: what someone holding a dump would read. */
async function databaseText(db: Db, only?: string[]): Promise<string> {
  const tables = rowsOf(
    await db.execute(sql`select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`),
  ).filter(({ t }) => !only || only.includes(t));
  const parts: string[] = [];
  for (const { s, t } of tables) {
    const rows = rowsOf(await db.execute(sql.raw(`select x::text as row from "${s}"."${t}" x order by 1`)));
    parts.push(`${s}.${t}: ${rows.map((r) => r.row).join('\n')}`);
  }
  return parts.join('\n').toLowerCase();
}

const npsReport = (client: TestClient) => client.get(`/api/reports/nps?scope=account:${accountId}&groupBy=quarter&from=2026-01-01&to=2026-12-31`);
const erase = (client: TestClient, id = annikaId) => client.post(`/api/contacts/${id}/erase`);

beforeAll(async () => {
  // No minimum gap between surveys: a second campaign asks everyone it may, so a skip is the erasure's doing.
  ctx = await createTestContext({ timeZone: 'UTC', minDaysBetweenSurveys: 0 });
  [admin, manager, otherManager, executive] = (await Promise.all([
    ctx.signIn('admin'),
    ctx.signIn('account_manager'),
    ctx.signIn('account_manager'),
    ctx.signIn('executive'),
  ])) as [Signed, Signed, Signed, Signed];

  const seeded = await createAccountWithContacts(manager, [{ name: ANNIKA.name, email: ANNIKA.email }, { name: 'Bruno Keller' }]);
  accountId = seeded.accountId;
  annikaId = seeded.contactIds[0]!;
  expect((await manager.patch(`/api/contacts/${annikaId}`, { title: ANNIKA.title })).status).toBe(200);
  const pair = await manager.post(`/api/accounts/${accountId}/plan/counterparts`, {
    userId: manager.user.id,
    contactId: annikaId,
    function: 'finance',
    notes: 'Prefers calls on Fridays',
  });
  expect(pair.status).toBe(201);

  await sendCampaign(ctx, manager, { accountIds: [accountId] });
  const answer = async (email: string, answers: Record<string, unknown>) => {
    const res = await ctx.anonymous().post(`/s/${(await emailTo(ctx, email)).surveyToken}/answers`, { answers, complete: true });
    expect(res.status).toBe(200);
  };
  await answer(ANNIKA.email, { nps: 3, reason: WORDS });
  await answer(seeded.emails[1]!, { nps: 9, reason: BRUNO_WORDS });
  await ctx.runJobs(); // the "new follow-up" email to the manager

  const list = await manager.get(`/api/tasks?accountId=${accountId}`);
  expect(list.body.data).toHaveLength(1);
  taskId = list.body.data[0].id;
  expect(list.body.data[0].title).toContain(ANNIKA.name);
  const comment = await manager.post(`/api/tasks/${taskId}/comments`, { body: `Called ${ANNIKA.name}. She said: “${WORDS}”.` });
  expect(comment.status).toBe(201);
  const closed = await manager.post(`/api/tasks/${taskId}/close`, { resolution: `Billing fixed for ${ANNIKA.name}`, notifyContact: true });
  expect(closed.body.customerNotified).toBe('queued');
  await ctx.runJobs(); // "what we did with your feedback", to her

  // She is everywhere before: the test would prove nothing otherwise.
  const before = await databaseText(ctx.database.db);
  for (const secret of SECRETS) expect(before, secret).toContain(secret.toLowerCase());
  npsBefore = (await npsReport(admin)).body;
}, 120_000); // a survey round over HTTP and the queue: slow on a busy machine
afterAll(() => ctx.close());

describe('who may erase a contact', () => {
  it('another manager gets 404 and an executive 403, and nothing is erased', async () => {
    expect((await erase(otherManager)).status).toBe(404);
    const refused = await erase(executive);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const [row] = await ctx.database.db.select().from(contacts).where(eq(contacts.id, annikaId));
    expect(row).toMatchObject({ name: ANNIKA.name, email: ANNIKA.email, erasedAt: null });
    expect(await ctx.database.db.select().from(erasedEmails)).toEqual([]);
  });

  it('signed out: 401; an id that does not exist: 404; not a UUID: 400', async () => {
    expect((await erase(ctx.anonymous())).status).toBe(401);
    expect((await erase(admin, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await erase(admin, 'not-an-id')).status).toBe(400);
  });
});

describe('the account manager erases Annika', () => {
  let first: { status: number; body: any };
  beforeAll(async () => {
    first = await erase(manager);
  });

  it('answers 200 with when, and her name, address, title and words are nowhere in the database', async () => {
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ contactId: annikaId, erasedAt: ctx.clock.now().toISOString() });
    const after = await databaseText(ctx.database.db);
    for (const secret of SECRETS) expect(after, secret).not.toContain(secret.toLowerCase());
    // Only hers: Bruno's words and the survey's own text are untouched.
    expect(after).toContain(BRUNO_WORDS.toLowerCase());
    expect(after).toContain('bruno keller');
  });

  it('keeps the row (erased and removed), the score as an anonymous number, and the address only as a hash', async () => {
    const db = ctx.database.db;
    const [row] = await db.select().from(contacts).where(eq(contacts.id, annikaId));
    expect(row).toMatchObject({ name: 'Erased contact', email: '', title: null });
    expect(row!.erasedAt).toEqual(ctx.clock.now());
    expect(row!.deletedAt).toEqual(ctx.clock.now());

    const [response] = await db.select().from(responses).where(eq(responses.contactId, annikaId));
    expect(response!.npsScore).toBe(3);
    expect(response!.answers).toEqual({ nps: 3, reason: null });
    expect(response!.completedAt).not.toBeNull();

    const [invitation] = await db.select().from(invitations).where(eq(invitations.contactId, annikaId));
    expect(invitation).toMatchObject({ email: '', tokenHash: null, unsubscribeTokenHash: null, status: 'sent' });

    const hash = createHash('sha256').update(ANNIKA.email.toLowerCase()).digest('hex');
    expect(await db.select({ emailHash: erasedEmails.emailHash }).from(erasedEmails)).toEqual([{ emailHash: hash }]);
  });

  it('emails to her keep their record (status, dates) without address, subject or body', async () => {
    const toHer = await ctx.database.db
      .select()
      .from(messages)
      .where(sql`${messages.invitationId} in (select id from ${invitations} where contact_id = ${annikaId}) or ${messages.purpose} = 'loop_closed'`);
    expect(toHer.map((m) => m.kind).sort()).toEqual(['invitation', 'notification']);
    for (const m of toHer) {
      expect(m).toMatchObject({ toAddress: '', subject: null, html: null, text: null, status: 'sent' });
      expect(m.sentAt).not.toBeNull();
    }
  });

  it('the team still sees the follow-up and its comment, with her name and words replaced by [erased]', async () => {
    const res = await manager.get(`/api/tasks/${taskId}`);
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('Call [erased]: NPS 3');
    expect(res.body.description).toContain('Answer: “3”');
    expect(res.body.description).toContain('“[erased]”');
    expect(res.body.comments[0].body).toBe('Called [erased]. She said: “[erased]”.');
    expect(res.body.resolution).toBe('Billing fixed for [erased]');
    const [teamEmail] = await ctx.database.db.select().from(messages).where(and(eq(messages.taskId, taskId), eq(messages.purpose, 'task_assigned')));
    expect(teamEmail!.subject).toContain('Call [erased]: NPS 3');
    expect(teamEmail!.text).toContain('“[erased]”');
    expect(teamEmail!.html).toContain('“[erased]”');
    expect(teamEmail!.toAddress).toBe(manager.user.email);
  });

  it('she leaves the lists; reports and exports keep her score but not her', async () => {
    expect((await manager.get(`/api/contacts/${annikaId}`)).status).toBe(404);
    const list = await manager.get(`/api/accounts/${accountId}/contacts`);
    expect(list.body.data.map((c: any) => c.name)).toEqual(['Bruno Keller']);

    expect((await npsReport(admin)).body).toEqual(npsBefore);

    const answers = await manager.get(`/api/responses?accountId=${accountId}`);
    const hers = answers.body.data.find((r: any) => r.contactId === annikaId);
    expect(hers).toMatchObject({ contactName: 'Erased contact', npsScore: 3, category: 'detractor', answers: { nps: 3, reason: null } });

    const csv = await admin.get(`/api/responses/export.csv?accountId=${accountId}`);
    expect(csv.status).toBe(200);
    for (const secret of SECRETS) expect(csv.text.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(csv.text).toContain(BRUNO_WORDS);
    expect(csv.text).toMatch(/Erased contact.*,"?nps"?,.*"?3"?/);

    const plan = await manager.get(`/api/accounts/${accountId}/plan/history`);
    expect(JSON.stringify(plan.body)).not.toContain(ANNIKA.name);
  });

  it('no email can reach her any more: closing a follow-up offers no customer email', async () => {
    const other = await manager.post(`/api/tasks`, { accountId, title: 'Check billing', priority: 'normal', assigneeId: manager.user.id, dueAt: '2026-03-10T09:00:00Z' });
    expect(other.status).toBe(201);
    await ctx.database.db.update(tasks).set({ contactId: annikaId }).where(eq(tasks.id, other.body.id));
    const preview = await manager.post(`/api/tasks/${other.body.id}/close-preview`, { resolution: 'Done' });
    expect(preview.body).toEqual({ notice: 'no_contact', email: null });
  });

  it('the audit log says who erased which contact, with counts and no personal data', async () => {
    const entries = await ctx.database.db.select().from(auditLog).where(eq(auditLog.action, 'contact.erased'));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: manager.user.id, targetType: 'contact', targetId: annikaId, via: 'session' });
    expect(entries[0]!.details).toMatchObject({ accountId, responses: 1, invitations: 1 });
  });

  it('erasing again answers the same and writes nothing', async () => {
    const tables = ['contacts', 'invitations', 'responses', 'messages', 'tasks', 'task_comments', 'erased_emails', 'audit_log', 'account_plan_changes'];
    const before = await databaseText(ctx.database.db, tables);
    ctx.clock.advance(60_000);
    const again = await erase(admin);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await databaseText(ctx.database.db, tables)).toBe(before);
  });
});

describe('an erased address is never surveyed again', () => {
  it('named in a campaign, the erased contact is skipped as erased', async () => {
    const preview = await manager.post('/api/campaigns/preview', { audience: { contactIds: [annikaId] } });
    expect(preview.status).toBe(200);
    expect(preview.body.skipped.map((s: any) => s.reason)).toEqual(['erased']);
  });

  it('added back by hand or by import, in any account and any letter case, the address is skipped and gets no email', async () => {
    const again = await manager.post(`/api/accounts/${accountId}/contacts`, { name: 'Annika L.', email: ANNIKA.email.toUpperCase(), level: 'influencer', buyingRole: 'user' });
    expect(again.status).toBe(201);
    const preview = await manager.post('/api/campaigns/preview', { audience: { accountIds: [accountId] } });
    const reasons = Object.fromEntries(preview.body.skipped.map((s: any) => [s.contact.contactId, s.reason]));
    expect(reasons[again.body.id]).toBe('erased');
    expect(preview.body.eligible.map((p: any) => p.contactId)).not.toContain(again.body.id);

    // A campaign to the account: she is skipped and gets no email; Bruno is asked.
    const sentBefore = (await ctx.database.db.select().from(messages)).length;
    const campaign = await manager.post('/api/campaigns', { name: 'Spring NPS', surveyId: await templateSurveyId(ctx, 'nps'), audience: { accountIds: [accountId] } });
    expect(campaign.status).toBe(201);
    await ctx.runJobs();
    const invitation = await ctx.database.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.campaignId, campaign.body.id), eq(invitations.contactId, again.body.id)));
    expect(invitation).toMatchObject([{ status: 'skipped', skipReason: 'erased', tokenHash: null }]);
    const newMessages = (await ctx.database.db.select().from(messages)).slice(sentBefore);
    expect(newMessages.map((m) => m.toAddress.toLowerCase())).not.toContain(ANNIKA.email);
    const counts = (await manager.get(`/api/campaigns/${campaign.body.id}`)).body.counts;
    expect(counts.skippedByReason.erased).toBe(1);

    const elsewhere = await createAccountWithContacts(otherManager, []);
    const csv = `name,email,level,role\nAnnika Lindqvist,${ANNIKA.email},instigator,decision maker\n`;
    const imported = await otherManager.request('POST', `/api/accounts/${elsewhere.accountId}/contacts/import`, { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.body.created).toBe(1);
    const theirs = await otherManager.post('/api/campaigns/preview', { audience: { accountIds: [elsewhere.accountId] } });
    expect(theirs.body.skipped.map((s: any) => s.reason)).toEqual(['erased']);
    expect(theirs.body.eligible).toEqual([]);
  });
});

describe('admins erase too', () => {
  it("an admin erases another manager's contact, even one already removed from the list", async () => {
    const { contactIds } = await createAccountWithContacts(otherManager, [{ name: 'Carla Removed', email: 'carla.removed@customer.example' }]);
    expect((await otherManager.delete(`/api/contacts/${contactIds[0]}`)).status).toBe(204);
    const res = await erase(admin, contactIds[0]);
    expect(res.status).toBe(200);
    const [row] = await ctx.database.db.select().from(contacts).where(eq(contacts.id, contactIds[0]!));
    expect(row).toMatchObject({ name: 'Erased contact', email: '' });
    expect(await databaseText(ctx.database.db)).not.toContain('carla.removed@customer.example');
    const entry = await ctx.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'contact.erased'), eq(auditLog.targetId, contactIds[0]!)));
    expect(entry).toMatchObject([{ actorId: admin.user.id }]);
  });
});
