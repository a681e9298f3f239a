import type { AppDeps } from '../http/context.js';
import type { JobName, JobQueue, PgBossQueue } from './queue.js';

/**
 * The web process's queue while pg-boss starts beside the first requests instead of before them: its start
 * (schema check, queues, the cron's first sweep) is not needed to answer a page, so the server listens first.
 * Whatever queues work meanwhile waits for the start and then goes through; if the start fails, it fails too.
 */
export class StartingQueue implements JobQueue {
  private queue: Promise<PgBossQueue> | null = null;
  private stopped = false;
  private resolveStarted!: (queue: Promise<PgBossQueue>) => void;
  private readonly started = new Promise<PgBossQueue>((resolve) => {
    this.resolveStarted = (queue) => resolve(queue);
  });

  /** True once stop() was called: what fails after it is the shutdown's doing, not a failed start. */
  get stopping(): boolean {
    return this.stopped;
  }

  /** Starts pg-boss (once); resolves when it has. */
  start(startQueue: () => Promise<PgBossQueue>): Promise<PgBossQueue> {
    if (this.stopped) return Promise.reject(new Error('the queue was stopped before it started'));
    this.queue ??= startQueue();
    this.resolveStarted(this.queue);
    return this.queue;
  }

  async enqueue(name: JobName, data: object, options?: { singletonKey?: string; startAfter?: Date }): Promise<void> {
    await (await this.started).enqueue(name, data, options);
  }

  async enqueueMany(name: JobName, jobs: { data: object; singletonKey?: string }[]): Promise<void> {
    await (await this.started).enqueueMany(name, jobs);
  }

  async keysWithoutLiveJob(name: JobName, keys: string[]): Promise<string[]> {
    return (await this.started).keysWithoutLiveJob(name, keys);
  }

  async work(deps: AppDeps): Promise<void> {
    await (await this.started).work(deps);
  }

  /** Stops pg-boss if it started (or once its start finishes); a queue never started has nothing to stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.queue) return;
    const queue = await this.queue.catch(() => null);
    await queue?.stop();
  }
}
