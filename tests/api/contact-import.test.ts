import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext, type TestUser } from '../helpers/test-app.js';
import { contacts } from '../../src/server/db/schema/index.js';

let ctx: TestContext;
type Client = TestClient & { user: TestUser };
type Res = Awaited<ReturnType<TestClient['request']>>;

let ana: Client;
beforeAll(async () => {
  ctx = await createTestContext();
  ana = await ctx.signIn('account_manager');
});
afterAll(() => ctx.close());

const HEADER = 'name,email,title,level,role,language';

async function newAccount(name: string): Promise<string> {
  const res = await ana.post('/api/accounts', { name });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}
const importPath = (accountId: string, query = '') => `/api/accounts/${accountId}/contacts/import${query}`;

/** What a script sends: the CSV as the body. */
function postCsv(accountId: string, csv: string, query = '', contentType = 'text/csv') {
  return ana.request('POST', importPath(accountId, query), { body: csv, headers: { 'content-type': contentType } });
}
/** What the browser's upload form sends. */
function uploadCsv(accountId: string, csv: string, query = '') {
  const form = new FormData();
  form.append('file', new File([csv], 'contacts.csv', { type: 'text/csv' }));
  return ana.request('POST', importPath(accountId, query), { body: form });
}

/** Every stored row of the account (removed ones included), oldest first. */
async function storedRows(accountId: string) {
  return ctx.database.db.select().from(contacts).where(eq(contacts.accountId, accountId)).orderBy(asc(contacts.createdAt), asc(contacts.email));
}
const emailsIn = async (accountId: string) => (await storedRows(accountId)).map((r) => r.email).sort();

/** A whole-file refusal: the given status and code, and the account's contacts untouched. */
async function refusedWholeFile(accountId: string, send: () => Promise<Res>, status: number, code: string) {
  const before = await storedRows(accountId);
  const res = await send();
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(await storedRows(accountId)).toEqual(before);
  return res;
}

