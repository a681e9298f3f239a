import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { settings } from '../db/schema/index.js';

/** Where versions before this one kept the secret: next to the token hashes, so a backup could forge links. */
const LEGACY_SETTING = 'link_secret';
const MIN_LENGTH = 32;

/**
 * The secret survey and unsubscribe links are signed with: KEYPULSE_SECRET, or else the secret file (created on
 * first start) — never the database, so a copy of the database alone cannot forge a customer's link.
 *
 * Upgrading moves a secret an earlier version generated into the database to the file (unless KEYPULSE_SECRET is
 * set, which was used instead of it all along), so queued and reminder emails keep the links already stored.
 */
export async function loadLinkSecret(
  db: Db,
  config: { secret: string | null; secretFile: string },
  logger: { info(message: string, fields?: object): void; warn(message: string, fields?: object): void } = { info: () => {}, warn: () => {} },
): Promise<string> {
  if (config.secret) {
    if (await deleteLegacySecret(db)) logger.info('link secret: deleted an unused copy from the database; KEYPULSE_SECRET signs links');
    return config.secret;
  }
  const file = config.secretFile;
  const [legacy] = await db.select().from(settings).where(eq(settings.key, LEGACY_SETTING));
  let secret = await readSecretFile(file);
  if (secret === null) {
    const created = await createSecretFile(file, legacy?.value ?? randomBytes(32).toString('base64url'));
    secret = created.secret;
    if (created.byUs) {
      logger.info(`link secret: ${legacy ? 'moved from the database to' : 'created in'} ${file}; back this file up apart from the database`, { file });
    }
  }
  if (legacy && legacy.value !== secret) {
    logger.warn(`link secret: the database held another secret than ${file}; reminders for invitations made with it will carry links that do not open`, { file });
  }
  // Only once the file holds it: a crash in between must not lose the secret the stored links were made with.
  await deleteLegacySecret(db);
  return secret;
}

async function deleteLegacySecret(db: Db): Promise<boolean> {
  const deleted = await db.delete(settings).where(eq(settings.key, LEGACY_SETTING)).returning({ key: settings.key });
  return deleted.length > 0;
}

/** The file's secret, or null when there is no file. */
async function readSecretFile(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < MIN_LENGTH) {
    throw new Error(`The secret file ${path} must hold at least ${MIN_LENGTH} characters (see KEYPULSE_SECRET_FILE)`);
  }
  return secret;
}

/**
 * Writes the secret to `path` unless another process got there first, and returns the one that is there.
 * The secret is written whole to a private temporary file which is then hard-linked into place: linking fails
 * if the file exists, so two processes starting together agree, and no reader ever sees a half-written file.
 */
async function createSecretFile(path: string, secret: string): Promise<{ secret: string; byUs: boolean }> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(`${secret}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temporary, path);
    return { secret, byUs: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = await readSecretFile(path);
    if (existing === null) throw new Error(`The secret file ${path} vanished while it was being created`);
    return { secret: existing, byUs: false };
  } finally {
    await unlink(temporary);
  }
}
