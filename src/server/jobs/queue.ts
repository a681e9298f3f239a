import PgBoss from 'pg-boss';
import type { Database } from '../db/client.js';
import type { AppDeps, Logger } from '../http/context.js';
import { pgliteBossDb, postgresBossDb, type BossDb } from './boss-db.js';
import { SEND_EMAILS, sendEmails } from './send-emails.js';
import { DISPATCH_CAMPAIGN, dispatchCampaign } from './dispatch-campaign.js';
import { SCHEDULER_TICK, schedulerTick } from './scheduler-tick.js';

/** What routes and jobs need from the queue: hand over work that must survive a crash. */
export interface JobQueue {
  enqueue(name: JobName, data: object, options?: { singletonKey?: string; startAfter?: Date }): Promise<void>;
  /** Many jobs of one kind in one round trip. */
  enqueueMany(name: JobName, jobs: { data: object; singletonKey?: string }[]): Promise<void>;
}

const handlers = {
  [SEND_EMAILS]: (deps: AppDeps, data: any) => sendEmails(deps, data),
  [DISPATCH_CAMPAIGN]: (deps: AppDeps, data: any) => dispatchCampaign(deps, data),
  [SCHEDULER_TICK]: (deps: AppDeps) => schedulerTick(deps),
} as const;
export type JobName = keyof typeof handlers;
const jobNames = Object.keys(handlers) as JobName[];

export interface QueueOptions {
  /** Seconds before a failed job is retried (doubling each time); tests use 0. */
  retryDelaySeconds?: number;
  /** Maintenance and cron scheduling: on for real processes, off for tests that drive the queue by hand. */
  supervise?: boolean;
  logger: Logger;
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
    const boss = new PgBoss({
      db: bossDb,
      schema: 'pgboss',
      supervise,
      schedule: supervise,
      migrate: true,
    } as PgBoss.ConstructorOptions);
    boss.on('error', (error) => options.logger.error('queue error', { error: String(error) }));
    await boss.start();
    const retryDelay = options.retryDelaySeconds ?? 10;
    for (const name of jobNames) {
      await boss.createQueue(name, {
        name,
        policy: name === SCHEDULER_TICK ? 'singleton' : 'stately',
        retryLimit: name === SEND_EMAILS ? 20 : 5,
        retryDelay,
        retryBackoff: retryDelay > 0,
        expireInSeconds: 15 * 60,
      } as PgBoss.Queue);
    }
    return new PgBossQueue(boss, bossDb, options.logger);
  }

  async enqueue(name: JobName, data: object, options: { singletonKey?: string; startAfter?: Date } = {}): Promise<void> {
    await this.boss.send(name, data, options);
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
                  await this.boss.fail(name, job.id, { message: String(error) });
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
            await this.boss.fail(name, job.id, { message: String(error) });
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