describe('importing a CSV with good and bad rows', () => {
  const csv = [
    HEADER,
    'Ana Ruiz,ana@acme.example,CFO,instigator,economic_buyer,es',
    'Bo Chen,not-an-email,,influencer,user,en',
    '"Cruz, Carla",carla@acme.example,"Head of\nOperations",influencer,champion,',
    'Dev Patel,dev@acme.example,,boss,user,en',
    'Eve Ng,eve@acme.example,,implementer,user,pt-BR',
  ].join('\n');

  for (const [how, send] of [
    ['as a text/csv body', postCsv],
    ['as a multipart upload', uploadCsv],
  ] as const) {
    it(`${how}: creates the good rows and reports each bad one on its spreadsheet line`, async () => {
      const accountId = await newAccount(`Import ${how}`);
      const res = await send(accountId, csv);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ dryRun: false, created: 3, updated: 0, failed: 2 });
      // Carla's title spans two lines, so Dev is on line 6 and Eve on line 7.
      expect(res.body.rows.map((r: { line: number; status: string; email: string }) => [r.line, r.status, r.email])).toEqual([
        [2, 'created', 'ana@acme.example'],
        [3, 'error', 'not-an-email'],
        [4, 'created', 'carla@acme.example'],
        [6, 'error', 'dev@acme.example'],
        [7, 'created', 'eve@acme.example'],
      ]);
      expect(res.body.rows[1].errors).toEqual([{ column: 'email', message: 'must be a valid email address' }]);
      expect(res.body.rows[3].errors.map((e: { column: string }) => e.column)).toEqual(['level']);
      expect(res.body.rows[1].contactId).toBeNull();

      expect(await emailsIn(accountId)).toEqual(['ana@acme.example', 'carla@acme.example', 'eve@acme.example']);
      const carla = await ana.get(`/api/contacts/${res.body.rows[2].contactId}`);
      expect(carla.body).toMatchObject({
        name: 'Cruz, Carla',
        title: 'Head of\nOperations',
        level: 'influencer',
        buyingRole: 'champion',
        language: 'en',
        relationshipStrength: 3,
        unsubscribed: false,
      });
    });
  }

  it('updates a contact the account already has instead of adding a second one', async () => {
    const accountId = await newAccount('Existing Contacts Co');
    const existing = await ana.post(`/api/accounts/${accountId}/contacts`, {
      name: 'Old Name',
      email: 'kim@acme.example',
      level: 'implementer',
      buyingRole: 'user',
      relationshipStrength: 5,
    });
    ctx.clock.advance(60_000);
    const res = await postCsv(accountId, `${HEADER}\nKim Lee,KIM@Acme.example,COO,instigator,decision maker,es\nNew Person,new@acme.example,,influencer,user,en\n`);
    expect(res.body).toMatchObject({ created: 1, updated: 1, failed: 0 });
    expect(res.body.rows[0]).toEqual({ line: 2, status: 'updated', email: 'kim@acme.example', contactId: existing.body.id, errors: [] });

    const kim = await ana.get(`/api/contacts/${existing.body.id}`);
    expect(kim.body).toMatchObject({
      name: 'Kim Lee',
      title: 'COO',
      level: 'instigator',
      buyingRole: 'decision_maker',
      language: 'es',
      relationshipStrength: 5,
      updatedAt: ctx.clock.now().toISOString(),
    });
    expect(await emailsIn(accountId)).toEqual(['kim@acme.example', 'new@acme.example']);
  });

  it('leaves alone what the file has no column for, and new contacts get the defaults', async () => {
    const accountId = await newAccount('Partial Columns Co');
    const existing = await ana.post(`/api/accounts/${accountId}/contacts`, {
      name: 'Lucía Gómez',
      email: 'lucia@acme.example',
      title: 'CFO',
      language: 'es',
      level: 'influencer',
      buyingRole: 'user',
    });
    const res = await postCsv(accountId, 'name,email,level,role\nLucía Gómez,lucia@acme.example,instigator,economic buyer\nNew,new@acme.example,influencer,user\n');
    expect(res.body).toMatchObject({ created: 1, updated: 1, failed: 0 });
    expect((await ana.get(`/api/contacts/${existing.body.id}`)).body).toMatchObject({
      title: 'CFO',
      language: 'es',
      level: 'instigator',
      buyingRole: 'economic_buyer',
    });
    expect((await ana.get(`/api/contacts/${res.body.rows[1].contactId}`)).body).toMatchObject({ title: null, language: 'en' });
  });

  it('refuses an email repeated in the file on the later line, naming the first, and imports the first', async () => {
    const accountId = await newAccount('Duplicate Rows Co');
    const res = await postCsv(
      accountId,
      `${HEADER}\nAna,ana@dup.example,,instigator,user,en\nBo,bo@dup.example,,influencer,user,en\nAna Again,Ana@Dup.example,,influencer,user,en\n`,
    );
    expect(res.body).toMatchObject({ created: 2, failed: 1 });
    expect(res.body.rows[2]).toEqual({
      line: 4,
      status: 'error',
      email: 'ana@dup.example',
      contactId: null,
      errors: [{ column: 'email', message: 'appears again: already on line 2' }],
    });
    const [stored] = (await storedRows(accountId)).filter((r) => r.email === 'ana@dup.example');
    expect(stored!.name).toBe('Ana');
  });

  it('understands spreadsheet headings and role spellings, with an Excel byte-order mark and CRLF', async () => {
    const accountId = await newAccount('Spreadsheet Co');
    const csv = '\uFEFFFull Name,E-mail,Job Title,Decision Level,Buying Role,Notes\r\nLi Wei,li@sheet.example,CTO,Influencer,Technical Buyer,met at expo\r\nMo Diaz,mo@sheet.example,,IMPLEMENTER,Decision Maker,\r\n';
    const res = await uploadCsv(accountId, csv);
    expect(res.body).toMatchObject({ created: 2, failed: 0 });
    const list = await ana.get(`/api/accounts/${accountId}/contacts`);
    expect(list.body.data.map((c: Record<string, unknown>) => [c.name, c.title, c.level, c.buyingRole, c.language])).toEqual([
      ['Li Wei', 'CTO', 'influencer', 'technical_buyer', 'en'],
      ['Mo Diaz', null, 'implementer', 'decision_maker', 'en'],
    ]);
  });

  it('accepts text/plain and a charset parameter', async () => {
    const accountId = await newAccount('Plain Text Co');
    const plain = await postCsv(accountId, `${HEADER}\nA,a@plain.example,,influencer,user,en`, '', 'text/plain');
    const charset = await postCsv(accountId, `${HEADER}\nB,b@plain.example,,influencer,user,en`, '', 'text/csv; charset=utf-8');
    expect([plain.body.created, charset.body.created]).toEqual([1, 1]);
  });
});

