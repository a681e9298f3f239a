import { Hono } from 'hono';
import { eq, sql } from 'drizzle-orm';
import type { AppEnv } from '../http/context.js';
import { describe, valid } from '../http/validate.js';
import { requireRole } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { AppError, notFound } from '../http/errors.js';
import { crmConnections, users } from '../db/schema/index.js';
import { getCrmConnection, getCrmSyncRun, listCrmSyncRuns } from '../db/queries/crm.js';
import { readSettings, startSync, toRunJson } from '../services/crm-sync.js';
import { IdParams } from '../../shared/schemas/common.js';
import { CrmSyncRun, HubspotConnection, PutHubspotConnection, StartedSync, type CrmSettings } from '../../shared/schemas/crm.js';

/*
 * /api/integrations/hubspot — admins only. The access token is sealed (auth/secret-box.ts) and never returned; the
 * API base URL comes from the server's config (KEYPULSE_HUBSPOT_BASE_URL), never from a request, so this API
 * cannot be used to make the server call an address of the caller's choosing.
 */

async function connectionJson(c: { var: AppEnv['Variables'] }) {
  const { db, config, secrets } = c.var.deps;
  const connection = await getCrmConnection(db);
  const runs = connection ? await listCrmSyncRuns(db, connection.id, 10) : [];
  let tokenHint: string | null = null;
  if (connection) {
    try {
      tokenHint = `…${secrets.unseal(connection.tokenSealed).slice(-4)}`;
    } catch {
      tokenHint = null; // sealed under another server secret: the page asks for the token again
    }
  }
  return HubspotConnection.parse({
    connected: !!connection,
    tokenHint,
    baseUrl: config.hubspot.baseUrl,
    settings: connection ? readSettings(connection) : null,
    lastSyncedThrough: connection?.lastSyncedThrough?.toISOString() ?? null,
    runs: runs.map(toRunJson),
  });
}

export const crmRoutes = new Hono<AppEnv>()
  .get(
    '/hubspot',
    describe({
      summary: 'The HubSpot connection (admin): settings, the token’s last four characters, the latest sync runs',
      tags: ['Integrations'],
      responses: { 200: HubspotConnection },
    }),
    async (c) => {
      requireRole(c, 'admin');
      return c.json(await connectionJson(c));
    },
  )
  .put(
    '/hubspot',
    describe({
      summary: 'Connect HubSpot or change its settings (admin)',
      description:
        'The private app token is sealed and never shown again (only its last four characters). Leave `accessToken` out to keep the current one. ' +
        'Requests go to the server’s KEYPULSE_HUBSPOT_BASE_URL.',
      tags: ['Integrations'],
      responses: { 200: HubspotConnection },
    }),
    valid('json', PutHubspotConnection),
    async (c) => {
      const auth = requireRole(c, 'admin');
      const { db, clock, secrets } = c.var.deps;
      const input = c.req.valid('json');
      const existing = await getCrmConnection(db);
      if (!existing && !input.accessToken) throw new AppError('validation_failed', 'accessToken is required to connect HubSpot', [{ path: 'accessToken', message: 'is required to connect HubSpot' }]);
      if (input.defaultOwnerEmail) {
        const [owner] = await db
          .select({ id: users.id, role: users.role, disabled: users.disabled })
          .from(users)
          .where(sql`lower(${users.email}) = ${input.defaultOwnerEmail}`);
        if (!owner || owner.disabled || owner.role === 'executive') {
          throw new AppError('validation_failed', 'defaultOwnerEmail must be an active account manager or admin', [
            { path: 'defaultOwnerEmail', message: 'must be an active account manager or admin' },
          ]);
        }
      }
      const before = existing ? readSettings(existing) : null;
      const settings: CrmSettings = {
        renewalDateProperty: input.renewalDateProperty !== undefined ? input.renewalDateProperty : (before?.renewalDateProperty ?? null),
        syncEveryMinutes: input.syncEveryMinutes !== undefined ? input.syncEveryMinutes : (before?.syncEveryMinutes ?? null),
        defaultOwnerEmail: input.defaultOwnerEmail !== undefined ? input.defaultOwnerEmail : (before?.defaultOwnerEmail ?? null),
        writeBack: input.writeBack,
      };
      const now = clock.now();
      const tokenSealed = input.accessToken ? secrets.seal(input.accessToken) : existing!.tokenSealed;
      await db
        .insert(crmConnections)
        .values({ provider: 'hubspot', tokenSealed, settings, enabled: true, createdBy: auth.user.id, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: crmConnections.provider, set: { tokenSealed, settings, enabled: true, updatedAt: now } });
      await audit(c, 'settings.changed', null, { keys: ['hubspot', ...Object.keys(input).filter((k) => k !== 'accessToken')], tokenChanged: !!input.accessToken });
      return c.json(await connectionJson(c));
    },
  )
  .delete(
    '/hubspot',
    describe({
      summary: 'Disconnect HubSpot (admin): the token and run history are deleted; imported accounts and contacts stay',
      tags: ['Integrations'],
      responses: { 200: HubspotConnection },
    }),
    async (c) => {
      requireRole(c, 'admin');
      const { db } = c.var.deps;
      await db.delete(crmConnections).where(eq(crmConnections.provider, 'hubspot'));
      await audit(c, 'settings.changed', null, { keys: ['hubspot'], disconnected: true });
      return c.json(await connectionJson(c));
    },
  )
  .post(
    '/hubspot/sync',
    describe({
      summary: 'Sync now (admin): 202 with the new run; 200 with the running one when a sync is already running',
      tags: ['Integrations'],
      responses: { 200: StartedSync, 202: StartedSync },
    }),
    async (c) => {
      requireRole(c, 'admin');
      const result = await startSync(c.var.deps, 'manual');
      if (!result) throw new AppError('conflict', 'HubSpot is not connected: connect it first');
      if (result.started) await audit(c, 'settings.changed', null, { keys: ['hubspot.sync'], runId: result.run.id });
      return c.json({ run: toRunJson(result.run), started: result.started }, result.started ? 202 : 200);
    },
  )
  .get(
    '/hubspot/runs/:id',
    describe({ summary: 'One sync run (admin): progress while it runs, the result report after', tags: ['Integrations'], responses: { 200: CrmSyncRun } }),
    valid('param', IdParams),
    async (c) => {
      requireRole(c, 'admin');
      const { db } = c.var.deps;
      const connection = await getCrmConnection(db);
      const run = connection ? await getCrmSyncRun(db, c.req.valid('param').id) : undefined;
      if (!run || run.connectionId !== connection!.id) throw notFound('sync run');
      return c.json(toRunJson(run));
    },
  );
