// Child process of bench/submit.ts: serves either Keypulse (with a campaign of invitations ready to answer)
// or a bare Hono JSON endpoint, on a loopback port, and reports to the parent over IPC.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import postgres from 'postgres';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { eq } from 'drizzle-orm';
import { createApp } from '../src/server/app.js';
import { buildDeps } from '../src/server/bootstrap.js';
import { testConfig } from '../src/server/config.js';
import { openDatabase } from '../src/server/db/client.js';
import { invitations } from '../src/server/db/schema/index.js';
import { noQueue } from '../tests/helpers/test-app.js';

const mode = process.argv[2];
const listen = (fetch: (req: Request) => Response | Promise<Response>) =>
  new Promise<number>((resolve) => {
    serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });

if (mode === 'bare') {
  const app = new Hono().post('/json', async (c) => c.json({ ok: true, got: await c.req.json() }));
  process.send!({ type: 'ready', port: await listen(app.fetch) });
} else if (mode === 'insert') {
  // The insert baseline behind HTTP: one request, one single-row INSERT, acknowledged after it commits.
  const sql = postgres(process.argv[3]!, { max: 10, onnotice: () => {} });
  const app = new Hono().post('/insert', async (c) => {
    const body = await c.req.json();
    await sql`insert into bench_insert (payload) values (${sql.json(body)})`;
    return c.json({ ok: true });
  });
  process.send!({ type: 'ready', port: await listen(app.fetch) });
} else {
  const url = process.argv[3]!;
  const campaignId = process.argv[4]!;
  const database = await openDatabase({ kind: 'postgres', url, max: 10 });
  const deps = await buildDeps(database, testConfig({ logLevel: 'error', publicUrl: 'http://127.0.0.1', secret: process.env.BENCH_LINK_SECRET! }), { jobs: noQueue });
  const app = createApp(deps);
  const rows = await deps.db.select({ id: invitations.id }).from(invitations).where(eq(invitations.campaignId, campaignId));
  // The same tokens the emails carry, derived from the installation's secret.
  const tokens = rows.map((r) => deps.links.survey(r.id));
  process.send!({ type: 'ready', port: await listen(app.fetch), tokens, invitationIds: rows.map((r) => r.id) });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') process.send!({ type: 'stats', ...deps.answerWrites.stats() });
  });
}
// BENCH_PROFILE (bench/submit.ts): a V8 CPU profile of the measured window only, written on 'profile-stop'.
const profiler = new Session();
process.on('message', async (m: { type: string; file?: string }) => {
  if (m.type === 'profile-start') {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    process.send!({ type: 'profiling' });
  }
  if (m.type === 'profile-stop') {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(m.file!, JSON.stringify(profile));
    process.send!({ type: 'profiled' });
  }
  if (m.type === 'cpu') process.send!({ type: 'cpu', micros: cpuMicros() });
  if (m.type === 'close') process.exit(0);
});
function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}