describe('a dry run', () => {
  it('reports what would happen and writes nothing', async () => {
    const accountId = await newAccount('Dry Run Co');
    const existing = await ana.post(`/api/accounts/${accountId}/contacts`, { name: 'Kept', email: 'kept@dry.example', level: 'implementer', buyingRole: 'user' });
    const before = await storedRows(accountId);
    ctx.clock.advance(60_000);

    const csv = `${HEADER}\nChanged Name,kept@dry.example,,instigator,champion,es\nNew,new@dry.example,,influencer,user,en\nBad,bad,,influencer,user,en\n`;
    for (const flag of ['true', '1']) {
      const res = await postCsv(accountId, csv, `?dryRun=${flag}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ dryRun: true, created: 1, updated: 1, failed: 1 });
      expect(res.body.rows.map((r: { status: string; contactId: string | null }) => [r.status, r.contactId])).toEqual([
        ['updated', existing.body.id],
        ['created', null],
        ['error', null],
      ]);
      expect(await storedRows(accountId)).toEqual(before);
    }

    const real = await postCsv(accountId, csv, '?dryRun=false');
    expect(real.body).toMatchObject({ dryRun: false, created: 1, updated: 1, failed: 1 });
    expect(await emailsIn(accountId)).toEqual(['kept@dry.example', 'new@dry.example']);
  });

  it('refuses a dryRun value it does not understand', async () => {
    const accountId = await newAccount('Dry Run Typo Co');
    await refusedWholeFile(accountId, () => postCsv(accountId, `${HEADER}\nA,a@typo.example,,influencer,user,en`, '?dryRun=yes'), 400, 'validation_failed');
  });
});

describe('refusing a whole file', () => {
  let accountId: string;
  beforeAll(async () => {
    accountId = await newAccount('Refusals Co');
    await ana.post(`/api/accounts/${accountId}/contacts`, { name: 'Already Here', email: 'here@refuse.example', level: 'influencer', buyingRole: 'user' });
  });

  it('a file missing a required column: 422 naming the column', async () => {
    const res = await refusedWholeFile(accountId, () => postCsv(accountId, 'name,email,title\nA,a@x.example,CFO\n'), 422, 'unprocessable');
    expect(res.body.error.message).toMatch(/missing column\(s\): level, role/);
  });

  it('an empty file: 422', async () => {
    for (const csv of ['', '\r\n\r\n']) {
      const res = await refusedWholeFile(accountId, () => postCsv(accountId, csv), 422, 'unprocessable');
      expect(res.body.error.message).toMatch(/empty/);
    }
    await refusedWholeFile(accountId, () => uploadCsv(accountId, ''), 422, 'unprocessable');
  });

  it('an unclosed quote: 422 naming the line, even when earlier rows are fine', async () => {
    const csv = `${HEADER}\nGood,good@refuse.example,,influencer,user,en\nBad,"bad@refuse.example,,influencer,user,en\n`;
    const res = await refusedWholeFile(accountId, () => postCsv(accountId, csv), 422, 'unprocessable');
    expect(res.body.error.message).toMatch(/^line 3: /);
  });

  it('a body that is not CSV: 415', async () => {
    const asJson = () =>
      ana.request('POST', importPath(accountId), { body: JSON.stringify({ name: 'A' }), headers: { 'content-type': 'application/json' } });
    // Bytes carry no content type (a string body would be sent as text/plain).
    const bytes = new TextEncoder().encode(`${HEADER}\nA,a@x.example,,influencer,user,en`);
    const untyped = () => ana.request('POST', importPath(accountId), { body: bytes });
    await refusedWholeFile(accountId, asJson, 415, 'unsupported_media_type');
    await refusedWholeFile(accountId, untyped, 415, 'unsupported_media_type');
  });

  it('an upload without a "file" field: 400 pointing at the field', async () => {
    const withoutFile = new FormData();
    withoutFile.append('attachment', new File([`${HEADER}\n`], 'contacts.csv', { type: 'text/csv' }));
    const textNotFile = new FormData();
    textNotFile.append('file', `${HEADER}\nA,a@x.example,,influencer,user,en`);
    for (const body of [withoutFile, textNotFile]) {
      const res = await refusedWholeFile(accountId, () => ana.request('POST', importPath(accountId), { body }), 400, 'validation_failed');
      expect(res.body.error.issues).toEqual([{ path: 'file', message: 'is required' }]);
    }
  });

  it('a body over 1 MB: 413, whether sent as CSV or uploaded', async () => {
    const row = (i: number) => `Person ${i},person${i}@big.example,,influencer,user,en`;
    const rows: string[] = [HEADER];
    for (let i = 0, size = HEADER.length; size <= 1024 * 1024; i++) {
      rows.push(row(i));
      size += row(i).length + 1;
    }
    const csv = rows.join('\n');
    expect(csv.length).toBeGreaterThan(1024 * 1024);

    await refusedWholeFile(accountId, () => postCsv(accountId, csv), 413, 'payload_too_large');
    await refusedWholeFile(accountId, () => uploadCsv(accountId, csv), 413, 'payload_too_large');
  });
});
