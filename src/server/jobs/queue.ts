import type PgBoss from 'pg-boss';
import type { Database } from '../db/client.js';
import type { AppDeps, Logger } from '../http/context.js';
import { pgliteBossDb, postgresBossDb, type BossDb } from './boss-db.js';
import { SEND_EMAILS, sendEmails } from './send-emails.js';
import { DISPATCH_CAMPAIGN, dispatchCampaign } from './dispatch-campaign.js';
import { SCHEDULER_TICK, schedulerTick } from './scheduler-tick.js';
import { PASSWORD_RESET_REQUEST, handlePasswordResetRequest } from './password-reset-request.js';
import { redactPath } from '../http/redact-path.js';
import { CRM_SYNC, crmSync } from './crm-sync.js';
import { DELIVER_WEBHOOKS, deliverWebhooks } from '../integrations/delivery/engine.js';

/** What routes and jobs need from the queue: hand over work that must survive a crash. */
export interface JobQueue {
  enqueue(name: JobName, data: object, options?: { singletonKey?: string; startAfter?: Date }): Promise<void>;
  /** Many jobs of one kind in one round trip. */
  enqueueMany(name: JobName, jobs: { data: object; singletonKey?: string }[]): Promise<void>;
  /** Of these singleton keys, those with no job of this kind waiting, retrying or running: lost, or given up. */
  keysWithoutLiveJob(name: JobName, keys: string[]): Promise<string[]>;
}

const handlers = {
  [SEND_EMAILS]: (deps: AppDeps, data: any) => sendEmails(deps, data),
  [DISPATCH_CAMPAIGN]: (deps: AppDeps, data: any) => dispatchCampaign(deps, data),
  [SCHEDULER_TICK]: (deps: AppDeps) => schedulerTick(deps),
  [PASSWORD_RESET_REQUEST]: (deps: AppDeps, data: any) => handlePasswordResetRequest(deps, data),
  [CRM_SYNC]: (deps: AppDeps, data: any) => crmSync(deps, data),
  [DELIVER_WEBHOOKS]: (deps: AppDeps, data: any) => deliverWebhooks(deps, data),
} as const;
export type JobName = keyof typeof handlers;
const jobNames = Object.keys(handlers) as JobName[];

/**
 * How long a job may run before pg-boss takes its worker for dead and hands the job to another (its lease). A crashed
 * worker's emails wait for this, so it is short: a send job's own bounds keep it well inside — the provider call gives
 * up after 30 s (resend-transport.ts) and waits at most a few seconds for this process's turn at the provider's rate.
 * A job that outlives it anyway is retried next to itself, which costs nothing twice: every job is safe to run
 * twice, and two runs of one email batch are kept from sending twice (claimAttempt, idempotency keys).
 */
export const JOB_LEASE_SECONDS = 60;
/** How often pg-boss looks for jobs whose lease ran out (its default, 120 s, alone would eat the two minutes). */
export const MAINTENANCE_INTERVAL_SECONDS = 10;
export const DEFAULT_RETRY_DELAY_SECONDS = 10;
const SEND_POLLING_SECONDS = 0.5;

/**
 * The longest a batch claimed by a worker that then died waits, after a restart, before a worker sends it: the lease
 * runs out; maintenance notices within two of its intervals (each run is skipped when the last one, in any process,
 * is less than an interval old, and timers drift); the first retry waits `retryDelay` to twice that (pg-boss backoff
 * with jitter); then one polling interval. With the defaults: 60 + 20 + 20 + 0.5 s, inside the two minutes promised.
 */
export function crashRecoveryBoundSeconds(options: Pick<QueueOptions, 'leaseSeconds' | 'maintenanceIntervalSeconds' | 'retryDelaySeconds'> = {}) {
  const lease = options.leaseSeconds ?? JOB_LEASE_SECONDS;
  const maintenance = options.maintenanceIntervalSeconds ?? MAINTENANCE_INTERVAL_SECONDS;
  const retryDelay = options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS;
  return lease + 2 * maintenance + 2 * retryDelay + SEND_POLLING_SECONDS;
}

export interface QueueOptions {
  /** Seconds before a failed job is retried (doubling each time); tests use 0. */
  retryDelaySeconds?: number;
  /** Maintenance and cron scheduling: on for real processes, off for tests that drive the queue by hand. */
  supervise?: boolean;
  /** A job's lease (JOB_LEASE_SECONDS); crash tests shorten it to run in seconds. */
  leaseSeconds?: number;
  /** How often expired leases are looked for (MAINTENANCE_INTERVAL_SECONDS). */
  maintenanceIntervalSeconds?: number;
  logger: Logger;
}

/** The advisory lock held while a process sets up the queue (migrations hold 7152341, db/migrate.ts). */
const QUEUE_SETUP_LOCK = 7152342;

/** Runs `work` while no other process on this PostgreSQL database runs it; PGlite has one process anyway. */
async function oneProcessAtATime(database: Database, work: () => Promise<void>): Promise<void> {
  if (database.raw.kind !== 'postgres') return work();
  // The lock belongs to a session: held on a reserved connection while the pool's others do the work.
  const lock = await database.raw.sql.reserve();
  try {
    await lock`select pg_advisory_lock(${QUEUE_SETUP_LOCK})`;
    await work();
  } finally {
    await lock`select pg_advisory_unlock(${QUEUE_SETUP_LOCK})`.catch(() => {});
    lock.release();
  }
}

