import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts } from '../helpers/survey-fixtures.js';
import { accounts, contacts, tasks } from '../../src/server/db/schema/index.js';
import { CreateAccount } from '../../src/shared/schemas/account.js';
import { CreateTask } from '../../src/shared/schemas/task.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const developerSpeak = /too small|too big|expected|invalid input|invalid option|received|>=|<=/i;

async function rows() {
  const db = ctx.database.db;
  const [[a], [c], [t]] = await Promise.all([db.select({ n: count() }).from(accounts), db.select({ n: count() }).from(contacts), db.select({ n: count() }).from(tasks)]);
  return { accounts: a!.n, contacts: c!.n, tasks: t!.n };
}

describe('validation messages in plain words', () => {
  it('bad input is a 400 in words a person reads, with the field name, and writes nothing', async () => {
    const manager = await ctx.signIn('account_manager');
    const { accountId } = await createAccountWithContacts(manager, []);
    const before = await rows();

    const cases: { path: string; body: unknown; issues: { path: string; message: string }[]; message: string }[] = [
      { path: '/api/accounts', body: { name: '   ' }, issues: [{ path: 'name', message: 'is required' }], message: 'name is required' },
      { path: '/api/accounts', body: { name: 'x'.repeat(201) }, issues: [{ path: 'name', message: 'must be at most 200 characters' }], message: 'name must be at most 200 characters' },
      {
        path: '/api/accounts',
        body: { name: 'Acme', stage: 'whale', annualRevenue: -5 },
        issues: [
          { path: 'stage', message: 'must be one of: suspect, prospect, customer, key_account' },
          { path: 'annualRevenue', message: 'must be at least 0' },
        ],
        message: 'stage must be one of: suspect, prospect, customer, key_account (and 1 more)',
      },
      { path: '/api/accounts', body: { name: 'Acme', annualRevenue: 'lots' }, issues: [{ path: 'annualRevenue', message: 'must be a number' }], message: 'annualRevenue must be a number' },
      {
        path: `/api/accounts/${accountId}/contacts`,
        body: { name: 'Ada', email: 'not-an-address', buyingRole: 'user' },
        issues: [
          { path: 'email', message: 'must be a valid email address' },
          { path: 'level', message: 'is required' },
        ],
        message: 'email must be a valid email address (and 1 more)',
      },
      { path: '/api/tasks', body: { accountId, title: '', dueAt: '2026-05-01' }, issues: [{ path: 'title', message: 'is required' }], message: 'title is required' },
      { path: '/api/tasks', body: { accountId, title: 'Call', dueAt: 'soon' }, issues: [{ path: 'dueAt', message: 'must be a date and time or a date written YYYY-MM-DD' }], message: 'dueAt must be a date and time or a date written YYYY-MM-DD' },
    ];
    for (const c of cases) {
      const res = await manager.post(c.path, c.body);
      expect(res.status, JSON.stringify(c.body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.issues, JSON.stringify(c.body)).toEqual(c.issues);
      expect(res.body.error.message).toEqual(typeof c.message === 'string' ? `invalid request body: ${c.message}` : c.message);
      for (const issue of res.body.error.issues) expect(issue.message).not.toMatch(developerSpeak);
    }
    // An unknown field is named, in words.
    const extra = await manager.post('/api/accounts', { name: 'Acme', isKey: true });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toBe('invalid request body: has a field that cannot be set here: isKey');
    // Query parameters too.
    const query = await manager.get('/api/tasks?priority=urgent&pageSize=500');
    expect(query.status).toBe(400);
    expect(query.body.error.issues).toEqual([
      { path: 'pageSize', message: 'must be at most 100' },
      { path: 'priority', message: 'must be one of: high, normal, low' },
    ].sort((a, b) => query.body.error.issues.findIndex((i: any) => i.path === a.path) - query.body.error.issues.findIndex((i: any) => i.path === b.path)));

    expect(await rows()).toEqual(before);
  });

  it('the browser checks with the same schemas and gets the same words', () => {
    const account = CreateAccount.safeParse({ name: '' });
    expect(account.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['name', 'is required']]);
    const task = CreateTask.safeParse({ accountId: 'nope', title: 'x'.repeat(201), dueAt: '2026-05-01' });
    expect(task.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['accountId', 'must be a valid id'],
      ['title', 'must be at most 200 characters'],
    ]);
  });
});
