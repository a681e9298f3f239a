import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, inArray, sql } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { buildXlsx } from '../helpers/xlsx.js';
import { accounts, auditLog, contacts, importRuns } from '../../src/server/db/schema/index.js';
import { MAX_PORTFOLIO_BYTES, MAX_PORTFOLIO_ROWS } from '../../src/shared/schemas/portfolio-import.js';

let ctx: TestContext;
type Client = TestClient & { user: TestUser };
let admin: Client;
let ana: Client;
let bo: Client;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await ctx.signIn('admin');
  ana = await ctx.signIn(await ctx.createUser('account_manager', { email: 'ana.manager@keypulse.test', name: 'Ana' }));
  bo = await ctx.signIn(await ctx.createUser('account_manager', { email: 'bo.manager@keypulse.test', name: 'Bo' }));
});
afterAll(() => ctx.close());

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function importCsv(client: TestClient, csv: string, dryRun = false) {
  return client.request('POST', `/api/import/portfolio?dryRun=${dryRun}`, { body: csv, headers: { 'content-type': 'text/csv' } });
}
function uploadFile(client: TestClient, file: File, dryRun = false) {
  const form = new FormData();
  form.append('file', file);
  return client.request('POST', `/api/import/portfolio?dryRun=${dryRun}`, { body: form });
}

type Row = { line: number; status: string; account: string | null; email: string | null; errors: { column: string; message: string }[]; note: string | null; accountId: string | null; contactId: string | null };
const summary = (rows: Row[]) => rows.map((r) => [r.line, r.status, ...(r.errors.length ? [r.errors.map((e) => `${e.column}: ${e.message}`).join('; ')] : [])]);

async function tableCounts() {
  const db = ctx.database.db;
  const [[a], [c], [runs], [audits]] = await Promise.all([
    db.select({ n: count() }).from(accounts),
    db.select({ n: count() }).from(contacts),
    db.select({ n: count() }).from(importRuns),
    db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, 'import.portfolio')),
  ]);
  return { accounts: a!.n, contacts: c!.n, runs: runs!.n, audits: audits!.n };
}
const accountByDomain = async (domain: string) => (await ctx.database.db.select().from(accounts).where(eq(accounts.domain, domain)))[0];
const contactsOf = async (accountId: string) => ctx.database.db.select().from(contacts).where(eq(contacts.accountId, accountId)).orderBy(contacts.email);

