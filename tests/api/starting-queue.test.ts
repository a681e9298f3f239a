import { describe, expect, it } from 'vitest';
import { StartingQueue } from '../../src/server/jobs/starting-queue.js';
import type { PgBossQueue } from '../../src/server/jobs/queue.js';

/**
 * The web process listens before pg-boss has started (main.ts): work queued in between waits for the start and
 * then goes through, nothing is lost, and a shutdown during the start stops what started.
 */

function fakeQueue() {
  const sent: string[] = [];
  let stopped = 0;
  const queue = {
    enqueue: async (name: string, data: { n: number }) => void sent.push(`${name}:${data.n}`),
    enqueueMany: async (name: string, jobs: { data: { n: number } }[]) => void sent.push(...jobs.map((j) => `${name}:${j.data.n}`)),
    keysWithoutLiveJob: async (_name: string, keys: string[]) => keys.slice(1),
    work: async () => {},
    stop: async () => void stopped++,
  };
  return { queue: queue as unknown as PgBossQueue, sent, stops: () => stopped };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('the queue of a web process that is still starting', () => {
  it('work queued before pg-boss has started waits for it, then goes through in order', async () => {
    const fake = fakeQueue();
    const start = deferred<PgBossQueue>();
    const queue = new StartingQueue();
    const first = queue.enqueue('send-emails', { n: 1 });
    const many = queue.enqueueMany('send-emails', [{ data: { n: 2 } }, { data: { n: 3 } }]);
    const keys = queue.keysWithoutLiveJob('send-emails', ['a', 'b']);
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.sent).toEqual([]);

    const started = queue.start(() => start.promise);
    start.resolve(fake.queue);
    await started;
    await Promise.all([first, many]);
    expect(fake.sent).toEqual(['send-emails:1', 'send-emails:2', 'send-emails:3']);
    expect(await keys).toEqual(['b']);
    await queue.enqueue('send-emails', { n: 4 });
    expect(fake.sent.at(-1)).toBe('send-emails:4');
  });

  it('starts pg-boss once, however often start is called', async () => {
    const fake = fakeQueue();
    let starts = 0;
    const queue = new StartingQueue();
    const startOnce = async () => {
      starts++;
      return fake.queue;
    };
    await Promise.all([queue.start(startOnce), queue.start(startOnce)]);
    expect(starts).toBe(1);
  });

  it('when the start fails, what waited for it fails too (it is not lost in silence)', async () => {
    const queue = new StartingQueue();
    const waiting = queue.enqueue('send-emails', { n: 1 });
    await expect(queue.start(async () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
    await expect(waiting).rejects.toThrow('database gone');
  });

  it('a shutdown during the start stops pg-boss once it has started; one before any start has nothing to stop', async () => {
    const fake = fakeQueue();
    const start = deferred<PgBossQueue>();
    const queue = new StartingQueue();
    void queue.start(() => start.promise);
    const stopping = queue.stop();
    expect(queue.stopping).toBe(true);
    start.resolve(fake.queue);
    await stopping;
    expect(fake.stops()).toBe(1);

    const never = new StartingQueue();
    await never.stop();
    await expect(never.start(async () => fakeQueue().queue)).rejects.toThrow(/stopped before it started/);
  });
});
