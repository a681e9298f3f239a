import { serve } from '@hono/node-server';
import { loadConfig } from './config.js';
import { buildDeps, ensureInitialAdmin, openMigratedDatabase } from './bootstrap.js';
import { createApp } from './app.js';
import { countUsers } from './db/queries/users.js';
import { createLogger } from './http/logger.js';
import { PgBossQueue } from './jobs/queue.js';
import { formatDemoLogins, seedDemo, seedDemoCampaign } from './seed/demo.js';
import { schedulerTick } from './jobs/scheduler-tick.js';
import { seedDemoHistory } from './seed/demo-history.js';
import { seedDemoPlans } from './seed/demo-plans.js';
import { chooseListenHost, networkExposure, secureDemoLogins } from './services/safe-start.js';
import { startLiveReload } from './dev/live-reload.js';

const config = loadConfig();
const where = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite at ${config.database.dataDir}`;
console.log(`Keypulse: opening ${where} and applying migrations…`);
const database = await openMigratedDatabase(config);
const queue = await PgBossQueue.start(database, { logger: createLogger(config.logLevel) });
const deps = await buildDeps(database, config, { jobs: queue });

const emptyAtStart = (await countUsers(deps.db)) === 0;
const admin = await ensureInitialAdmin(deps);
if (admin) console.log(`Created the first admin: ${admin}`);
if (config.demo && emptyAtStart && !admin) {
  // Only into an empty database: re-seeding later could bring back a demo admin someone removed.
  console.log('Empty database: loading demo data (set KEYPULSE_DEMO=0 to skip)…');
  await seedDemo(deps.db, deps.clock, console.log);
  const history = await seedDemoHistory(deps.db, deps.links, deps.clock, deps.config);
  if (history) console.log(`Demo history: ${history} answers over five quarterly NPS waves.`);
  if (await seedDemoPlans(deps.db, deps.clock)) console.log('Demo account plans: Northwind Logistics and Atlas Health Group.');
  if (await seedDemoCampaign(deps.db, deps.links, deps.clock)) {
    console.log('Demo campaign created: its survey emails appear in the email log at /outbox within seconds.');
  }
}
const host = chooseListenHost(config);
const exposure = networkExposure(config, host);
const demo = await secureDemoLogins(deps.db, exposure !== null, deps.clock.now());
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

if (config.workersInWebProcess) {
  await schedulerTick(deps); // catch up now with what fell due while the server was down
  await queue.work(deps);
}
console.log(
  `Email: ${config.email.resend ? 'Resend' : 'local outbox (set RESEND_API_KEY to send for real)'}; ` +
    `queue workers ${config.workersInWebProcess ? 'in this process' : 'in `npm run worker` processes'}.`,
);

const app = createApp(deps);
if (config.dev) {
  startLiveReload((line) => console.log(`dev: ${line}`));
  console.log('dev: watching src/client — pages reload when browser files change; tsx restarts the server on server changes.');
}
const server = serve({ fetch: app.fetch, port: config.port, hostname: host }, (info) => {
  console.log(`Keypulse is running at ${config.publicUrl} (listening on ${info.address}:${info.port})`);
  if (config.host === null && config.demo && !exposure) {
    const passwords = demo.logins.length ? '; the demo users then get new random passwords, printed at start-up' : '';
    console.log(`Demo: listening on this machine only (127.0.0.1). To open it to your network set HOST=0.0.0.0${passwords}.`);
  }
  console.log(`API reference: ${config.publicUrl}/api/docs`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing requests and jobs, then closing the database…`);
  setTimeout(() => process.exit(1), 15_000).unref();
  server.close();
  await queue.stop();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