describe('a portfolio file with the headings people write', () => {
  const csv = [
    'Company,Website,Sector,Account owner,Stage,ARR,Renewal,Contact,E-mail,Job title,Lang,Level,Buying role,Notes',
    'Northwind Traders,https://www.Northwind.example/about,Logistics,ana.manager@keypulse.test,Key account,"1,200,000.50",2027-03-31,Nina North,nina@northwind.example,CFO,de,Instigator,Economic buyer,call in May',
    'Northwind Traders,northwind.example,Logistics,,,,,"Ned, North",NED@northwind.example,"Head of\nOps",,influencer,champion,',
    'Fabrikam,fabrikam.example,,,prospect,85000,,,,,,,,',
  ].join('\r\n');

  it('dry run: answers what would happen, line by line, and writes nothing at all', async () => {
    const before = await tableCounts();
    const res = await importCsv(admin, csv, true);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, created: 3, updated: 0, skipped: 0, failed: 0, unknownColumns: ['Notes'] });
    // Ned's title spans two lines, so Fabrikam is on line 5.
    expect(summary(res.body.rows)).toEqual([
      [2, 'created'],
      [3, 'created'],
      [5, 'created'],
    ]);
    expect(res.body.rows.map((r: Row) => r.note)).toEqual(['account created, contact created', 'account unchanged, contact created', 'account created']);
    expect(res.body.rows.every((r: Row) => r.accountId === null && r.contactId === null)).toBe(true);
    expect(await tableCounts()).toEqual(before);
  });

  it('a multipart upload of the CSV answers the same', async () => {
    const res = await uploadFile(admin, new File([csv], 'portfolio.csv', { type: 'text/csv' }), true);
    expect(res.status, res.text).toBe(200);
    expect(summary(res.body.rows)).toEqual([
      [2, 'created'],
      [3, 'created'],
      [5, 'created'],
    ]);
  });

  it('import: creates the accounts (domain, revenue in cents, owner by email) and their contacts', async () => {
    const res = await importCsv(admin, csv);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ dryRun: false, created: 3, updated: 0, skipped: 0, failed: 0 });
    const northwind = await accountByDomain('northwind.example');
    expect(northwind).toMatchObject({ name: 'Northwind Traders', industry: 'Logistics', ownerId: ana.user.id, stage: 'key_account', annualRevenue: 120000050, renewalDate: '2027-03-31' });
    expect(res.body.rows[0].accountId).toBe(northwind!.id);
    expect((await contactsOf(northwind!.id)).map((c) => [c.name, c.email, c.title, c.language, c.level, c.buyingRole])).toEqual([
      ['Ned, North', 'ned@northwind.example', 'Head of\nOps', 'en', 'influencer', 'champion'],
      ['Nina North', 'nina@northwind.example', 'CFO', 'de', 'instigator', 'economic_buyer'],
    ]);
    // No owner column value: the importing admin owns it.
    expect(await accountByDomain('fabrikam.example')).toMatchObject({ ownerId: admin.user.id, stage: 'prospect', annualRevenue: 8500000 });
    // The account API shows the domain.
    const shown = await admin.request('GET', `/api/accounts/${northwind!.id}`);
    expect(shown.body.domain).toBe('northwind.example');
  });

  it('importing the same file again duplicates nothing; a changed cell updates', async () => {
    const before = await tableCounts();
    const again = await importCsv(admin, csv);
    expect(again.body).toMatchObject({ created: 0, updated: 0, skipped: 3, failed: 0 });
    const changed = csv.replace('Key account', 'customer').replace('nina@northwind.example,CFO', 'nina@northwind.example,CEO');
    const res = await importCsv(admin, changed);
    expect(summary(res.body.rows)).toEqual([
      [2, 'updated'],
      [3, 'skipped'],
      [5, 'skipped'],
    ]);
    expect(res.body.rows[0].note).toBe('account updated, contact updated');
    const after = await tableCounts();
    expect([after.accounts, after.contacts]).toEqual([before.accounts, before.contacts]);
    const northwind = await accountByDomain('northwind.example');
    expect(northwind!.stage).toBe('customer');
    expect((await contactsOf(northwind!.id)).find((c) => c.email === 'nina@northwind.example')!.title).toBe('CEO');
  });

  it('a real import is recorded once: an import run and an audit entry with counts only', async () => {
    const [run] = await ctx.database.db.select().from(importRuns).where(eq(importRuns.source, 'portfolio')).orderBy(sql`${importRuns.createdAt} desc`).limit(1);
    expect(run).toMatchObject({ dryRun: false, userId: admin.user.id });
    expect(run!.fileHash).toMatch(/^[0-9a-f]{64}$/);
    const entries = await ctx.database.db.select().from(auditLog).where(eq(auditLog.action, 'import.portfolio'));
    expect(entries.length).toBe(3);
    expect(JSON.stringify(entries.map((e) => e.details))).not.toContain('northwind');
  });
});

