import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder } from '../../src/server/db/migrate.js';
import { rowsOf } from '../../src/server/db/rows.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ timeZone: 'UTC' });
});
afterAll(() => ctx.close());

describe('migration 0010 (task_responses) on an installation with data', () => {
  it('adds the table and gives every existing follow-up task its answer', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ivo' }, { name: 'Jo' }]);
    await sendCampaign(ctx, manager, { accountIds: [accountId] });
    for (const [i, nps] of [[0, 2], [1, 5]] as const) {
      const mail = await emailTo(ctx, emails[i]!);
      expect((await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, { answers: { nps }, complete: true })).status).toBe(200);
    }
    expect((await manager.post('/api/tasks', { accountId, title: 'By hand', dueAt: '2026-05-01' })).status).toBe(201);
    const db = ctx.database.db;

    // Back to how an installation looked before 0010 (no link table, no index), then 0010 itself, statement by
    // statement as the migrator runs it. Running only this migration's file keeps the test independent of the
    // migrations that came after it.
    await db.execute(sql`drop table task_responses`);
    await db.execute(sql`drop index tasks_contact_rule_open_idx`);
    const migration = readFileSync(join(migrationsFolder, '0010_task_responses.sql'), 'utf8');
    for (const statement of migration.split('--> statement-breakpoint')) {
      if (statement.trim()) await db.execute(sql.raw(statement));
    }
    const links = rowsOf<{ task_id: string; response_id: string; added_at: unknown; created_at: unknown }>(
      await db.execute(sql`select l.task_id, l.response_id, l.added_at, t.created_at from task_responses l join tasks t on t.id = l.task_id`),
    );
    const followUps = rowsOf<{ id: string; response_id: string }>(await db.execute(sql`select id, response_id from tasks where response_id is not null`));
    expect(followUps).toHaveLength(2);
    expect(links.map((l) => `${l.task_id}/${l.response_id}`).sort()).toEqual(followUps.map((t) => `${t.id}/${t.response_id}`).sort());
    for (const l of links) expect(new Date(l.added_at as string).getTime()).toBe(new Date(l.created_at as string).getTime());
    // The task page still shows each task's answer.
    const tasks = (await manager.get(`/api/tasks?accountId=${accountId}`)).body.data as any[];
    for (const t of tasks.filter((t) => t.responseId)) {
      expect((await manager.get(`/api/tasks/${t.id}/context`)).body.responses).toHaveLength(1);
    }
  });
});
