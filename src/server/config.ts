import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import * as z from 'zod';
import { parseTrustProxy } from './domain/trusted-proxies.js';
import { isValidAllowSetting } from './integrations/delivery/ssrf.js';
import { isCurrency, type Logo } from '../shared/schemas/settings.js';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => (v === '' ? undefined : v === '1' || v === 'true' || v === 'yes'));

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().optional(),
  DATABASE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  KEYPULSE_DATA_DIR: z.string().default('./data'),
  KEYPULSE_PUBLIC_URL: z.string().url().optional(),
  KEYPULSE_DEMO: flag.optional(),
  KEYPULSE_ADMIN_EMAIL: z.string().optional(),
  KEYPULSE_ADMIN_PASSWORD: z.string().optional(),
  KEYPULSE_SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 7),
  KEYPULSE_SESSION_MAX_DAYS: z.coerce.number().positive().default(30),
  KEYPULSE_COOKIE_SECURE: flag.optional(),
  KEYPULSE_TRUST_PROXY: z
    .string()
    .optional()
    .refine((v) => parseTrustProxy(v) !== null, 'must be a number of proxy hops, or their addresses (e.g. 10.0.0.5,10.1.0.0/16)'),
  KEYPULSE_LOGIN_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
  KEYPULSE_LOGIN_MAX_PER_ADDRESS: z.coerce.number().int().positive().default(20),
  KEYPULSE_LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  KEYPULSE_LOGIN_MAX_CONCURRENT: z.coerce.number().int().positive().default(4),
  KEYPULSE_LINK_MAX_BAD_TOKENS: z.coerce.number().int().positive().default(30),
  KEYPULSE_PASSWORD_LOGIN: flag.optional(),
  KEYPULSE_OIDC_ISSUER: z.string().url().optional(),
  KEYPULSE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  KEYPULSE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  KEYPULSE_OIDC_NAME: z.string().min(1).default('your company account'),
  KEYPULSE_OIDC_ALLOWED_DOMAINS: z.string().optional(),
  KEYPULSE_OIDC_DEFAULT_ROLE: z.enum(['admin', 'executive', 'account_manager']).default('account_manager'),
  KEYPULSE_AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  KEYPULSE_EMAIL_BODY_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  KEYPULSE_SECRET_FILE: z.string().default('./keypulse.secret'),
  KEYPULSE_COMPANY_NAME: z.string().min(1).default('Keypulse Demo Co'),
  KEYPULSE_ACCENT_COLOR: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #0b57d0')
    .default('#0b57d0')
    .transform((v) => v.toLowerCase()),
  KEYPULSE_CURRENCY: z
    .string()
    .default('EUR')
    .transform((v) => v.toUpperCase())
    .refine(isCurrency, 'must be a three-letter ISO 4217 currency code such as EUR, USD or GBP'),
  KEYPULSE_EMAIL_FROM: z.string().min(3).default('Keypulse <surveys@keypulse.localhost>'),
  RESEND_API_KEY: z.string().optional(),
  RESEND_BASE_URL: z.string().url().optional(),
  RESEND_WEBHOOK_SECRET: z.string().optional(),
  KEYPULSE_HUBSPOT_BASE_URL: z.string().url().default('https://api.hubapi.com'),
  KEYPULSE_RESEND_RPS: z.coerce.number().positive().default(2),
  KEYPULSE_MIN_DAYS_BETWEEN_SURVEYS: z.coerce.number().int().min(0).default(30),
  KEYPULSE_TASK_EMAILS: z.enum(['immediate', 'daily', 'off']).default('immediate'),
  KEYPULSE_RENEWAL_AUDIT_DAYS: z.coerce.number().int().min(0).max(3650).default(120),
  KEYPULSE_TOUCH_AMBER_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  KEYPULSE_TOUCH_RED_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  KEYPULSE_SECRET: z.string().min(32).optional(),
  KEYPULSE_WORKERS: flag.optional(),
  KEYPULSE_TIMEZONE: z
    .string()
    .default('UTC')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Madrid'),
  KEYPULSE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  KEYPULSE_DEV: flag.optional(),
  KEYPULSE_WEBHOOK_ALLOW_PRIVATE: z
    .string()
    .optional()
    .refine(isValidAllowSetting, 'must be comma-separated addresses, CIDR blocks or host names (e.g. 127.0.0.1/32,10.0.0.0/8)'),
});