describe('rows with errors', () => {
  const csv = [
    'Account name,Domain,Owner email,Stage,Renewal date,Contact name,Email,Level,Buying role',
    'Contoso,contoso.example,,customer,2027-01-31,Cara,cara@contoso.example,influencer,user',
    'Contoso,contoso.example,,customer,2027-01-31,Carl,not-an-email,influencer,user',
    'Litware,litware.example,nobody@keypulse.test,customer,,Lia,lia@litware.example,influencer,user',
    'Tailspin,tailspin.example,,customer,31/12/2027,Tom,tom@tailspin.example,influencer,user',
    'Wingtip,wingtip.example,,boss,,Wes,wes@wingtip.example,influencer,user',
    'Proseware,proseware.example,,customer,,Pat,pat@proseware.example,,user',
    'Proseware,proseware.example,,customer,,Pia,pia@proseware.example,implementer,user',
    'Contoso,contoso.example,,prospect,,Cid,cid@contoso.example,influencer,user',
    'Contoso,contoso.example,,,,Cara again,CARA@contoso.example,influencer,user',
  ].join('\n');

  it('each bad row is reported on its line with the column, and writes nothing', async () => {
    const res = await importCsv(admin, csv);
    expect(res.status, res.text).toBe(200);
    expect(summary(res.body.rows)).toEqual([
      [2, 'created'],
      [3, 'error', 'email: must be a valid email address'],
      [4, 'error', 'owner: no active user has this email'],
      [5, 'error', 'renewalDate: must be a date written YYYY-MM-DD'],
      [6, 'error', 'stage: must be one of: suspect, prospect, customer, key_account'],
      [7, 'error', 'level: is required for a new contact'],
      [8, 'created'],
      [9, 'error', 'stage: differs from line 2 for the same account'],
      [10, 'error', 'email: appears again for this account: already on line 2'],
    ]);
    expect(res.body).toMatchObject({ created: 2, failed: 7 });
    // A bad row that would have created an account created nothing; the good row after it did.
    for (const domain of ['litware.example', 'tailspin.example', 'wingtip.example']) expect(await accountByDomain(domain)).toBeUndefined();
    const proseware = await accountByDomain('proseware.example');
    expect((await contactsOf(proseware!.id)).map((c) => c.email)).toEqual(['pia@proseware.example']);
    const contoso = await accountByDomain('contoso.example');
    expect(contoso!.stage).toBe('customer');
    expect((await contactsOf(contoso!.id)).map((c) => c.email)).toEqual(['cara@contoso.example']);
  });

  it('whole-file problems are refused before anything is written', async () => {
    const before = await tableCounts();
    const noName = await importCsv(admin, 'Domain,Email\nx.example,a@x.example');
    expect([noName.status, noName.body.error.code]).toEqual([422, 'unprocessable']);
    expect(noName.body.error.message).toMatch(/account name/);
    const broken = await importCsv(admin, 'Account,Email\nA,a@a.example\n"B,b@b.example\n');
    expect([broken.status, broken.body.error.message]).toEqual([422, 'line 3: a quoted field is not closed']);
    const json = await admin.request('POST', '/api/import/portfolio', { json: { name: 'x' } });
    expect(json.status).toBe(415);
    const badQuery = await admin.request('POST', '/api/import/portfolio?dryRun=maybe', { body: 'Account\nA', headers: { 'content-type': 'text/csv' } });
    expect(badQuery.status).toBe(400);
    const tooMany = await importCsv(admin, ['Account', ...Array.from({ length: MAX_PORTFOLIO_ROWS + 1 }, (_, i) => `Acct ${i}`)].join('\n'));
    expect([tooMany.status, tooMany.body.error.code]).toEqual([413, 'payload_too_large']);
    const tooBig = 'Account\n' + 'x'.repeat(MAX_PORTFOLIO_BYTES);
    for (const headers of [{ 'content-type': 'text/csv' }, { 'content-type': 'text/csv', 'content-length': String(tooBig.length) }] as Record<string, string>[]) {
      const res = await admin.request('POST', '/api/import/portfolio', { body: tooBig, headers });
      expect([res.status, res.body.error.code]).toEqual([413, 'payload_too_large']);
    }
    expect(await tableCounts()).toEqual(before);
  });
});

describe('an XLSX sheet', () => {
  const sheet = buildXlsx([
    ['Account', 'Domain', 'Annual revenue', 'Renewal', 'Contact email', 'Contact name', 'Level', 'Role', 'Relationship strength'],
    ['Adventure Works', 'adventure.example', 2500000, new Date('2027-06-30T00:00:00Z'), 'ava@adventure.example', 'Ava', 'implementer', 'technical buyer', 4],
    [],
    ['Adventure Works', 'adventure.example', 2500000, new Date('2027-06-30T00:00:00Z'), 'bad@', 'Abe', 'implementer', 'user', 3],
  ]);

  it('is read as a multipart upload, with sheet row numbers and date cells', async () => {
    const res = await uploadFile(admin, new File([sheet as Uint8Array<ArrayBuffer>], 'portfolio.xlsx', { type: XLSX }));
    expect(res.status, res.text).toBe(200);
    expect(summary(res.body.rows)).toEqual([
      [2, 'created'],
      [4, 'error', 'email: must be a valid email address'],
    ]);
    const account = await accountByDomain('adventure.example');
    expect(account).toMatchObject({ annualRevenue: 250000000, renewalDate: '2027-06-30' });
    expect((await contactsOf(account!.id)).map((c) => [c.email, c.buyingRole, c.relationshipStrength])).toEqual([['ava@adventure.example', 'technical_buyer', 4]]);
  });

  it('is read as the raw body with the XLSX content type too', async () => {
    const res = await admin.request('POST', '/api/import/portfolio?dryRun=true', { body: sheet as Uint8Array<ArrayBuffer>, headers: { 'content-type': XLSX } });
    expect(res.status, res.text).toBe(200);
    expect(summary(res.body.rows)).toEqual([
      [2, 'skipped'],
      [4, 'error', 'email: must be a valid email address'],
    ]);
  });

  it('a CSV sent as XLSX (or an .xls) is refused as a whole', async () => {
    const res = await uploadFile(admin, new File(['Account\nA'], 'old.xlsx', { type: XLSX }));
    expect([res.status, res.body.error.code]).toEqual([422, 'unprocessable']);
  });
});

