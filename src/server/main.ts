import { serve } from '@hono/node-server';
import { loadConfig } from './config.js';
import { buildDeps, ensureInitialAdmin, openMigratedDatabase } from './bootstrap.js';
import { createApp } from './app.js';
import { countUsers } from './db/queries/users.js';
import { formatDemoLogins, seedDemo } from './seed/demo.js';

const config = loadConfig();
const where = config.database.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite at ${config.database.dataDir}`;
console.log(`Keypulse: opening ${where} and applying migrations…`);
const database = await openMigratedDatabase(config);
const deps = buildDeps(database, config);

const admin = await ensureInitialAdmin(deps);
if (admin) console.log(`Created the first admin: ${admin}`);
if (config.demo) {
  const empty = (await countUsers(deps.db)) === 0;
  if (empty) console.log('Empty database: loading demo data (set KEYPULSE_DEMO=0 to skip)…');
  const logins = await seedDemo(deps.db, deps.clock);
  console.log(formatDemoLogins(logins));
} else if ((await countUsers(deps.db)) === 0) {
  console.log('No users yet: set KEYPULSE_ADMIN_EMAIL and KEYPULSE_ADMIN_PASSWORD, or run `npm run user:create`.');
}

const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  console.log(`Keypulse is running at ${config.publicUrl} (listening on ${info.address}:${info.port})`);
  console.log(`API reference: ${config.publicUrl}/api/docs`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing requests and closing the database…`);
  server.close(async () => {
    await database.close();
    process.exit(0);
  });
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
