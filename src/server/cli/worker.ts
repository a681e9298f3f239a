import { loadConfig } from '../config.js';
import { buildDeps, openMigratedDatabase } from '../bootstrap.js';
import { createLogger } from '../http/logger.js';
import { PgBossQueue } from '../jobs/queue.js';

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
await queue.work(deps);
console.log(`Keypulse worker started (${config.email.resend ? 'Resend' : 'outbox'} transport). Ctrl-C to stop.`);

async function shutdown() {
  setTimeout(() => process.exit(1), 15_000).unref();
  await queue.stop();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