describe('who may import what', () => {
  it('a manager imports their own accounts; another owner, or another manager\'s account, is a row error', async () => {
    // Bo owns Globex.
    const setup = await importCsv(admin, 'Account,Domain,Owner\nGlobex,globex.example,bo.manager@keypulse.test');
    expect(setup.body.created).toBe(1);

    const csv = [
      'Account,Domain,Owner,Contact email,Contact name,Level,Role',
      'Initech,initech.example,,ina@initech.example,Ina,influencer,user',
      'Umbrella,umbrella.example,ana.manager@keypulse.test,,,,',
      'Hooli,hooli.example,bo.manager@keypulse.test,,,,',
      'Globex,globex.example,,gil@globex.example,Gil,influencer,user',
      'Globex Corp,globex.example,,,,,',
    ].join('\n');
    const res = await importCsv(ana, csv);
    expect(summary(res.body.rows)).toEqual([
      [2, 'created'],
      [3, 'created'],
      [4, 'error', 'owner: you can import only accounts you own: leave it blank or write your own email'],
      [5, 'error', 'name: account not found among the accounts you may import to'],
      [6, 'error', 'name: account not found among the accounts you may import to'],
    ]);
    expect(await accountByDomain('initech.example')).toMatchObject({ ownerId: ana.user.id });
    expect(await accountByDomain('hooli.example')).toBeUndefined();
    const globex = await accountByDomain('globex.example');
    expect(await contactsOf(globex!.id)).toEqual([]);
    // Bo himself may.
    const own = await importCsv(bo, 'Account,Domain,Contact email,Contact name,Level,Role\nGlobex,globex.example,gil@globex.example,Gil,influencer,user');
    expect(summary(own.body.rows)).toEqual([[2, 'created']]);
  });

  it('executives read the portfolio but may not import one (403)', async () => {
    const exec = await ctx.signIn('executive');
    const res = await importCsv(exec, 'Account\nA', true);
    expect([res.status, res.body.error.code]).toEqual([403, 'forbidden']);
  });

  it('signed-out callers get 401', async () => {
    const res = await ctx.anonymous().request('POST', '/api/import/portfolio', { body: 'Account\nA', headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(401);
  });
});

describe('a large file', () => {
  it('imports 20,000 rows (2,000 accounts × 10 contacts) in one request', { timeout: 60_000 }, async () => {
    const lines = ['Account name,Domain,Stage,Annual revenue,Renewal date,Contact name,Email,Title,Level,Buying role'];
    for (let a = 0; a < 2000; a++) {
      for (let k = 0; k < 10; k++) lines.push(`Big ${a},big${a}.example,customer,${100000 + a},2027-12-31,Person ${k},p${k}@big${a}.example,Buyer,influencer,user`);
    }
    const started = performance.now();
    const res = await importCsv(admin, lines.join('\n'));
    const seconds = (performance.now() - started) / 1000;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 20000, failed: 0 });
    expect(res.body.rows.at(-1).line).toBe(20001);
    const ids = (await ctx.database.db.select({ id: accounts.id }).from(accounts).where(sql`${accounts.domain} like 'big%.example'`)).map((r) => r.id);
    expect(ids.length).toBe(2000);
    const [stored] = await ctx.database.db.select({ n: count() }).from(contacts).where(inArray(contacts.accountId, ids));
    expect(stored!.n).toBe(20000);
    expect(seconds).toBeLessThan(30);
  });
});
