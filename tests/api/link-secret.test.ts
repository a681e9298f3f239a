import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { createTestContext, noQueue, ORIGIN, TestClient, type TestContext } from '../helpers/test-app.js';
import { createAccountWithContacts, emailTo, sendCampaign } from '../helpers/survey-fixtures.js';
import { invitations, settings } from '../../src/server/db/schema/index.js';
import { createLinkTokens } from '../../src/server/auth/link-tokens.js';
import { hashToken } from '../../src/server/auth/tokens.js';
import { loadLinkSecret } from '../../src/server/auth/link-secret.js';
import { buildDeps } from '../../src/server/bootstrap.js';
import { createApp } from '../../src/server/app.js';
import { testConfig } from '../../src/server/config.js';
import type { Db } from '../../src/server/db/client.js';

// One database for the file (creating one is the slow part); each test gets its own secret file.
let ctx: TestContext;
let installDir: string;
let dir: string;
let secretFile: string;
beforeAll(async () => {
  installDir = mkdtempSync(join(tmpdir(), 'keypulse-install-'));
  // A fresh install without KEYPULSE_SECRET.
  ctx = await createTestContext({ secret: null, secretFile: join(installDir, 'keypulse.secret') });
});
afterAll(async () => {
  await ctx.close();
  rmSync(installDir, { recursive: true, force: true });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keypulse-secret-'));
  secretFile = join(dir, 'keypulse.secret');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An install without KEYPULSE_SECRET: the secret lives in the file. */
const fileOnly = () => ({ secret: null, secretFile });
const legacyRow = (db: Db) => db.select().from(settings).where(eq(settings.key, 'link_secret'));
const fileSecret = (file = secretFile) => readFileSync(file, 'utf8').trim();
/** The app as it starts again on the same database with this configuration. */
const restart = (config: { secret: string | null; secretFile: string }) =>
  buildDeps(ctx.database, testConfig({ publicUrl: ORIGIN, ...config }), { clock: ctx.clock, jobs: noQueue });

/** A campaign to one contact, sent: the email's survey token and the invitation it belongs to. */
async function sendOneSurvey(context: TestContext) {
  const manager = await context.signIn('account_manager');
  const { accountId, emails } = await createAccountWithContacts(manager, [{ name: 'Ines Customer' }]);
  await sendCampaign(context, manager, { accountIds: [accountId] });
  const mail = await emailTo(context, emails[0]!);
  const [invitation] = await context.database.db.select().from(invitations).where(eq(invitations.accountId, accountId));
  return { token: mail.surveyToken, invitationId: invitation!.id };
}

/** Every word-like string anywhere in the database, as someone holding a dump would see it. */
async function everyStringInTheDatabase(db: Db): Promise<Set<string>> {
  const rowsOf = (result: any): any[] => (Array.isArray(result) ? result : result.rows);
  const tables = rowsOf(
    await db.execute(sql`select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`),
  );
  const found = new Set<string>();
  for (const { s, t } of tables) {
    const rows = rowsOf(await db.execute(sql.raw(`select x::text as row from "${s}"."${t}" x`)));
    for (const { row } of rows) for (const word of String(row).match(/[\w-]{16,}/g) ?? []) found.add(word);
  }
  return found;
}

describe('the link secret is never in the database', () => {
  it('a fresh install keeps it in a private file, and nothing in a database copy makes a working link', async () => {
    const installed = ctx.deps.config.secretFile;
    expect(statSync(installed).mode & 0o777).toBe(0o600);
    expect(fileSecret(installed)).toMatch(/^[\w-]{43}$/);
    expect(await legacyRow(ctx.database.db)).toEqual([]);

    const { token, invitationId } = await sendOneSurvey(ctx);
    expect((await ctx.anonymous().get(`/s/${token}`)).status).toBe(200);
    expect(createLinkTokens(fileSecret(installed)).survey(invitationId)).toBe(token);

    const strings = await everyStringInTheDatabase(ctx.database.db);
    expect(strings.has(hashToken(token))).toBe(true); // the copy holds the link's hash, as it should
    expect(strings.has(fileSecret(installed))).toBe(false);
    // Try every string of the copy as the signing key: none derives the customer's link.
    const forged = [...strings].filter((s) => createLinkTokens(s).survey(invitationId) === token);
    expect(forged).toEqual([]);
  });

  it('upgrading moves an earlier version’s secret from the database to the file: links already made keep working', async () => {
    // Before the upgrade: the links were signed with a secret the earlier version had generated into `settings`.
    const { token, invitationId } = await sendOneSurvey(ctx);
    const earlier = fileSecret(ctx.deps.config.secretFile);
    await ctx.database.db.insert(settings).values({ key: 'link_secret', value: earlier });

    // The upgraded version starts with no KEYPULSE_SECRET and no secret file yet.
    const upgraded = await restart(fileOnly());
    expect(fileSecret()).toBe(earlier);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(await legacyRow(ctx.database.db)).toEqual([]);
    const customer = new TestClient(createApp(upgraded));
    expect((await customer.get(`/s/${token}`)).status).toBe(200);
    // Reminders and retried emails derive the link again: it must be the one whose hash was stored.
    expect(upgraded.links.survey(invitationId)).toBe(token);
    expect((await customer.get(`/s/${upgraded.links.survey(invitationId)}`)).status).toBe(200);

    // The next start reads the file; the database stays without the secret.
    expect((await restart(fileOnly())).links.survey(invitationId)).toBe(token);
    expect(await legacyRow(ctx.database.db)).toEqual([]);
  });

  it('with KEYPULSE_SECRET set, that secret signs links, no file is written and an old database row is deleted', async () => {
    const configured = randomBytes(32).toString('base64url');
    await ctx.database.db.insert(settings).values({ key: 'link_secret', value: 'generated-by-an-earlier-version-xxxxxxxxxxx' });
    expect(await loadLinkSecret(ctx.database.db, { secret: configured, secretFile })).toBe(configured);
    expect(existsSync(secretFile)).toBe(false);
    expect(await legacyRow(ctx.database.db)).toEqual([]);
  });
});

describe('loading the secret', () => {
  it('two processes starting together agree on one secret, with or without an earlier version’s row', async () => {
    const db = ctx.database.db;
    for (let i = 0; i < 5; i++) {
      const file = join(dir, `fresh-${i}`, 'keypulse.secret');
      const [a, b] = await Promise.all([loadLinkSecret(db, { secret: null, secretFile: file }), loadLinkSecret(db, { secret: null, secretFile: file })]);
      expect(a).toBe(b);
      expect(readFileSync(file, 'utf8').trim()).toBe(a);
    }
    const earlier = randomBytes(32).toString('base64url');
    await db.insert(settings).values({ key: 'link_secret', value: earlier });
    const loads = await Promise.all([loadLinkSecret(db, fileOnly()), loadLinkSecret(db, fileOnly())]);
    expect(loads).toEqual([earlier, earlier]);
    expect(await loadLinkSecret(db, fileOnly())).toBe(earlier);
  });

  it('a secret file someone wrote by hand is used as written; one too short to be safe stops the start', async () => {
    const chosen = 'x'.repeat(20) + randomBytes(16).toString('hex');
    writeFileSync(secretFile, `${chosen}\n`, { mode: 0o600 });
    expect(await loadLinkSecret(ctx.database.db, fileOnly())).toBe(chosen);
    writeFileSync(secretFile, 'short\n');
    await expect(loadLinkSecret(ctx.database.db, fileOnly())).rejects.toThrow(secretFile);
  });
});
