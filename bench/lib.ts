import { sql } from 'drizzle-orm';
import type { Db } from '../src/server/db/client.js';

/** Peak resident memory, sampled while a benchmark runs. */
export function trackPeakMemory(intervalMs = 200) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/** Bulk-creates `accounts` accounts with `perAccount` contacts each, in SQL (fast and identical on both databases). */
export async function seedPortfolio(db: Db, ownerId: string, accounts: number, perAccount: number): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    insert into accounts (name, industry, owner_id, stage)
    select 'Bench account ' || g, 'Industry ' || (g % 12), ${ownerId}::uuid, 'key_account'
    from generate_series(1, ${accounts}) g returning id`);
  const ids = ((rows as unknown as { rows?: { id: string }[] }).rows ?? (rows as unknown as { id: string }[])).map((r) => r.id);
  await db.execute(sql`
    insert into contacts (account_id, name, email, level, buying_role, language)
    select a.id, 'Contact ' || c, 'c' || c || '.' || replace(a.id::text, '-', '') || '@bench.example',
      (array['instigator','influencer','implementer'])[1 + c % 3]::contact_level, 'user', case when c % 5 = 0 then 'es' else 'en' end
    from accounts a cross join generate_series(1, ${perAccount}) c
    where a.name like 'Bench account %'`);
  return ids;
}

import { fork, type ChildProcess } from 'node:child_process';

export interface FakeResendProcess {
  url: string;
  apiKey: string;
  stats(): Promise<{ emails: number; distinct: number; requests: number }>;
  reset(): Promise<void>;
  close(): void;
}

/** Starts the Resend fake in a child process (see fake-resend-process.ts). */
export async function startFakeResendProcess(): Promise<FakeResendProcess> {
  const child: ChildProcess = fork(new URL('./fake-resend-process.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=8192'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: string) =>
    new Promise<any>((resolve) => {
      const listener = (message: any) => {
        if (message.type === type) {
          child.off('message', listener);
          resolve(message);
        }
      };
      child.on('message', listener);
    });
  const ready = await next('ready');
  return {
    url: ready.url,
    apiKey: ready.apiKey,
    async stats() {
      const reply = next('stats');
      child.send({ type: 'stats' });
      return reply;
    },
    async reset() {
      const reply = next('reset');
      child.send({ type: 'reset' });
      await reply;
    },
    close() {
      child.send({ type: 'close' });
    },
  };
}