export type Config = ReturnType<typeof buildConfig>;

function buildConfig(env: z.infer<typeof EnvSchema>) {
  const port = env.PORT;
  const publicUrl = (env.KEYPULSE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const oidc =
    env.KEYPULSE_OIDC_ISSUER && env.KEYPULSE_OIDC_CLIENT_ID
      ? {
          issuer: env.KEYPULSE_OIDC_ISSUER,
          clientId: env.KEYPULSE_OIDC_CLIENT_ID,
          clientSecret: env.KEYPULSE_OIDC_CLIENT_SECRET ?? null,
          /** Shown on the sign-in button: "Sign in with …". */
          name: env.KEYPULSE_OIDC_NAME,
          /** Email domains whose people get an account on their first SSO sign-in (lower case); empty: none. */
          allowedDomains: (env.KEYPULSE_OIDC_ALLOWED_DOMAINS ?? '')
            .split(',')
            .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
            .filter(Boolean),
          defaultRole: env.KEYPULSE_OIDC_DEFAULT_ROLE,
        }
      : null;
  return {
    port,
    /** Null when HOST is not set: main.ts decides (127.0.0.1 while the demo's published password works). */
    host: env.HOST ?? null,
    publicUrl,
    database: env.DATABASE_URL
      ? ({ kind: 'postgres', url: env.DATABASE_URL } as const)
      : ({ kind: 'pglite', dataDir: resolve(env.KEYPULSE_DATA_DIR) } as const),
    /** Demo data is loaded into an empty embedded database unless turned off. */
    demo: env.KEYPULSE_DEMO ?? !env.DATABASE_URL,
    initialAdmin:
      env.KEYPULSE_ADMIN_EMAIL && env.KEYPULSE_ADMIN_PASSWORD
        ? { email: env.KEYPULSE_ADMIN_EMAIL, password: env.KEYPULSE_ADMIN_PASSWORD }
        : null,
    /** Idle lifetime: a session unused this long ends. */
    sessionTtlMs: env.KEYPULSE_SESSION_TTL_HOURS * 3600_000,
    /** Absolute lifetime: a session ends this long after sign-in, however busy. */
    sessionMaxMs: env.KEYPULSE_SESSION_MAX_DAYS * 86_400_000,
    cookieSecure: env.KEYPULSE_COOKIE_SECURE ?? publicUrl.startsWith('https://'),
    /** Raw KEYPULSE_TRUST_PROXY: a number of trusted proxy hops, or their addresses (comma-separated); null: none. */
    trustProxy: env.KEYPULSE_TRUST_PROXY?.trim() || null,
    loginThrottle: {
      /** Failed sign-ins per account in the window. */
      maxAttempts: env.KEYPULSE_LOGIN_MAX_ATTEMPTS,
      /** Failed sign-ins per client address in the window, across all emails. */
      maxPerAddress: env.KEYPULSE_LOGIN_MAX_PER_ADDRESS,
      windowMs: env.KEYPULSE_LOGIN_WINDOW_MINUTES * 60_000,
      /** Password checks running at once in one process; more are refused with 429, not queued. */
      maxConcurrent: env.KEYPULSE_LOGIN_MAX_CONCURRENT,
    },
    /** Unknown survey or unsubscribe tokens one address may try per 15 minutes. */
    linkMaxBadTokens: env.KEYPULSE_LINK_MAX_BAD_TOKENS,
    /** Email and password sign-in; turn off when everyone signs in with SSO. */
    passwordLogin: env.KEYPULSE_PASSWORD_LOGIN ?? true,
    oidc,
    /** Audit entries older than this many days may be pruned; null keeps them forever. */
    auditRetentionDays: env.KEYPULSE_AUDIT_RETENTION_DAYS ?? null,
    /** Stored email bodies older than this many days are deleted; null keeps them. */
    emailBodyRetentionDays: env.KEYPULSE_EMAIL_BODY_RETENTION_DAYS ?? null,
    logLevel: env.KEYPULSE_LOG_LEVEL,
    companyName: env.KEYPULSE_COMPANY_NAME,
    /** Survey pages' and emails' buttons (#rrggbb); text on it is white or black, whichever contrasts more. */
    accentColor: env.KEYPULSE_ACCENT_COLOR,
    /** ISO 4217: the one currency of every amount of money. */
    currency: env.KEYPULSE_CURRENCY,
    /** The uploaded logo (settings table); set by services/settings.ts, never by the environment. */
    logo: null as Logo | null,
    /** Business days, due dates, report periods and the Monday report follow this time zone. */
    timeZone: env.KEYPULSE_TIMEZONE,
    email: {
      from: env.KEYPULSE_EMAIL_FROM,
      /** Resend when an API key is set; otherwise the local outbox. */
      resend: env.RESEND_API_KEY ? { apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL ?? null } : null,
      webhookSecret: env.RESEND_WEBHOOK_SECRET ?? null,
      requestsPerSecond: env.KEYPULSE_RESEND_RPS,
    },
    /** HubSpot's API base URL: from the environment only, never from a request body (no SSRF surface); tests point it at a loopback fake.
     * `retries`: the SDK's own retries on 429 and 5xx (tests use 0, so a failing fake fails at once). */
    hubspot: { baseUrl: env.KEYPULSE_HUBSPOT_BASE_URL.replace(/\/+$/, ''), retries: 3 },
    minDaysBetweenSurveys: env.KEYPULSE_MIN_DAYS_BETWEEN_SURVEYS,
    /** Days before a key account's renewal date the scheduler launches its audit campaign; 0 turns it off. */
    renewalAuditDays: env.KEYPULSE_RENEWAL_AUDIT_DAYS,
    /** People-map freshness: a contact last touched this many days ago turns amber, then red. */
    touchFreshness: { amberAfterDays: env.KEYPULSE_TOUCH_AMBER_DAYS, redAfterDays: env.KEYPULSE_TOUCH_RED_DAYS },
    /** New follow-up tasks are emailed to their assignee at once, in a digest at 08:00, or not at all. */
    taskEmails: env.KEYPULSE_TASK_EMAILS,
    /** Signs survey and unsubscribe links; when not given, read from (or generated into) secretFile. Never in the database. */
    secret: env.KEYPULSE_SECRET ?? null,
    secretFile: resolve(env.KEYPULSE_SECRET_FILE),
    /** Run the queue workers inside the web process (the default) or only in `npm run worker`. */
    workersInWebProcess: env.KEYPULSE_WORKERS ?? true,
    /** `npm run dev`: rebuild the browser files when they change and reload open pages. */
    dev: env.KEYPULSE_DEV ?? false,
    /**
     * Outgoing webhooks, Slack and Teams may reach these private addresses (CIDR blocks, addresses or host names)
     * despite the SSRF guard: self-hosted receivers. Empty: only public addresses.
     */
    webhookAllowPrivate: (env.KEYPULSE_WEBHOOK_ALLOW_PRIVATE ?? '').split(',').map((v) => v.trim()).filter(Boolean),
  };
}

/** Settings that are each valid but make no sense together: refused at start-up rather than half applied. */
function crossCheck(env: z.infer<typeof EnvSchema>): string[] {
  const problems: string[] = [];
  if (env.KEYPULSE_TOUCH_RED_DAYS <= env.KEYPULSE_TOUCH_AMBER_DAYS) {
    problems.push('KEYPULSE_TOUCH_RED_DAYS must be more than KEYPULSE_TOUCH_AMBER_DAYS');
  }
  if (Boolean(env.KEYPULSE_OIDC_ISSUER) !== Boolean(env.KEYPULSE_OIDC_CLIENT_ID)) {
    problems.push('KEYPULSE_OIDC_ISSUER and KEYPULSE_OIDC_CLIENT_ID: single sign-on needs both (or neither)');
  }
  if (env.KEYPULSE_PASSWORD_LOGIN === false && !(env.KEYPULSE_OIDC_ISSUER && env.KEYPULSE_OIDC_CLIENT_ID)) {
    problems.push('KEYPULSE_PASSWORD_LOGIN: turning password sign-in off needs single sign-on (KEYPULSE_OIDC_*), or nobody could sign in');
  }
  return problems;
}

/** Parses the environment once; nothing else in the code reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `PORT=` (as compose files write for an unset variable) means "not set", not 0.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new Error(`Invalid environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return buildConfig(parsed.data);
}

const testSecret = randomBytes(32).toString('base64url');

/** Config for tests and tools: defaults plus overrides, no environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // A secret of its own, so tests never read or write a secret file.
  return { ...buildConfig(EnvSchema.parse({ KEYPULSE_LOG_LEVEL: 'silent' })), secret: testSecret, ...overrides };
}
