import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { describe } from '../http/validate.js';
import { migrationStatus } from '../db/migration-status.js';
import type { Db } from '../db/client.js';
import { Liveness, NotReady, Readiness } from '../../shared/schemas/health.js';

/**
 * A load balancer or orchestrator asks these every few seconds, so they answer before anything else: no session,
 * no cookie, no rate limit, no log line per probe (only when readiness changes).
 */

/** A probe waits this long for the database; a load balancer's own timeout is usually a few seconds. */
export const READINESS_DB_TIMEOUT_MS = 2_000;

export interface HealthOptions {
  /** True once the process has been told to stop: it finishes what it has and should get nothing new. */
  isDraining: () => boolean;
}

async function checkReadiness(db: Db, options: HealthOptions): Promise<NotReady | { migrations: number }> {
  if (options.isDraining()) {
    return { status: 'not_ready', reason: 'draining', message: 'this process is shutting down: it finishes its requests and takes no new ones' };
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), READINESS_DB_TIMEOUT_MS);
  });
  try {
    const status = await Promise.race([migrationStatus(db), timeout]);
    if (status === 'timeout') {
      return { status: 'not_ready', reason: 'database_unreachable', message: `the database did not answer within ${READINESS_DB_TIMEOUT_MS / 1000} s` };
    }
    if (status.kind === 'pending') {
      const count = status.pending.length;
      return {
        status: 'not_ready',
        reason: 'migrations_pending',
        message: `the database lacks ${count} migration${count === 1 ? '' : 's'} of this version: run \`npm run db:migrate\` (or start one process, which applies them)`,
        pending: status.pending,
      };
    }
    return { migrations: status.applied };
  } catch (error) {
    return { status: 'not_ready', reason: 'database_unreachable', message: `the database cannot be reached: ${driverMessage(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The driver's own words (drizzle wraps them in `cause` under a message quoting the query): they name the host and
 * port at most, never the password — enough to act on.
 */
function driverMessage(error: unknown): string {
  let e = error as { message?: string; cause?: unknown };
  for (let depth = 0; e.cause && depth < 4; depth++) e = e.cause as typeof e;
  return e.message || String(e);
}

export function healthRoutes(options: HealthOptions) {
  let lastReason: NotReady['reason'] | 'ready' | null = null;
  return new Hono<AppEnv>()
    .get(
      '/healthz',
      describe({
        summary: 'Liveness: the process is up (does not touch the database)',
        tags: ['Health'],
        public: true,
        responses: { 200: Liveness },
      }),
      (c) => c.json({ status: 'ok' as const }, 200),
    )
    .get(
      '/readyz',
      describe({
        summary: 'Readiness: the database answers and has every migration applied, and the process is not shutting down',
        description:
          'Answers 503 with `{ status: "not_ready", reason, message }` when this process should get no traffic: ' +
          '`draining` (it received SIGTERM and is finishing its requests), `database_unreachable`, or `migrations_pending` (with `pending`).',
        tags: ['Health'],
        public: true,
        responses: { 200: Readiness, 503: { contentType: 'application/json', description: 'Not ready: see `reason` and `message`' } },
      }),
      async (c) => {
        const result = await checkReadiness(c.var.deps.db, options);
        const reason = 'reason' in result ? result.reason : 'ready';
        if (reason !== lastReason) {
          // Once per change, not once per probe; being ready from the start is no news.
          if (reason === 'ready') {
            if (lastReason !== null) c.var.deps.logger.info('ready again: database reachable and migrated');
          } else if (reason !== 'draining') c.var.deps.logger.warn('not ready', { reason, message: (result as NotReady).message });
          lastReason = reason;
        }
        if ('reason' in result) return c.json(result, 503);
        return c.json({ status: 'ready' as const, migrations: result.migrations }, 200);
      },
    );
}
