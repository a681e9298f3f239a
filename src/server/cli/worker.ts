import { loadConfig } from '../config.js';
import { buildDeps, openMigratedDatabase } from '../bootstrap.js';
import { createLogger } from '../http/logger.js';
import { PgBossQueue } from '../jobs/queue.js';
import { schedulerTick } from '../jobs/scheduler-tick.js';
import { exitAfterDeadline } from '../shutdown-deadline.js';

// A worker process: sends emails, dispatches campaigns and runs the scheduler, with no HTTP server.
// Run several against one PostgreSQL to scale sending out (the embedded PGlite allows one process only).
const config = loadConfig();
if (config.database.kind === 'pglite') {
  console.error('npm run worker needs DATABASE_URL: the embedded database can only be opened by one process.');
  process.exit(2);
}
const database = await openMigratedDatabase(config);
const queue = await PgBossQueue.start(database, { logger: createLogger(config.logLevel) });
const deps = await buildDeps(database, config, { jobs: queue });
// Catch up now with what fell due while no worker ran, as the web process does: the per-minute schedule would
// otherwise wait for the next minute. Safe next to another process's sweep: every step is idempotent.
await schedulerTick(deps);
await queue.work(deps);
console.log(`Keypulse worker started (${config.email.resend ? 'Resend' : 'outbox'} transport). Ctrl-C to stop.`);

let stopping = false;
/**
 * Take no new jobs, let the running ones finish (up to 10 s; one that does not is handed back to pg-boss and
 * retried by another worker), close the database, exit 0. Past the deadline the process exits 1.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: taking no new jobs; finishing the running ones, then closing the database…`);
  exitAfterDeadline(signal);
  await queue.stop();
  await database.close();
  console.log(`${signal}: stopped cleanly`);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
