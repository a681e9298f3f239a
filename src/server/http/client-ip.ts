import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppEnv } from './context.js';
import { clientAddress, parseTrustProxy, type TrustedProxies } from '../domain/trusted-proxies.js';

// The setting is parsed once per value (the config checked it at start-up), not on every request.
let parsed: { raw: string | null; trusted: TrustedProxies } | null = null;
function trustedProxies(raw: string | null): TrustedProxies {
  if (parsed?.raw !== raw) parsed = { raw, trusted: parseTrustProxy(raw) ?? { kind: 'none' } };
  return parsed.trusted;
}

/** The caller's address: the right-most hop that is not one of our own proxies (see domain/trusted-proxies). */
export function clientIp(c: Context<AppEnv>): string {
  let socket = 'unknown';
  try {
    socket = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // in-process requests (tests) have no socket
  }
  return clientAddress(c.req.header('x-forwarded-for'), socket, trustedProxies(c.var.deps.config.trustProxy));
}
