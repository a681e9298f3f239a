import type { Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { countUsers, findUserByEmail, insertUser } from './db/queries/users.js';
import { hashPassword } from './auth/passwords.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { createLogger } from './http/logger.js';
import { systemClock, type AppDeps, type Clock } from './http/context.js';
import { Email } from '../shared/schemas/common.js';
import { Password } from '../shared/schemas/user.js';

export async function openMigratedDatabase(config: Config): Promise<Database> {
  const database = await openDatabase(config.database);
  await migrateDatabase(database);
  return database;
}

export function buildDeps(database: Database, config: Config, clock: Clock = systemClock): AppDeps {
  return {
    db: database.db,
    config,
    clock,
    logger: createLogger(config.logLevel),
    loginThrottle: new LoginThrottle(clock, config.loginThrottle.maxAttempts, config.loginThrottle.windowMs),
  };
}

/** Creates the first admin from KEYPULSE_ADMIN_EMAIL/PASSWORD when the installation has no user yet. */
export async function ensureInitialAdmin(deps: AppDeps): Promise<string | null> {
  const admin = deps.config.initialAdmin;
  if (!admin || (await countUsers(deps.db)) > 0) return null;
  const email = Email.parse(admin.email);
  const password = Password.safeParse(admin.password);
  if (!password.success) throw new Error('KEYPULSE_ADMIN_PASSWORD must be at least 10 characters');
  if (await findUserByEmail(deps.db, email)) return null;
  await insertUser(deps.db, { email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(admin.password) });
  return email;
}
