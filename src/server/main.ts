import { serve } from '@hono/node-server';
import { loadConfig } from './config.js';
import { buildDeps, ensureInitialAdmin, openMigratedDatabase } from './bootstrap.js';
import { createApp } from './app.js';
import { countUsers } from './db/queries/users.js';
import { createLogger } from './http/logger.js';
import { PgBossQueue } from './jobs/queue.js';
import { formatDemoLogins, hashDemoPasswordEarly, loadDemo } from './seed/demo.js';
import { isNewDataDir } from './db/pglite-template.js';
import { schedulerTick } from './jobs/scheduler-tick.js';
import { chooseListenHost, networkExposure, secureDemoLogins } from './services/safe-start.js';
import { startLiveReload } from './dev/live-reload.js';
import { closeGracefully, trackResponses } from './http/graceful-close.js';
import { keepSettingsFresh } from './services/settings.js';
import type { Server } from 'node:http';
import { seconds, startProgress } from './start-progress.js';
import { StartingQueue } from './jobs/starting-queue.js';
import { systemClock } from './http/context.js';
import { exitAfterDeadline } from './shutdown-deadline.js';

const config = loadConfig();
const progress = startProgress();
const where = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite at ${config.database.dataDir}`;
// A new embedded database gets the demo: its password's hash is made on another thread while the database opens.
const demoPasswordHash =
  config.demo && config.database.kind === 'pglite' && isNewDataDir(config.database.dataDir) ? hashDemoPasswordEarly() : undefined;
const database = await progress.step(`opening ${where} and applying migrations`, () => openMigratedDatabase(config, progress.note));
const host = chooseListenHost(config);
const exposure = networkExposure(config, host);
const emptyAtStart = (await countUsers(database.db)) === 0;
// On a restart, the check of the demo users' passwords (scrypt, on libuv's thread pool) runs beside the rest.
const demoCheck = emptyAtStart ? null : secureDemoLogins(database.db, exposure !== null, systemClock.now());
demoCheck?.catch(() => {}); // awaited below: an early failure is reported there, not as an unhandled rejection
// pg-boss starts once the server listens (below): a request that queues work before then waits for it.
const queue = new StartingQueue();
const deps = await progress.step('preparing built-in surveys, rules and settings', () => buildDeps(database, config, { jobs: queue }));

const admin = await ensureInitialAdmin(deps);
if (admin) console.log(`Created the first admin: ${admin}`);
if (config.demo && emptyAtStart && !admin) {
  // Only into an empty database: re-seeding later could bring back a demo admin someone removed.
  await progress.step('empty database: loading the demo (set KEYPULSE_DEMO=0 to skip)', () => loadDemo(deps, progress, demoPasswordHash));
}
const demo = await (demoCheck ?? secureDemoLogins(deps.db, exposure !== null, deps.clock.now()));
if (demo.rotated) {
  console.log(
    `This server can be reached from the network (${exposure}), so the demo's published password no longer works: ` +
      'each demo user has a new random password, printed below this once.',
  );
}
if (demo.logins.length) console.log(formatDemoLogins(demo.logins));
if (demo.changedEarlier.length) {
  console.log(`Demo users with their own password (printed when it was set, or changed since): ${demo.changedEarlier.join(', ')}.`);
}
if (!demo.logins.length && !demo.changedEarlier.length && (await countUsers(deps.db)) === 0) {
  console.log('No users yet: set KEYPULSE_ADMIN_EMAIL and KEYPULSE_ADMIN_PASSWORD, or run `npm run user:create`.');
}

// The job queue, then (with workers in this process) the catch-up sweep of what fell due while the server was
// down and the workers: all beside the first requests, not before them. This runs once the code below has called
// listen, as nothing here is awaited. Every step of the sweep is idempotent; the per-minute schedule repeats it.
const queueBegan = performance.now();
void (async () => {
  await queue.start(() => PgBossQueue.start(database, { logger: createLogger(config.logLevel) }));
  if (config.workersInWebProcess) {
    await schedulerTick(deps);
    await queue.work(deps);
  }
  console.log(`Keypulse: job queue ${config.workersInWebProcess ? 'and workers ' : ''}started in ${seconds(performance.now() - queueBegan)}.`);
})().catch((error: unknown) => {
  if (queue.stopping) return; // stopped (SIGTERM) while starting: the shutdown is under way
  console.error('Keypulse: the job queue did not start:', error);
  process.exit(1);
});
console.log(
  `Email: ${config.email.resend ? 'Resend' : 'local outbox (set RESEND_API_KEY to send for real)'}; ` +
    `queue workers ${config.workersInWebProcess ? 'in this process' : 'in `npm run worker` processes'}.`,
);

// Set on SIGTERM/SIGINT: /readyz answers 503 from then on, while the requests in flight finish.
let stopping = false;
const app = createApp(deps, { isDraining: () => stopping });
// Settings an admin saves through another web process apply here too, within 5 s.
const stopSettingsRefresh = keepSettingsFresh(deps.db, config, deps.logger);
if (config.dev) {
  startLiveReload((line) => console.log(`dev: ${line}`));
  console.log('dev: watching src/client — pages reload when browser files change; tsx restarts the server on server changes.');
}
const server = serve({ fetch: app.fetch, port: config.port, hostname: host }, (info) => {
  console.log(`Keypulse is running at ${config.publicUrl} (listening on ${info.address}:${info.port}; started in ${progress.sinceProcessStart()})`);
  if (config.host === null && config.demo && !exposure) {
    const passwords = demo.logins.length ? '; the demo users then get new random passwords, printed at start-up' : '';
    console.log(`Demo: listening on this machine only (127.0.0.1). To open it to your network set HOST=0.0.0.0${passwords}.`);
  }
  console.log(`API reference: ${config.publicUrl}/api/docs`);
}) as Server;
const inFlight = trackResponses(server);

/**
 * Stop taking connections, answer the requests already started, then stop the queue workers (a running job gets
 * up to 10 s to finish; one that does not is handed back to pg-boss and retried elsewhere), close the database and
 * exit 0. Past the deadline the process exits 1 whatever is still running.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: taking no new connections; finishing requests and jobs, then closing the database…`);
  exitAfterDeadline(signal);
  await closeGracefully(server, inFlight);
  stopSettingsRefresh();
  await queue.stop();
  await database.close();
  console.log(`${signal}: stopped cleanly`);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
