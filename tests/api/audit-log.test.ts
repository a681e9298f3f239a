import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, noQueue, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { createAccountWithContacts, templateSurveyId } from '../helpers/survey-fixtures.js';
import { buildDeps } from '../../src/server/bootstrap.js';
import { testConfig } from '../../src/server/config.js';
import { schedulerTick } from '../../src/server/jobs/scheduler-tick.js';
import { insertAuditEntry, type NewAuditEntry } from '../../src/server/db/queries/audit-log.js';
import { getSettingRows } from '../../src/server/db/queries/settings.js';
import { parseCsv } from '../../src/server/domain/csv.js';
import type { AuditEntry } from '../../src/shared/schemas/audit.js';

/**
 * The audit log: who did what, when and from which address. Events are recorded by the actions themselves; only
 * admins read the log; and the database, not only the code, keeps it append-only with pruning by an explicit
 * retention setting alone.
 */

const ADDRESS = '203.0.113.7';
const DAY = 86_400_000;
const YEAR = 365 * DAY;
const from = { headers: { 'x-forwarded-for': ADDRESS } };

let ctx: TestContext;
let admin: TestClient & { user: TestUser };
beforeAll(async () => {
  // One proxy hop in front: the address is the X-Forwarded-For hop it appended.
  ctx = await createTestContext({ trustProxy: '1' });
  admin = await ctx.signIn('admin');
}, 120_000);
afterAll(() => ctx.close());

