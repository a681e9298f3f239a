// pg-boss 10.x `db` adapters (PGlite / postgres.js). pg-boss only reads `.rows`; a whole transaction
// is always ONE no-values call: "BEGIN; SET LOCAL ...; SELECT pg_advisory_xact_lock(..); <sql>; COMMIT;"
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type postgres from 'postgres';

type Out = { rows: any[]; results?: { rows: any[] }[] }; // multi-statement: rows of all statements
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<Out>;
  readonly inFlight: number;
  /** after boss.stop(), before closing the DB: waits until no query ran for quietMs */
  drain(opts?: { quietMs?: number; timeoutMs?: number; isBusy?: () => boolean }): Promise<void>;
}
// Strip pg-boss's outer BEGIN/COMMIT so the driver owns the transaction and ROLLBACKs on error
// (otherwise the session stays "in failed transaction": fatal for single-connection PGlite).
const LOCKED = /^\s*BEGIN\s*;([\s\S]*?);?\s*COMMIT\s*;?\s*$/i;

function tracked(exec: (text: string, values?: unknown[]) => Promise<Out>): BossDb {
  let inFlight = 0;
  let last = Date.now();
  return {
    get inFlight() { return inFlight; },
    async executeSql(text, values) {
      inFlight++;
      try { return await exec(text, values); } finally { inFlight--; last = Date.now(); }
    },
    async drain({ quietMs = 250, timeoutMs = 30_000, isBusy = () => false } = {}) {
      for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 25)))
        if (inFlight === 0 && !isBusy() && Date.now() - last >= quietMs) return;
      throw new Error(`pg-boss db did not drain (inFlight=${inFlight})`);
    },
  };
}

/** PGlite instance, or a PGlite Transaction (for send/insert({ db }) inside an app transaction). */
export function pgliteBossDb(pg: PGlite | Transaction): BossDb {
  const isInstance = 'transaction' in pg && typeof pg.transaction === 'function';
  return tracked(async (text, values) => {
    // PGlite runs in this thread and its queries never wait for I/O, so pg-boss's chains of statements (its start,
    // polling, maintenance) would hold the event loop for their whole length: each statement first lets waiting
    // HTTP requests in. Not inside an app transaction, which holds the database until it ends anyway.
    if (isInstance) await new Promise((resolve) => setImmediate(resolve));
    if (values?.length) return { rows: (await pg.query(text, values)).rows }; // same value semantics as `pg`
    const m = isInstance ? LOCKED.exec(text) : null;
    const rs = m ? await (pg as PGlite).transaction((tx) => tx.exec(m[1]!)) : await pg.exec(text);
    return { rows: rs.flatMap((r) => r.rows), results: rs.map((r) => ({ rows: r.rows })) };
  });
}

/** postgres.js pool or TransactionSql. Works with or without drizzle-orm/postgres-js mutating the
 *  client's json/timestamp (de)serializers. prepare=true: named statements, saves a round trip. */
export function postgresBossDb(sql: postgres.Sql | postgres.TransactionSql, { prepare = true } = {}): BossDb {
  const isPool = typeof (sql as postgres.Sql).reserve === 'function';
  return tracked(async (text, values) => {
    if (values?.length) {
      // node-postgres text encoding + declared type `unknown` (705): server infers types exactly like
      // `pg` does, and postgres.js skips its type serializers (json one double-encodes strings).
      const params = values.map((v) => { const t = toPgText(v); return t === null ? null : sql.typed(t as any, 705); });
      return { rows: [...(await sql.unsafe(text, params as any[], { prepare }))] };
    }
    // No values -> simple protocol. postgres.js rejects a bare BEGIN on a pool (UNSAFE_TRANSACTION).
    const m = LOCKED.exec(text);
    const out: any = m ? (isPool ? await (sql as postgres.Sql).begin((tx) => tx.unsafe(m[1]!)) : await sql.unsafe(m[1]!)) : await sql.unsafe(text);
    const multi = Array.isArray(out) && out.length > 0 && out.every((r: any) => Array.isArray(r) && 'command' in r);
    const results = (multi ? out : [out]).map((r: any) => ({ rows: [...r] }));
    return { rows: results.flatMap((r: Out) => r.rows), results };
  });
}

function toPgText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return '\\x' + v.toString('hex');
  if (Array.isArray(v))
    return '{' + v.map((x) => x == null ? 'NULL' : Array.isArray(x) ? toPgText(x) : '"' + toPgText(x)!.replace(/[\\"]/g, '\\$&') + '"').join(',') + '}';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Adapter bound to a drizzle transaction (pglite or postgres-js) — uses drizzle's internal tx.session.client. */
export function drizzleTxBossDb(tx: unknown): BossDb {
  const c = (tx as { session?: { client?: any } }).session?.client;
  if (typeof c?.unsafe === 'function') return postgresBossDb(c);
  if (typeof c?.query === 'function' && typeof c?.exec === 'function') return pgliteBossDb(c);
  throw new Error('drizzleTxBossDb: expected a drizzle pglite or postgres-js transaction');
}