/**
 * pg-boss on the application's own database (PGlite or PostgreSQL), through a small `db` adapter so that
 * no second driver is needed. Queues use the "stately" policy: one waiting and one running job per
 * singleton key, so the same batch is never queued twice.
 */
export class PgBossQueue implements JobQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly bossDb: BossDb,
    private readonly logger: Logger,
  ) {}

  static async start(database: Database, options: QueueOptions): Promise<PgBossQueue> {
    const bossDb = database.raw.kind === 'pglite' ? pgliteBossDb(database.raw.pglite) : postgresBossDb(database.raw.sql);
    const supervise = options.supervise ?? true;
    // Loaded here, not with the module: the web server starts pg-boss after it listens (main.ts), and pg-boss with
    // its PostgreSQL client is a good part of what a start would otherwise load before answering anything.
    const { default: PgBossClass } = await import('pg-boss');
    const boss = new PgBossClass({
      db: bossDb,
      schema: 'pgboss',
      supervise,
      schedule: supervise,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? MAINTENANCE_INTERVAL_SECONDS,
      migrate: true,
    } as PgBoss.ConstructorOptions);
    boss.on('error', (error) => options.logger.error('queue error', { error: String(error) }));
    const retryDelay = options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS;
    // Web and worker processes starting together on a new database would create the same queues at once, and
    // pg-boss's create_queue (a row and a partition table) deadlocks against itself: one process at a time.
    await oneProcessAtATime(database, async () => {
      await boss.start();
      for (const name of jobNames) {
        const settings = {
          name,
          policy: name === SCHEDULER_TICK ? 'singleton' : 'stately',
          retryLimit: name === SEND_EMAILS ? 20 : 5,
          retryDelay,
          retryBackoff: retryDelay > 0,
          expireInSeconds: options.leaseSeconds ?? JOB_LEASE_SECONDS,
        } as PgBoss.Queue;
        // createQueue leaves an existing queue as it was made: an installation from before would keep its old
        // 15-minute lease. The queue's settings are copied onto each job as it is queued.
        await boss.createQueue(name, settings);
        await boss.updateQueue(name, settings);
      }
    });
    return new PgBossQueue(boss, bossDb, options.logger);
  }

  async enqueue(name: JobName, data: object, options: { singletonKey?: string; startAfter?: Date } = {}): Promise<void> {
    await this.boss.send(name, data, options);
  }

  async keysWithoutLiveJob(name: JobName, keys: string[]): Promise<string[]> {
    if (!keys.length) return [];
    const { rows } = await this.bossDb.executeSql(
      `select distinct singleton_key from pgboss.job where name = $1 and singleton_key = any($2::text[]) and state < 'completed'`,
      [name, keys],
    );
    const live = new Set(rows.map((r: { singleton_key: string }) => r.singleton_key));
    return keys.filter((key) => !live.has(key));
  }

  async enqueueMany(name: JobName, jobs: { data: object; singletonKey?: string }[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += 1000) {
      await this.boss.insert(jobs.slice(i, i + 1000).map((job) => ({ name, data: job.data, singletonKey: job.singletonKey })));
    }
  }

  /**
   * Starts the workers (and the per-minute scheduler) in this process. Email batches get several workers,
   * each fetching several jobs at a time, so sending is limited by the provider's rate, not by polling.
   */
  async work(deps: AppDeps, options: { concurrency?: number; batchSize?: number; pollingIntervalSeconds?: number } = {}): Promise<void> {
    for (const name of jobNames) {
      const isSend = name === SEND_EMAILS;
      const workers = isSend ? (options.concurrency ?? 8) : 1;
      for (let i = 0; i < workers; i++) {
        await this.boss.work(
          name,
          { pollingIntervalSeconds: options.pollingIntervalSeconds ?? (isSend ? 0.5 : 1), batchSize: isSend ? (options.batchSize ?? 2) : 1 },
          async (jobs) => {
            // Each job succeeds or fails on its own: one failing batch must not send the others back.
            await Promise.all(
              jobs.map((job) =>
                handlers[name](deps, job.data).catch(async (error) => {
                  this.logger.warn('job failed; pg-boss will retry it', { job: name, id: job.id, error: String(error) });
                  await this.boss.fail(name, job.id, { message: redactPath(String(error)) });
                }),
              ),
            );
          },
        );
      }
    }
    await this.boss.schedule(SCHEDULER_TICK, '* * * * *', {}, { tz: 'UTC' });
  }

  /**
   * Runs queued jobs in this process until none is left (tests and benchmarks): deterministic, no polling.
   * Failed jobs go back to pg-boss for retry exactly as the workers would report them.
   */
  async runUntilIdle(deps: AppDeps, maxRounds = 10_000): Promise<number> {
    let ran = 0;
    for (let round = 0; round < maxRounds; round++) {
      let fetched = 0;
      for (const name of jobNames) {
        const jobs = (await this.boss.fetch(name, { batchSize: 20 })) ?? [];
        fetched += jobs.length;
        for (const job of jobs) {
          try {
            await handlers[name](deps, job.data);
            await this.boss.complete(name, job.id);
          } catch (error) {
            await this.boss.fail(name, job.id, { message: redactPath(String(error)) });
          }
          ran++;
        }
      }
      if (fetched === 0) return ran;
    }
    return ran;
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000 });
    await this.bossDb.drain().catch((error) => this.logger.warn('queue did not drain', { error: String(error) }));
  }
}