async function log(client: TestClient, query: string): Promise<{ data: AuditEntry[]; total: number; page: number; pageSize: number }> {
  const res = await client.get(`/api/audit-log?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}
const about = (type: string, id: string) => log(admin, `targetType=${type}&targetId=${id}&pageSize=100`);
const total = async () => (await log(admin, 'pageSize=1')).total;

/** The entry as a signed-in admin's request from ADDRESS left it. */
const byAdmin = (action: string, target: { type: string; id: string } | null, details?: Record<string, unknown>) => ({
  action,
  actorId: admin.user.id,
  actorEmail: admin.user.email,
  via: 'session',
  ip: ADDRESS,
  targetType: target?.type ?? null,
  targetId: target?.id ?? null,
  ...(details ? { details: expect.objectContaining(details) } : {}),
});

describe('events are recorded with who, what and from where', () => {
  it('creating a user, and changing their role, name and access', async () => {
    const created = await admin.post('/api/users', { email: 'Nadia@Example.com', name: 'Nadia', role: 'account_manager', password: 'a long enough password' }, from);
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const user = { type: 'user', id };
    expect((await admin.patch(`/api/users/${id}`, { role: 'executive' }, from)).status).toBe(200);
    expect((await admin.patch(`/api/users/${id}`, { disabled: true }, from)).status).toBe(200);
    expect((await admin.patch(`/api/users/${id}`, { disabled: false, name: 'Nadia K.' }, from)).status).toBe(200);

    const entries = (await about('user', id)).data;
    // Newest first.
    expect(entries).toEqual([
      expect.objectContaining(byAdmin('user.updated', user, { email: 'nadia@example.com', fields: ['name'] })),
      expect.objectContaining(byAdmin('user.enabled', user)),
      expect.objectContaining(byAdmin('user.disabled', user)),
      expect.objectContaining(byAdmin('user.role_changed', user, { from: 'account_manager', to: 'executive' })),
      expect.objectContaining(byAdmin('user.created', user, { email: 'nadia@example.com', role: 'account_manager' })),
    ]);
    // Never a password, not even hashed.
    expect(JSON.stringify(entries)).not.toMatch(/long enough|scrypt|passwordHash/);
  });

  it('a refused change records nothing', async () => {
    const before = await total();
    const user = await ctx.createUser('account_manager');
    expect((await admin.patch(`/api/users/${user.id}`, { role: 'emperor' }, from)).status).toBe(400);
    // This admin is the only one, and the last active admin cannot step down: 409.
    expect((await admin.patch(`/api/users/${admin.user.id}`, { role: 'executive' }, from)).status).toBe(409);
    expect(await total()).toBe(before);
  });

  it('settings changes name the keys', async () => {
    expect((await admin.patch('/api/settings', { timeZone: 'Europe/Berlin', minDaysBetweenSurveys: 45 }, from)).status).toBe(200);
    const [entry] = (await log(admin, 'action=settings.changed')).data;
    expect(entry).toMatchObject(byAdmin('settings.changed', null, { keys: ['timeZone', 'minDaysBetweenSurveys'] }));
  });

  it('follow-up rules added and changed', async () => {
    const rule = await admin.post(
      '/api/follow-up-rules',
      { name: 'Low effort score', questionKey: 'nps', condition: { kind: 'range', min: 0, max: 3 }, priority: 'high', dueInBusinessDays: 2, title: 'Call them' },
      from,
    );
    expect(rule.status, rule.text).toBe(201);
    expect((await admin.patch(`/api/follow-up-rules/${rule.body.id}`, { enabled: false }, from)).status).toBe(200);
    const target = { type: 'follow_up_rule', id: rule.body.id };
    expect((await about('follow_up_rule', rule.body.id)).data).toEqual([
      expect.objectContaining(byAdmin('follow_up_rule.changed', target, { name: 'Low effort score', fields: ['enabled'] })),
      expect.objectContaining(byAdmin('follow_up_rule.created', target, { name: 'Low effort score' })),
    ]);
  });

  it("an account's stage, changed with a reason or by editing the account", async () => {
    const executive = await ctx.signIn('executive');
    const { accountId } = await createAccountWithContacts(admin, [], { stage: 'customer', ownerId: admin.user.id });
    expect((await executive.post(`/api/accounts/${accountId}/stage`, { stage: 'key_account', reason: 'Board decision' }, from)).status).toBe(201);
    expect((await admin.patch(`/api/accounts/${accountId}`, { stage: 'customer' }, from)).status).toBe(200);
    // Editing something else is not a stage change.
    expect((await admin.patch(`/api/accounts/${accountId}`, { industry: 'Retail' }, from)).status).toBe(200);

    const entries = (await about('account', accountId)).data;
    expect(entries).toEqual([
      expect.objectContaining(byAdmin('account.stage_changed', { type: 'account', id: accountId }, { from: 'key_account', to: 'customer' })),
      expect.objectContaining({ action: 'account.stage_changed', actorId: executive.user.id, ip: ADDRESS, details: { from: 'customer', to: 'key_account' } }),
    ]);
  });

  it('campaigns launched and cancelled', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(manager, [{ name: 'Ana' }]);
    const sendAt = new Date(ctx.clock.now().getTime() + 7 * DAY).toISOString(); // later: nothing is queued now
    const campaign = await manager.post('/api/campaigns', { name: 'Spring NPS', surveyId: await templateSurveyId(ctx, 'nps'), audience: { accountIds: [accountId] }, sendAt }, from);
    expect(campaign.status, campaign.text).toBe(201);
    expect((await manager.post(`/api/campaigns/${campaign.body.id}/cancel`, {}, from)).status).toBe(200);
    // Cancelling again changes nothing and records nothing.
    expect((await manager.post(`/api/campaigns/${campaign.body.id}/cancel`, {}, from)).status).toBe(200);

    const entries = (await about('campaign', campaign.body.id)).data;
    expect(entries.map((e) => e.action)).toEqual(['campaign.cancelled', 'campaign.launched']);
    expect(entries[1]).toMatchObject({ actorId: manager.user.id, actorEmail: manager.user.email, ip: ADDRESS, details: { name: 'Spring NPS', sendAt } });
  });

  it('a pre-renewal audit the scheduler launches is recorded as the system', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(manager, [{ name: 'Ana' }], { renewalDate: '2026-06-10' });
    await schedulerTick(ctx.deps);
    const [entry] = (await log(admin, 'action=campaign.launched&pageSize=1')).data;
    expect(entry).toMatchObject({ via: 'system', actorId: null, actorEmail: null, ip: null, targetType: 'campaign', details: { renewalOf: accountId } });
  });

  it('every CSV download the API offers is recorded as an export; reading the same report is not', async () => {
    const { accountId } = await createAccountWithContacts(admin, [{ name: 'Ana' }], { ownerId: admin.user.id });
    const doc = (await admin.get('/api/openapi.json')).body;
    // Every operation that can answer CSV: a `format` parameter offering csv, or a text/csv response.
    const csvOperations: { path: string; query: string }[] = [];
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      const op = ops.get;
      if (!op) continue;
      const format = (op.parameters ?? []).find((p: any) => p.name === 'format' && p.in === 'query');
      const answersCsv = Object.values<any>(op.responses).some((r) => r.content?.['text/csv']);
      if (!answersCsv && !format?.schema?.enum?.includes('csv')) continue;
      const required = (op.parameters ?? []).filter((p: any) => p.required && p.in === 'query').map((p: any) => p.name);
      const values: Record<string, string> = { accountId };
      const params = new URLSearchParams(required.map((name: string) => [name, values[name] ?? '']));
      if (format) params.set('format', 'csv');
      csvOperations.push({ path, query: params.toString() });
    }
    expect(csvOperations.map((o) => o.path)).toEqual(
      expect.arrayContaining(['/api/responses/export.csv', '/api/reports/nps', '/api/reports/risk', '/api/reports/audit', '/api/reports/program', '/api/audit-log']),
    );

    for (const { path, query } of csvOperations) {
      const before = await total();
      const res = await admin.get(`${path}?${query}`, from);
      expect(res.status, `${path}: ${res.text}`).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/csv/);
      const [entry] = (await log(admin, 'action=export.downloaded&pageSize=1')).data;
      expect(await total(), `${path} records one entry`).toBe(before + 1);
      expect(entry, path).toMatchObject(byAdmin('export.downloaded', entry!.targetType ? { type: 'account', id: accountId } : null));
      expect(typeof entry!.details!.what, path).toBe('string');

      // The JSON form of a report is a read: not recorded.
      if (query.includes('format=csv')) {
        const readBefore = await total();
        expect((await admin.get(`${path}?${query.replace('format=csv', 'format=json')}`)).status).toBe(200);
        expect(await total(), `${path} as JSON`).toBe(readBefore);
      }
    }
  });
});

describe('reading the log', () => {
  let alice: TestUser;
  let bob: TestUser;
  const at = (iso: string) => new Date(iso);
  beforeAll(async () => {
    alice = await ctx.createUser('account_manager', { email: `alice.${Date.now()}@example.com` });
    bob = await ctx.createUser('account_manager', { email: `bob.${Date.now()}@example.com` });
    // Years back, so the other tests' entries (at the fake clock's time) never fall in these ranges.
    const entries: NewAuditEntry[] = [
      { at: at('2001-01-10T09:00:00Z'), action: 'auth.sign_in', via: 'session', actorId: alice.id, actorEmail: alice.email, ip: '198.51.100.1' },
      { at: at('2001-01-10T10:00:00Z'), action: 'export.downloaded', via: 'session', actorId: alice.id, actorEmail: alice.email, details: { what: '=cmd|calc' } },
      { at: at('2001-01-11T09:00:00Z'), action: 'auth.sign_in', via: 'session', actorId: bob.id, actorEmail: bob.email },
      { at: at('2001-01-12T23:30:00Z'), action: 'account.stage_changed', via: 'api_key', actorId: bob.id, actorEmail: bob.email, targetType: 'account', targetId: 'acc-1' },
      { at: at('2001-01-13T08:00:00Z'), action: 'auth.sign_in_failed', via: 'anonymous', details: { reason: 'unknown_email' } },
    ];
    for (const entry of entries) await insertAuditEntry(ctx.database.db, entry);
  });
  const inJanuary2001 = 'from=2001-01-01&to=2001-01-31&pageSize=100';

  it('newest first, filtered by actor (id or email), action(s), target and time', async () => {
    const all = await log(admin, inJanuary2001);
    expect(all.data.map((e) => e.at)).toEqual([
      '2001-01-13T08:00:00.000Z',
      '2001-01-12T23:30:00.000Z',
      '2001-01-11T09:00:00.000Z',
      '2001-01-10T10:00:00.000Z',
      '2001-01-10T09:00:00.000Z',
    ]);
    expect((await log(admin, `${inJanuary2001}&actor=${alice.id}`)).data.map((e) => e.action)).toEqual(['export.downloaded', 'auth.sign_in']);
    expect((await log(admin, `${inJanuary2001}&actor=${encodeURIComponent(bob.email.toUpperCase())}`)).data.map((e) => e.actorId)).toEqual([bob.id, bob.id]);
    expect((await log(admin, `${inJanuary2001}&action=auth.sign_in`)).total).toBe(2);
    expect((await log(admin, `${inJanuary2001}&action=auth.sign_in,auth.sign_in_failed`)).total).toBe(3);
    expect((await log(admin, `${inJanuary2001}&action=auth.sign_in&action=account.stage_changed`)).total).toBe(3);
    expect((await log(admin, `${inJanuary2001}&targetType=account&targetId=acc-1`)).data).toEqual([
      expect.objectContaining({ action: 'account.stage_changed', via: 'api_key', targetType: 'account', targetId: 'acc-1' }),
    ]);
    // A date alone: from its start, through its end (UTC); a date-time: that instant.
    expect((await log(admin, 'from=2001-01-11&to=2001-01-12')).data.map((e) => e.at)).toEqual(['2001-01-12T23:30:00.000Z', '2001-01-11T09:00:00.000Z']);
    expect((await log(admin, 'from=2001-01-10T09:30:00Z&to=2001-01-11T09:00:00%2B00:00')).total).toBe(2);
  });

  it('pages like the other lists', async () => {
    const first = await log(admin, 'from=2001-01-01&to=2001-01-31&pageSize=2');
    const third = await log(admin, 'from=2001-01-01&to=2001-01-31&pageSize=2&page=3');
    expect(first).toMatchObject({ total: 5, page: 1, pageSize: 2 });
    expect(first.data.map((e) => e.at)).toEqual(['2001-01-13T08:00:00.000Z', '2001-01-12T23:30:00.000Z']);
    expect(third.data.map((e) => e.at)).toEqual(['2001-01-10T09:00:00.000Z']);
  });

  it('downloads every matching entry as CSV, not one page, and records the download', async () => {
    // pageSize is a JSON page's size; the download has every entry.
    const res = await admin.get(`/api/audit-log?from=2001-01-01&to=2001-01-31&pageSize=1&actor=${alice.id}&format=csv`, from);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="keypulse-audit-log-[\d-]+\.csv"$/);
    const [header, ...rows] = parseCsv(res.text).map((r) => r.fields);
    expect(header).toEqual(['at', 'actorEmail', 'actorId', 'via', 'action', 'description', 'targetType', 'targetId', 'ip', 'details']);
    expect(rows.map((r) => [r[0], r[1], r[4], r[5]])).toEqual([
      ['2001-01-10T10:00:00.000Z', alice.email, 'export.downloaded', 'Downloaded an export'],
      ['2001-01-10T09:00:00.000Z', alice.email, 'auth.sign_in', 'Signed in'],
    ]);
    expect(JSON.parse(rows[0]![9]!)).toEqual({ what: '=cmd|calc' });
    const [entry] = (await log(admin, 'action=export.downloaded&pageSize=1')).data;
    expect(entry).toMatchObject(byAdmin('export.downloaded', null, { what: 'audit_log', rows: 2 }));
  });

  it('the CSV streams a long log in batches, each entry once', async () => {
    const base = Date.parse('2002-06-01T00:00:00Z');
    const n = 2503; // more than two batches of 1000
    await ctx.database.db.execute(sql`
      insert into audit_log (at, action, via, target_type, target_id)
      select ${new Date(base).toISOString()}::timestamptz + (g % 7) * interval '1 second', 'settings.changed', 'system', 'batch', g::text
      from generate_series(1, ${n}) g`);
    const res = await admin.get('/api/audit-log?targetType=batch&format=csv');
    const rows = parseCsv(res.text).slice(1).map((r) => r.fields[7]);
    expect(rows).toHaveLength(n);
    expect(new Set(rows).size).toBe(n);
  });

  it('bad filters get a 400 naming the parameter, and record nothing', async () => {
    const before = await total();
    for (const [query, path] of [
      ['actor=nobody', 'actor'],
      ['action=user.exploded', 'action'],
      ['from=yesterday', 'from'],
      ['from=2001-02-01&to=2001-01-01', 'to'],
      ['pageSize=1000', 'pageSize'],
      ['format=xlsx', 'format'],
    ] as const) {
      const res = await admin.get(`/api/audit-log?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.issues.map((i: { path: string }) => i.path), query).toContain(path);
    }
    expect(await total()).toBe(before);
  });

  it('is for admins only: managers and executives get 403 (CSV too), signed-out callers 401', async () => {
    for (const role of ['account_manager', 'executive'] as const) {
      const client = await ctx.signIn(role);
      expect((await client.get('/api/audit-log')).status, role).toBe(403);
      expect((await client.get('/api/audit-log?format=csv')).status, role).toBe(403);
    }
    expect((await ctx.anonymous().get('/api/audit-log')).status).toBe(401);
  });
});

