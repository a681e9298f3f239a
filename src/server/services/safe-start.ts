import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { findUserByEmail, updateUserRow } from '../db/queries/users.js';
import { getSettingRows, writeSettingRows } from '../db/queries/settings.js';
import { demoUsers, DEMO_PASSWORD } from '../seed/demo-data.js';
import type { DemoLogin } from '../seed/demo.js';

/** Addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return isIP(h) === 4 ? h.startsWith('127.') : /^::ffff:127\./.test(h);
}

/**
 * Where to listen when HOST does not say: a demo (whose password is in the README) only on this machine;
 * a real installation, with users someone created, on every interface as before.
 */
export function chooseListenHost(config: Pick<Config, 'host' | 'demo'>): string {
  return config.host ?? (config.demo ? '127.0.0.1' : '0.0.0.0');
}

/**
 * Why people other than this machine's can reach the server, or null when they cannot: it listens beyond
 * loopback, or its public address or a proxy setting says a proxy on this machine forwards the network to it.
 */
export function networkExposure(config: Pick<Config, 'publicUrl' | 'trustProxy'>, host: string): string | null {
  if (!isLoopbackHost(host)) return `it listens on ${host}`;
  const publicHost = new URL(config.publicUrl).hostname;
  if (!isLoopbackHost(publicHost)) return `its public address is ${config.publicUrl}`;
  if (config.trustProxy) return 'KEYPULSE_TRUST_PROXY says a proxy forwards to it';
  return null;
}

export interface DemoLoginsAtStart {
  /** Demo people whose password we can show: the published one, or the new one just set. */
  logins: DemoLogin[];
  /** True when the published password was just replaced (the new passwords are shown now, and only now). */
  rotated: boolean;
  /** Demo people present whose password is no longer the published one (changed at an earlier start, or by them). */
  changedEarlier: string[];
}

/** Which demo users' password hashes are the published password's: `{ [sha256 of the hash]: boolean }` (settings). */
const PASSWORD_CHECKS_SETTING = 'demo_password_checks';

/** The settings row names each hash by its SHA-256, so password hashes are not copied out of `users`. */
const checkKey = (passwordHash: string) => createHash('sha256').update(passwordHash).digest('base64url');

async function readPasswordChecks(db: Db): Promise<Record<string, boolean>> {
  const [row] = await getSettingRows(db, [PASSWORD_CHECKS_SETTING]);
  try {
    const parsed: unknown = row ? JSON.parse(row.value) : {};
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'));
  } catch {
    return {}; // unreadable: checked again, and written anew
  }
}

/** seedDemo made every demo user's hash from the published password: no start needs to check that again. */
export async function rememberPublishedHash(db: Db, passwordHash: string, now: Date): Promise<void> {
  await writeSettingRows(db, { [PASSWORD_CHECKS_SETTING]: JSON.stringify({ [checkKey(passwordHash)]: true }) }, now);
}

/** 16 random bytes (128 bits): 22 characters a person can copy from a terminal. */
function randomPassword(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * No installation reachable from the network accepts a published password: when it is (see networkExposure),
 * every demo user who still has the published password gets a random one, to be printed once at start-up.
 * On this machine alone nothing changes, so `npm start` and the README's demo logins work as written.
 */
export async function secureDemoLogins(db: Db, reachable: boolean, now: Date): Promise<DemoLoginsAtStart> {
  const present = (await Promise.all(demoUsers.map(async (demo) => ({ demo, row: await findUserByEmail(db, demo.email) })))).filter(
    (p) => p.row,
  );
  // Whether a stored hash is the published password's costs a scrypt (a good part of a second on a busy machine),
  // so each hash's answer is remembered: the demo seeds every user with one hash (seedDemo records it), and a
  // restart finds the same hashes. A hash is a fixed salt and key, so the same string always gets the same answer.
  const remembered = await readPasswordChecks(db);
  const checks = new Map<string, Promise<boolean>>();
  const isPublished = (hash: string) => {
    if (!checks.has(hash)) {
      const key = checkKey(hash);
      checks.set(hash, key in remembered ? Promise.resolve(remembered[key]!) : verifyPassword(DEMO_PASSWORD, hash));
    }
    return checks.get(hash)!;
  };
  const published = await Promise.all(present.map((p) => isPublished(p.row!.passwordHash)));
  const verdicts: Record<string, boolean> = {};
  present.forEach((p, i) => (verdicts[checkKey(p.row!.passwordHash)] = published[i]!));
  const result: DemoLoginsAtStart = { logins: [], rotated: false, changedEarlier: [] };
  const exposed = present.filter((_, i) => published[i]);
  result.changedEarlier = present.filter((_, i) => !published[i]).map((p) => p.demo.email);
  const passwords = await Promise.all(
    exposed.map(async ({ row }) => {
      if (!reachable) return DEMO_PASSWORD;
      const password = randomPassword();
      const passwordHash = await hashPassword(password);
      await updateUserRow(db, row!.id, { passwordHash }, now);
      verdicts[checkKey(passwordHash)] = false;
      delete verdicts[checkKey(row!.passwordHash)];
      return password;
    }),
  );
  // Only the demo users' present hashes are kept; written when they changed (a rotation, a new password).
  if (JSON.stringify(Object.entries(verdicts).sort()) !== JSON.stringify(Object.entries(remembered).sort())) {
    await writeSettingRows(db, { [PASSWORD_CHECKS_SETTING]: JSON.stringify(verdicts) }, now);
  }
  result.rotated = reachable && exposed.length > 0;
  for (const [i, { demo, row }] of exposed.entries()) {
    // A disabled demo user gets a new password too (an admin may enable it later) but is not offered.
    if (!row!.disabled) result.logins.push({ email: demo.email, password: passwords[i]!, role: demo.role, name: demo.name });
  }
  return result;
}
