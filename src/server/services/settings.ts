import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { getSettingRows, writeSettingRows } from '../db/queries/settings.js';
import { createHash } from 'node:crypto';
import { extensionOf, logoBox, sniffImage } from '../domain/logo-image.js';
import { accentStylesheetUrl } from '../domain/brand.js';
import {
  AccentColor,
  CompanyName,
  Currency,
  EmailFrom,
  LOGO_MAX_BYTES,
  Logo,
  SurveyWindowDays,
  TimeZone,
  type SettingKey,
  type SettingValues,
  type Settings,
  type UpdateSettings,
} from '../../shared/schemas/settings.js';

/**
 * The one place that knows about settings an admin changed in the workspace (sender, time zone, survey
 * frequency window, company name, accent colour, currency, logo). They live in the `settings` table and are
 * applied onto the process's `config`, so every job, service and report keeps reading `config.email.from`,
 * `config.timeZone`, `config.companyName`, … as before: loaded at start-up (buildDeps), updated on PATCH in the
 * process that saved them, and refreshed every few seconds in web processes and by every scheduler sweep in
 * workers.
 *
 * The logo is two rows: `brand.logo_meta` (type, size, SHA-256; small, read with every refresh) and `brand.logo`
 * (the bytes in base64, read only when a process serves a logo it has not cached yet). Both are written in one
 * transaction.
 */

const storageKey: Record<SettingKey, string> = {
  emailFrom: 'config.email_from',
  timeZone: 'config.time_zone',
  minDaysBetweenSurveys: 'config.min_days_between_surveys',
  companyName: 'config.company_name',
  accentColor: 'config.accent_color',
  currency: 'config.currency',
};
const keys = Object.keys(storageKey) as SettingKey[];
const LOGO_META = 'brand.logo_meta';
const LOGO_DATA = 'brand.logo';

/** What the environment said, captured the first time a config is seen (before any override lands on it). */
const environmentOf = new WeakMap<Config, SettingValues>();
/** The last state read from the database, per config (for GET without another query, and `updatedAt`). */
const loadedOf = new WeakMap<Config, { stored: Partial<SettingValues>; updatedAt: Date | null }>();

function readConfig(config: Config): SettingValues {
  return {
    emailFrom: config.email.from,
    timeZone: config.timeZone,
    minDaysBetweenSurveys: config.minDaysBetweenSurveys,
    companyName: config.companyName,
    accentColor: config.accentColor,
    currency: config.currency,
  };
}

export function environmentSettings(config: Config): SettingValues {
  let env = environmentOf.get(config);
  if (!env) {
    env = readConfig(config);
    environmentOf.set(config, env);
  }
  return env;
}

/** A stored text back to a value; a value that no longer validates is ignored (the environment's applies). */
const textSchema = { emailFrom: EmailFrom, timeZone: TimeZone, companyName: CompanyName, accentColor: AccentColor, currency: Currency } as const;

function parseStored(key: SettingKey, text: string): SettingValues[SettingKey] | undefined {
  const parsed = key === 'minDaysBetweenSurveys' ? SurveyWindowDays.safeParse(Number(text)) : textSchema[key].safeParse(text);
  return parsed.success ? parsed.data : undefined;
}