/** Raw SQL, as any code holding the connection could send it; the error surfaces from the driver. */
async function refused(statement: ReturnType<typeof sql>, on: TestContext = ctx): Promise<string> {
  const error = await on.database.db.execute(statement).then(
    () => null,
    (e: unknown) => e as Error & { cause?: Error },
  );
  expect(error, 'the database accepted it').not.toBeNull();
  return `${error!.message} ${error!.cause?.message ?? ''}`;
}

describe('the database keeps the log append-only', () => {
  let oldId: number;
  beforeAll(async () => {
    await insertAuditEntry(ctx.database.db, { at: new Date(Date.now() - 10 * YEAR), action: 'auth.sign_in', via: 'session', actorEmail: 'old@example.com' });
    const rows = await ctx.database.db.execute<{ id: number }>(sql`select id from audit_log where actor_email = 'old@example.com'`);
    oldId = Number((Array.isArray(rows) ? rows : (rows as { rows: { id: number }[] }).rows)[0]!.id);
  });
  const count = async () => {
    const rows = await ctx.database.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log`);
    return Number((Array.isArray(rows) ? rows : (rows as { rows: { n: number }[] }).rows)[0]!.n);
  };

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    const before = await count();
    expect(await refused(sql`update audit_log set actor_email = 'someone-else@example.com' where id = ${oldId}`)).toMatch(/append-only/);
    expect(await refused(sql`update audit_log set details = null`)).toMatch(/append-only/);
    expect(await refused(sql`delete from audit_log where id = ${oldId}`)).toMatch(/append-only/);
    expect(await refused(sql`delete from audit_log`)).toMatch(/append-only/);
    expect(await refused(sql`truncate audit_log`)).toMatch(/append-only/);
    expect(await count()).toBe(before);
    const [entry] = (await log(admin, 'actor=old@example.com')).data;
    expect(entry).toMatchObject({ id: oldId, actorEmail: 'old@example.com' });
  });

  it('without a retention setting, not even ten-year-old entries can be deleted', async () => {
    expect(ctx.deps.config.auditRetentionDays).toBeNull();
    expect(await getSettingRows(ctx.database.db, ['audit_retention_days'])).toEqual([]);
    expect(await refused(sql`delete from audit_log where at < now() - interval '5 years'`)).toMatch(/retention/);
    // Code that writes its own retention row still cannot delete recent entries.
    await insertAuditEntry(ctx.database.db, { at: new Date(), action: 'auth.sign_in', via: 'session', actorEmail: 'just-now@example.com' });
    await ctx.database.db.execute(sql`insert into settings (key, value) values ('audit_retention_days', '1')`);
    try {
      expect(await refused(sql`delete from audit_log where actor_email = 'just-now@example.com'`)).toMatch(/retention/);
    } finally {
      await ctx.database.db.execute(sql`delete from settings where key = 'audit_retention_days'`);
    }
  });
});

describe('retention (KEYPULSE_AUDIT_RETENTION_DAYS)', () => {
  let kept: TestContext;
  const RETENTION_DAYS = 3650;
  beforeAll(async () => {
    kept = await createTestContext({ auditRetentionDays: RETENTION_DAYS });
  }, 120_000);
  afterAll(() => kept.close());

  const entriesOf = async (c: TestContext) => {
    const rows = await c.database.db.execute<{ action: string; actor_email: string | null; via: string; details: unknown }>(
      sql`select action, actor_email, via, details from audit_log order by id`,
    );
    return Array.isArray(rows) ? rows : (rows as { rows: never[] }).rows;
  };

  it('start-up hands the setting to the database, and takes it back when it is unset', async () => {
    expect(await getSettingRows(kept.database.db, ['audit_retention_days'])).toMatchObject([{ value: String(RETENTION_DAYS) }]);
    await buildDeps(kept.database, testConfig({ auditRetentionDays: null }), { clock: kept.clock, jobs: noQueue });
    expect(await getSettingRows(kept.database.db, ['audit_retention_days'])).toEqual([]);
    await buildDeps(kept.database, testConfig({ auditRetentionDays: RETENTION_DAYS }), { clock: kept.clock, jobs: noQueue });
    expect(await getSettingRows(kept.database.db, ['audit_retention_days'])).toMatchObject([{ value: String(RETENTION_DAYS) }]);
  });

  it('the database allows deleting entries past the retention only', async () => {
    const { db } = kept.database;
    await insertAuditEntry(db, { at: new Date(Date.now() - 20 * YEAR), action: 'auth.sign_in', via: 'session', actorEmail: 'ancient@example.com' });
    await insertAuditEntry(db, { at: new Date(), action: 'auth.sign_in', via: 'session', actorEmail: 'recent@example.com' });
    expect(await refused(sql`delete from audit_log where actor_email = 'recent@example.com'`, kept)).toMatch(/retention/);
    expect(await refused(sql`update audit_log set actor_email = 'x' where actor_email = 'ancient@example.com'`, kept)).toMatch(/append-only/);
    expect(await refused(sql`truncate audit_log`, kept)).toMatch(/append-only/);
    await db.execute(sql`delete from audit_log where actor_email = 'ancient@example.com'`);
    expect((await entriesOf(kept)).map((e) => e.actor_email)).toEqual(['recent@example.com']);
  });

  it('the scheduler prunes what is past the retention and records how much, as the system', async () => {
    const { db } = kept.database;
    for (let i = 0; i < 3; i++) await insertAuditEntry(db, { at: new Date(Date.now() - (11 + i) * YEAR), action: 'auth.sign_in', via: 'session' });
    await insertAuditEntry(db, { at: new Date(Date.now() - 9 * YEAR), action: 'auth.sign_out', via: 'session', actorEmail: 'within@example.com' });

    await schedulerTick(kept.deps);
    const after = await entriesOf(kept);
    expect(after.filter((e) => e.action === 'auth.sign_in' && e.actor_email === null)).toEqual([]);
    expect(after.map((e) => e.actor_email)).toContain('within@example.com');
    expect(after.at(-1)).toMatchObject({ action: 'audit_log.pruned', actor_email: null, via: 'system', details: { count: 3, olderThanDays: RETENTION_DAYS } });

    // Nothing more to prune: no new entry.
    await schedulerTick(kept.deps);
    expect(await entriesOf(kept)).toHaveLength(after.length);
  });

  it('without retention the scheduler prunes nothing', async () => {
    const before = await total();
    await schedulerTick(ctx.deps);
    expect(await total()).toBe(before);
    expect((await log(admin, 'action=audit_log.pruned')).total).toBe(0);
  });
});
