import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { startFromTemplate } from './db/pglite-template.js';
import { migrationStatus } from './db/migration-status.js';
import { countUsers, findUserByEmail, insertUser } from './db/queries/users.js';
import { hashPassword } from './auth/passwords.js';
import { createLogger } from './http/logger.js';
import { createLinkTokens } from './auth/link-tokens.js';
import { createSecretBox } from './auth/secret-box.js';
import { loadLinkSecret } from './auth/link-secret.js';
import { ensureBuiltInSurveys } from './db/queries/surveys.js';
import { ensureDefaultRules } from './db/queries/tasks.js';
import { ensureBuiltInEventTypes } from './db/queries/pulses.js';
import { ensureDefaultCriteria } from './db/queries/selection.js';
import { ensureDefaultIndicators } from './db/queries/partnership.js';
import { createOutboxTransport } from './email/outbox-transport.js';
import { createResendTransport } from './email/resend-transport.js';
import type { EmailTransport } from './email/transport.js';
import type { JobQueue } from './jobs/queue.js';
import { refreshSettings } from './services/settings.js';
import { applyAuditRetention } from './services/audit-retention.js';
import { createAnswerWrites } from './services/answer-writes.js';
import { createLinkFloods } from './services/link-floods.js';
import { createSignInLimits } from './services/sign-in-limits.js';
import { systemClock, type AppDeps, type Clock } from './http/context.js';
import { Email } from '../shared/schemas/common.js';
import { passwordProblem } from './domain/password-policy.js';

/**
 * Opens the database and applies the migrations it lacks. A fresh embedded database starts as a copy of the build's
 * template (when running from the build), which has them all already; `note` hears about it.
 */
export async function openMigratedDatabase(config: Config, note: (line: string) => void = () => {}): Promise<Database> {
  if (config.database.kind === 'pglite' && config.database.dataDir && (await startFromTemplate(config.database.dataDir))) {
    note("new database: copied from the build's template (initdb and migrations done at build time)");
  }
  const database = await openDatabase(config.database);
  // Most starts have nothing to apply: one query says so, where the migrator would run its DDL checks and, on
  // PostgreSQL, take its lock. Anything pending goes through the migrator as before.
  if ((await migrationStatus(database.db)).kind === 'pending') await migrateDatabase(database);
  return database;
}

export function createTransport(config: Config): EmailTransport {
  return config.email.resend
    ? createResendTransport({
        apiKey: config.email.resend.apiKey,
        baseUrl: config.email.resend.baseUrl,
        requestsPerSecond: config.email.requestsPerSecond,
      })
    : createOutboxTransport();
}

/**
 * Everything the app and the workers need, built once per process. The queue is passed in because
 * its lifetime (and, in tests, its start-up) is the caller's business.
 */
export async function buildDeps(
  database: Database,
  config: Config,
  options: { clock?: Clock; jobs: JobQueue; transport?: EmailTransport },
): Promise<AppDeps> {
  const clock = options.clock ?? systemClock;
  await ensureBuiltInSurveys(database.db, clock.now());
  await ensureBuiltInEventTypes(database.db, clock.now());
  await ensureDefaultRules(database.db, clock.now());
  // The key-account program's selection criteria and partnership indicators (admins edit them later).
  await ensureDefaultCriteria(database.db, clock.now());
  await ensureDefaultIndicators(database.db, clock.now());
  // Sender, time zone and survey window an admin changed in the workspace override the environment's.
  await refreshSettings(database.db, config);
  await applyAuditRetention(database.db, config, clock.now());
  const serverSecret = await loadLinkSecret(database.db, config, createLogger(config.logLevel));
  return {
    db: database.db,
    config,
    clock,
    logger: createLogger(config.logLevel),
    signInLimits: createSignInLimits(database.db, config),
    links: createLinkTokens(serverSecret),
    secrets: createSecretBox(serverSecret),
    transport: options.transport ?? createTransport(config),
    jobs: options.jobs,
    answerWrites: createAnswerWrites(database.answerDb),
    linkFloods: createLinkFloods(database.db, config.linkMaxBadTokens),
  };
}

/** Creates the first admin from KEYPULSE_ADMIN_EMAIL/PASSWORD when the installation has no user yet. */
export async function ensureInitialAdmin(deps: AppDeps): Promise<string | null> {
  const admin = deps.config.initialAdmin;
  if (!admin || (await countUsers(deps.db)) > 0) return null;
  const parsedEmail = Email.safeParse(admin.email);
  if (!parsedEmail.success) throw new Error('KEYPULSE_ADMIN_EMAIL must be a valid email address');
  const email = parsedEmail.data;
  const problem = await passwordProblem(admin.password, { email });
  if (problem) throw new Error(`KEYPULSE_ADMIN_PASSWORD ${problem}`);
  if (await findUserByEmail(deps.db, email)) return null;
  await insertUser(deps.db, { email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(admin.password) });
  return email;
}
