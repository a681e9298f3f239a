import type { PGlite } from '@electric-sql/pglite';
import { databaseOnPglite, type Database } from '../../src/server/db/client.js';

/*
 * Opening an embedded database from the template snapshot costs about a second of CPU (unpacking 40 MB into
 * WebAssembly memory and starting PostgreSQL), paid by every test file. A worker runs its files one after another,
 * so instead it keeps the PGlite a file has closed and puts it back to the template's state for the next file:
 * the tables that hold rows are emptied, the template's own rows (migrations, pg-boss's queues, built-in
 * settings) written back, and the sequences wound back. A database whose schema a test changed is not kept.
 */

const SCHEMAS = `('public', 'pgboss', 'drizzle')`;

/** Everything a test could have changed about the schema: relations, columns, indexes, constraints, functions, types. */
const FINGERPRINT = `
  select md5(coalesce(string_agg(item, E'\\n' order by item), '')) as fingerprint from (
    select 'schema ' || nspname as item from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema'
    union all
    select format('%s.%s %s %s', n.nspname, c.relname, c.relkind, (
      select string_agg(format('%s %s %s', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull), ', ' order by a.attnum)
      from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped))
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ${SCHEMAS}
    union all
    select 'index ' || indexdef from pg_indexes where schemaname in ${SCHEMAS}
    union all
    select format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
    from pg_constraint where connamespace in (select oid from pg_namespace where nspname in ${SCHEMAS})
    union all
    select format('trigger %s %s', tgrelid::regclass, tgname) from pg_trigger where not tgisinternal
    union all
    select 'function ' || p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ${SCHEMAS}
    union all
    select format('type %s.%s %s', n.nspname, t.typname, (select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum e where e.enumtypid = t.oid))
    from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname in ${SCHEMAS}
  ) items`;

const TABLES = `
  select format('%I.%I', n.nspname, c.relname) as name,
    (select string_agg(quote_ident(a.attname), ', ' order by a.attnum) from pg_attribute a
     where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname in ${SCHEMAS} and c.relkind in ('r', 'p') and not c.relispartition
  order by 1`;

const SEQUENCES = `select format('%I.%I', schemaname, sequencename) as name, last_value::text as last from pg_sequences where schemaname in ${SCHEMAS}`;

interface TemplateState {
  fingerprint: string;
  tables: { name: string; columns: string }[];
  /** The template's rows, as JSON, for the tables that have any. */
  rows: { name: string; columns: string; json: string }[];
  sequences: Map<string, string | null>;
}

async function fingerprintOf(pglite: PGlite): Promise<string> {
  return (await pglite.query<{ fingerprint: string }>(FINGERPRINT)).rows[0]!.fingerprint;
}

async function sequencesOf(pglite: PGlite): Promise<Map<string, string | null>> {
  const rows = (await pglite.query<{ name: string; last: string | null }>(SEQUENCES)).rows;
  return new Map(rows.map((row) => [row.name, row.last]));
}

async function nonEmptyTables(pglite: PGlite, tables: TemplateState['tables']): Promise<string[]> {
  const probe = tables.map((t) => `select '${t.name.replace(/'/g, "''")}' as name where exists (select 1 from ${t.name})`).join(' union all ');
  return (await pglite.query<{ name: string }>(probe)).rows.map((row) => row.name);
}

/** Reads what a database fresh from the template holds. */
async function readTemplateState(pglite: PGlite): Promise<TemplateState> {
  const tables = (await pglite.query<{ name: string; columns: string }>(TABLES)).rows;
  const rows: TemplateState['rows'] = [];
  for (const name of await nonEmptyTables(pglite, tables)) {
    const { columns } = tables.find((t) => t.name === name)!;
    const json = (await pglite.query<{ json: string }>(`select json_agg(t)::text as json from ${name} t`)).rows[0]!.json;
    rows.push({ name, columns, json });
  }
  return { fingerprint: await fingerprintOf(pglite), tables, rows, sequences: await sequencesOf(pglite) };
}

/** Puts a used database back to the template's state; false when it cannot be (its schema was changed). */
async function resetToTemplate(pglite: PGlite, template: TemplateState): Promise<boolean> {
  await pglite.exec('rollback');
  await pglite.exec('discard all');
  if ((await fingerprintOf(pglite)) !== template.fingerprint) return false;
  const used = await nonEmptyTables(pglite, template.tables);
  // Triggers (the audit log refuses TRUNCATE) and foreign keys are skipped while the tables are emptied and the
  // template's rows go back in (replica role), as a restore does.
  await pglite.transaction(async (tx) => {
    await tx.exec('set local session_replication_role = replica');
    if (used.length) await tx.exec(`truncate ${used.join(', ')} cascade`);
    for (const table of template.rows) {
      await tx.query(
        `insert into ${table.name} (${table.columns}) overriding system value
         select ${table.columns} from json_populate_recordset(null::${table.name}, $1::json)`,
        [table.json],
      );
    }
  });
  const sequences = await sequencesOf(pglite);
  for (const [name, last] of sequences) {
    const wanted = template.sequences.get(name) ?? null;
    if (last === wanted) continue;
    await pglite.exec(wanted === null ? `alter sequence ${name} restart` : `select setval('${name}', ${Number(wanted)}, true)`);
  }
  // Single-user PostgreSQL checkpoints only when asked or at 1 GB of write-ahead log, all of it held in memory;
  // a checkpoint (about 10 ms) lets it recycle the log and drop the files the truncation replaced.
  await pglite.exec('checkpoint');
  return true;
}

/**
 * Each file gets its own view of the PGlite: once the file closes its database, anything it left running that
 * still reaches for it fails, as it did when each file's database was really closed, instead of writing into
 * the next file's.
 */
function checkout(pglite: PGlite, onClose: () => Promise<void>): Database {
  const { proxy, revoke } = Proxy.revocable(pglite, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const database = databaseOnPglite(proxy);
  let closed = false;
  return {
    ...database,
    async close() {
      if (closed) return;
      closed = true;
      revoke();
      await onClose();
    },
  };
}

const idle: PGlite[] = [];
let template: Promise<TemplateState> | null = null;
/** At most this many kept per worker (a file that holds two databases at once returns two). */
const KEEP = 2;

/** A database in the template's state: a kept one when the worker has one, else `open()`. */
export async function reusablePglite(open: () => Promise<Database>): Promise<Database> {
  let pglite = idle.pop();
  if (!pglite) {
    const opened = await open();
    if (opened.raw.kind !== 'pglite') throw new Error('reusablePglite takes PGlite databases');
    pglite = opened.raw.pglite;
    template ??= readTemplateState(pglite);
    await template;
  }
  const current = pglite;
  return checkout(current, async () => {
    // A database that cannot be put back (a test left it mid-transaction, say) is simply closed.
    const kept = idle.length < KEEP && (await resetToTemplate(current, await template!).catch(() => false));
    if (kept) idle.push(current);
    else if (!current.closed) await current.close();
  });
}
