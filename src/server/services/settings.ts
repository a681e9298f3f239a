import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { getSettingRows, writeSettingRows } from '../db/queries/settings.js';
import {
  EmailFrom,
  SurveyWindowDays,
  TimeZone,
  type SettingKey,
  type SettingValues,
  type Settings,
  type UpdateSettings,
} from '../../shared/schemas/settings.js';

/**
 * The one place that knows about settings an admin changed in the workspace (sender, time zone, survey
 * frequency window). They live in the `settings` table and are applied onto the process's `config`, so every
 * job, service and report keeps reading `config.email.from`, `config.timeZone` and
 * `config.minDaysBetweenSurveys` as before: loaded at start-up (buildDeps), updated on PATCH in the process
 * that saved them, and refreshed by every scheduler sweep in worker processes.
 */

const storageKey: Record<SettingKey, string> = {
  emailFrom: 'config.email_from',
  timeZone: 'config.time_zone',
  minDaysBetweenSurveys: 'config.min_days_between_surveys',
};
const keys = Object.keys(storageKey) as SettingKey[];

/** What the environment said, captured the first time a config is seen (before any override lands on it). */
const environmentOf = new WeakMap<Config, SettingValues>();
/** The last state read from the database, per config (for GET without another query, and `updatedAt`). */
const loadedOf = new WeakMap<Config, { stored: Partial<SettingValues>; updatedAt: Date | null }>();

function readConfig(config: Config): SettingValues {
  return { emailFrom: config.email.from, timeZone: config.timeZone, minDaysBetweenSurveys: config.minDaysBetweenSurveys };
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
function parseStored(key: SettingKey, text: string): SettingValues[SettingKey] | undefined {
  const parsed =
    key === 'minDaysBetweenSurveys' ? SurveyWindowDays.safeParse(Number(text)) : (key === 'emailFrom' ? EmailFrom : TimeZone).safeParse(text);
  return parsed.success ? parsed.data : undefined;
}

function apply(config: Config, stored: Partial<SettingValues>): void {
  const env = environmentSettings(config);
  config.email.from = stored.emailFrom ?? env.emailFrom;
  config.timeZone = stored.timeZone ?? env.timeZone;
  config.minDaysBetweenSurveys = stored.minDaysBetweenSurveys ?? env.minDaysBetweenSurveys;
}

/** Reads the stored overrides and applies them onto `config` (start-up, scheduler sweep, after a change). */
export async function refreshSettings(db: Db, config: Config): Promise<void> {
  environmentSettings(config);
  const rows = await getSettingRows(db, keys.map((k) => storageKey[k]));
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
  loadedOf.set(config, { stored: stored as Partial<SettingValues>, updatedAt });
  apply(config, stored as Partial<SettingValues>);
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
    sources: { emailFrom: source('emailFrom'), timeZone: source('timeZone'), minDaysBetweenSurveys: source('minDaysBetweenSurveys') },
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