function parseLogoMeta(text: string | undefined): Logo | null {
  if (!text) return null;
  try {
    const parsed = Logo.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function apply(config: Config, stored: Partial<SettingValues>, logo: Logo | null): void {
  const env = environmentSettings(config);
  config.email.from = stored.emailFrom ?? env.emailFrom;
  config.timeZone = stored.timeZone ?? env.timeZone;
  config.minDaysBetweenSurveys = stored.minDaysBetweenSurveys ?? env.minDaysBetweenSurveys;
  config.companyName = stored.companyName ?? env.companyName;
  config.accentColor = stored.accentColor ?? env.accentColor;
  config.currency = stored.currency ?? env.currency;
  config.logo = logo;
}

/** Reads the stored overrides and applies them onto `config` (start-up, scheduler sweep, after a change). */
export async function refreshSettings(db: Db, config: Config): Promise<void> {
  environmentSettings(config);
  const rows = await getSettingRows(db, [...keys.map((k) => storageKey[k]), LOGO_META]);
  const stored: Partial<Record<SettingKey, unknown>> = {};
  let updatedAt: Date | null = null;
  for (const key of keys) {
    const row = rows.find((r) => r.key === storageKey[key]);
    if (!row) continue;
    const value = parseStored(key, row.value);
    if (value === undefined) continue;
    stored[key] = value;
    if (!updatedAt || row.updatedAt > updatedAt) updatedAt = row.updatedAt;
  }
  const logoRow = rows.find((r) => r.key === LOGO_META);
  const logo = parseLogoMeta(logoRow?.value);
  if (logo && logoRow && (!updatedAt || logoRow.updatedAt > updatedAt)) updatedAt = logoRow.updatedAt;
  loadedOf.set(config, { stored: stored as Partial<SettingValues>, updatedAt });
  apply(config, stored as Partial<SettingValues>, logo);
}

/** How soon a web process applies settings another process saved (workers also refresh at each scheduler sweep). */
export const SETTINGS_REFRESH_MS = 5_000;

/**
 * Re-reads the stored settings every `everyMs` in the background: behind a load balancer, the admin's change is saved
 * by one web process, and the others must not keep the old time zone or survey window until they restart.
 * Returns the function that stops it.
 */
export function keepSettingsFresh(
  db: Db,
  config: Config,
  logger: { warn(message: string, fields?: Record<string, unknown>): void },
  everyMs = SETTINGS_REFRESH_MS,
): () => void {
  const timer = setInterval(() => {
    refreshSettings(db, config).catch((error: unknown) => logger.warn('could not refresh the settings', { error: String(error) }));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** What is in effect, what the environment says, and where each value comes from. */
export async function readSettings(db: Db, config: Config): Promise<Settings> {
  await refreshSettings(db, config);
  const { stored, updatedAt } = loadedOf.get(config)!;
  const source = (key: SettingKey) => (stored[key] === undefined ? 'environment' : 'admin') as 'environment' | 'admin';
  return {
    values: readConfig(config),
    environment: environmentSettings(config),
    sources: {
      emailFrom: source('emailFrom'),
      timeZone: source('timeZone'),
      minDaysBetweenSurveys: source('minDaysBetweenSurveys'),
      companyName: source('companyName'),
      accentColor: source('accentColor'),
      currency: source('currency'),
    },
    logo: config.logo,
    updatedAt: updatedAt?.toISOString() ?? null,
  };
}

/** Saves validated changes (null = back to the environment's value) and applies them at once. */
export async function saveSettings(db: Db, config: Config, changes: UpdateSettings, now: Date): Promise<Settings> {
  const rows: Record<string, string | null> = {};
  for (const key of keys) {
    const value = changes[key];
    if (value === undefined) continue;
    rows[storageKey[key]] = value === null ? null : String(value);
  }
  await writeSettingRows(db, rows, now);
  return readSettings(db, config);
}

export type LogoUpload = { ok: true; logo: Logo } | { ok: false; code: 'payload_too_large' | 'unsupported_media_type'; message: string };

/** The public, content-hashed address of a logo: a new logo is a new address, so the old one can be cached forever. */
export function logoUrl(sha256: string, contentType: Logo['contentType']): string {
  return `/brand/logo-${sha256.slice(0, 16)}.${extensionOf[contentType]}`;
}

/**
 * Checks an uploaded logo (size, and what its bytes really are: the declared type must match) and stores it.
 * Refused uploads write nothing.
 */
export async function saveLogo(db: Db, config: Config, bytes: Uint8Array, declaredType: string, now: Date): Promise<LogoUpload> {
  if (bytes.length > LOGO_MAX_BYTES) {
    return { ok: false, code: 'payload_too_large', message: `the logo is larger than ${LOGO_MAX_BYTES / 1024} KB; export it smaller (a logo shown 48 px high needs little)` };
  }
  const image = sniffImage(bytes);
  if (!image) return { ok: false, code: 'unsupported_media_type', message: 'the logo must be a PNG, JPEG or WebP image (SVG is not accepted)' };
  if (declaredType !== image.contentType) {
    return { ok: false, code: 'unsupported_media_type', message: `the file is a ${image.contentType} image but was sent as ${declaredType || 'no type'}` };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const logo: Logo = { url: logoUrl(sha256, image.contentType), contentType: image.contentType, bytes: bytes.length, width: image.width, height: image.height, sha256 };
  await writeSettingRows(db, { [LOGO_META]: JSON.stringify(logo), [LOGO_DATA]: Buffer.from(bytes).toString('base64') }, now);
  cached = { sha256, bytes: Buffer.from(bytes) };
  await refreshSettings(db, config);
  return { ok: true, logo };
}

export async function removeLogo(db: Db, config: Config, now: Date): Promise<void> {
  await writeSettingRows(db, { [LOGO_META]: null, [LOGO_DATA]: null }, now);
  await refreshSettings(db, config);
}

/** The bytes of the logo in effect, kept in memory once read (one logo per installation, ≤ 100 KB). */
let cached: { sha256: string; bytes: Buffer } | null = null;
/** When each process (config) last re-read the settings for an address it did not know. */
const lastMissRefresh = new WeakMap<Config, number>();

/**
 * The logo whose address starts with this hash, or null (an old or unknown address). A hash this process does not
 * know yet (another process saved a new logo less than one refresh ago) re-reads the settings, at most once a second,
 * so a burst of made-up addresses costs no more than that.
 */
export async function findLogo(db: Db, config: Config, hashPrefix: string, extension: string, nowMs: number): Promise<{ logo: Logo; bytes: Buffer } | null> {
  const matches = (logo: Logo | null): logo is Logo => !!logo && logo.sha256.startsWith(hashPrefix) && extensionOf[logo.contentType] === extension;
  if (!matches(config.logo) && Math.abs(nowMs - (lastMissRefresh.get(config) ?? -Infinity)) >= 1000) {
    lastMissRefresh.set(config, nowMs);
    await refreshSettings(db, config);
  }
  const logo = config.logo;
  if (!matches(logo)) return null;
  if (cached?.sha256 !== logo.sha256) {
    const [row] = await getSettingRows(db, [LOGO_DATA]);
    if (!row) return null;
    const bytes = Buffer.from(row.value, 'base64');
    // The meta and the bytes are read at different moments: a logo replaced in between is not served under the old hash.
    if (createHash('sha256').update(bytes).digest('hex') !== logo.sha256) return null;
    cached = { sha256: logo.sha256, bytes };
  }
  return { logo, bytes: cached.bytes };
}

/** Who is asking, as the survey pages and emails show it: the company name, the logo at its drawn size, the accent. */
export function brandOf(config: Config, origin = ''): { companyName: string; logo: { url: string; width: number; height: number } | null; accentColor: string; accentStylesheet: string | null } {
  const logo = config.logo ? { url: origin + config.logo.url, ...logoBox(config.logo, 200, 48) } : null;
  return { companyName: config.companyName, logo, accentColor: config.accentColor, accentStylesheet: accentStylesheetUrl(config.accentColor) };
}
