import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/*
 * SSRF guard for every outgoing webhook, Slack and Teams request (issue 15). A URL an admin types must not reach the
 * server's own network — the cloud metadata service (169.254.169.254), the database, localhost admin ports — unless
 * the installation allows it (KEYPULSE_WEBHOOK_ALLOW_PRIVATE, for self-hosted receivers).
 *
 * Checked twice: when an endpoint is registered (a clear 400), and in the socket's own DNS lookup at connect time, so
 * a name that resolves to a public address at registration and to 127.0.0.1 later (DNS rebinding) is still refused.
 */

/** Thrown (and passed to sockets) when an address is refused; the delivery log shows "address not allowed". */
export class AddressNotAllowedError extends Error {
  override name = 'AddressNotAllowedError';
  readonly code = 'ADDRESS_NOT_ALLOWED';
  constructor(message = 'address not allowed') {
    super(message);
  }
}

/** What an installation allows despite the rule: CIDR blocks and host names, parsed once from the setting. */
export interface PrivateAllowList {
  cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  hosts: Set<string>;
}

/** `127.0.0.1/32,10.0.0.0/8,receiver.internal` → the allow list; a bare address counts as a single-address block. */
export function parseAllowList(setting: string | readonly string[] | null | undefined): PrivateAllowList {
  const entries = (typeof setting === 'string' ? setting.split(',') : (setting ?? [])).map((e) => e.trim()).filter(Boolean);
  const list: PrivateAllowList = { cidrs: [], hosts: new Set() };
  for (const entry of entries) {
    if (entry.includes('/')) list.cidrs.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const address = ipaddr.parse(entry);
      list.cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else list.hosts.add(entry.toLowerCase());
  }
  return list;
}

/** Whether the setting is well formed (config.ts refuses to start otherwise). */
export function isValidAllowSetting(setting: string | undefined): boolean {
  try {
    parseAllowList(setting);
    return true;
  } catch {
    return false;
  }
}

/**
 * Only ordinary public unicast addresses pass: ipaddr.js names every special range (loopback, private, linkLocal,
 * uniqueLocal, unspecified, carrierGradeNat, multicast, broadcast, reserved, 6to4, teredo, …) and an IPv4-mapped IPv6
 * address is judged as the IPv4 address it carries.
 */
export function isAddressAllowed(address: string, allow: PrivateAllowList): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  for (const [network, bits] of allow.cidrs) {
    if (parsed.kind() === network.kind() && parsed.match(network as any, bits)) return true;
  }
  return parsed.range() === 'unicast';
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * The URL's shape: http(s) only, no user name or password in it (they would travel to a receiver in clear and end up in
 * its logs; a receiver needing one puts it in the path or query). Returns a reason to refuse, or null.
 */
export function urlShapeProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must start with https:// or http://';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (!url.hostname) return 'must have a host';
  return null;
}

/** Resolves a host to every address it has and refuses it when any of them is not allowed. */
export async function resolveAllowed(host: string, allow: PrivateAllowList): Promise<LookupAddress[]> {
  const hostname = stripBrackets(host).toLowerCase();
  const family = isIP(hostname);
  if (family) {
    if (!allow.hosts.has(hostname) && !isAddressAllowed(hostname, allow)) throw new AddressNotAllowedError();
    return [{ address: hostname, family }];
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
  );
  if (allow.hosts.has(hostname)) return addresses;
  if (addresses.length === 0 || addresses.some((a) => !isAddressAllowed(a.address, allow))) throw new AddressNotAllowedError();
  return addresses;
}

/**
 * Checks a URL at registration: shape, then the addresses its host resolves to now. Returns a reason to refuse
 * (for a 400) or null.
 */
export async function checkWebhookUrl(raw: string, allow: PrivateAllowList): Promise<string | null> {
  const shape = urlShapeProblem(raw);
  if (shape) return shape;
  try {
    await resolveAllowed(new URL(raw).hostname, allow);
    return null;
  } catch (error) {
    if (error instanceof AddressNotAllowedError) {
      return 'points to a private, loopback or link-local address; an administrator can allow it with KEYPULSE_WEBHOOK_ALLOW_PRIVATE';
    }
    return 'its host name could not be resolved';
  }
}

/** A `lookup` for sockets that applies the rule to whatever DNS answers at connect time. */
export function guardedLookup(allow: PrivateAllowList): LookupFunction {
  return ((hostname: string, options: LookupOptions, callback: (...args: any[]) => void) => {
    resolveAllowed(hostname, allow).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0) return callback(Object.assign(new Error('no address of the requested family'), { code: 'ENOTFOUND' }));
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error) => callback(error),
    );
  }) as LookupFunction;
}

/**
 * Sockets skip `lookup` when the host is already an IP address, so the agents check literal addresses themselves
 * before connecting; names go through the guarded lookup.
 */
function guardConnection<T extends http.Agent>(agent: T, allow: PrivateAllowList): T {
  const create = (agent as any).createConnection.bind(agent);
  (agent as any).createConnection = (options: any, callback: (error: Error | null, socket?: unknown) => void) => {
    const host = stripBrackets(String(options.host ?? options.hostname ?? ''));
    if (isIP(host) && !isAddressAllowed(host, allow) && !allow.hosts.has(host)) {
      callback(new AddressNotAllowedError());
      return undefined;
    }
    return create({ ...options, lookup: guardedLookup(allow) }, callback);
  };
  return agent;
}

export interface GuardedAgents {
  http: http.Agent;
  https: https.Agent;
  /** The agent for a URL's scheme. */
  for(url: string): http.Agent;
}

export function createGuardedAgents(allow: PrivateAllowList): GuardedAgents {
  const agents = {
    http: guardConnection(new http.Agent({ keepAlive: false, lookup: guardedLookup(allow) } as http.AgentOptions), allow),
    https: guardConnection(new https.Agent({ keepAlive: false, lookup: guardedLookup(allow) } as https.AgentOptions), allow),
  };
  return { ...agents, for: (url) => (url.startsWith('https:') ? agents.https : agents.http) };
}

/** Bodies of answers are read only this far: the log keeps 500 characters, a receiver must not fill our memory. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * `fetch` through the guarded agents. Node 20 bundles undici but does not expose its Agent (to give `fetch` a
 * dispatcher with a guarded lookup we would need the `undici` package), so this speaks node:http/https and returns
 * a standard Response. Redirects are not followed: a 3xx is the receiver's answer (a redirect could point anywhere).
 */
export function createGuardedFetch(agents: GuardedAgents, allow: PrivateAllowList) {
  return async function guardedFetch(raw: string, init: RequestInit = {}): Promise<Response> {
    const shape = urlShapeProblem(raw);
    if (shape) throw new TypeError(`refused URL: ${shape}`);
    const url = new URL(raw);
    // Also checked here, before any socket: a clear error for literal addresses and names alike.
    await resolveAllowed(url.hostname, allow);
    const headers = new Headers(init.headers);
    const body = init.body == null ? null : typeof init.body === 'string' ? init.body : Buffer.from(await new Response(init.body).arrayBuffer());
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(headers.entries()),
          agent: agents.for(raw),
          signal: init.signal ?? undefined,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
            size += chunk.length;
            if (size >= MAX_RESPONSE_BYTES) response.destroy();
          });
          const finish = () => {
            const status = response.statusCode ?? 0;
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (value === undefined) continue;
              for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
            }
            const nullBody = status === 204 || status === 205 || status === 304;
            const content = nullBody ? null : Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES);
            try {
              resolve(new Response(content, { status: status < 200 || status > 599 ? 599 : status, headers: responseHeaders }));
            } catch (error) {
              reject(error);
            }
          };
          response.on('end', finish);
          response.on('close', finish);
          response.on('error', (error) => (size >= MAX_RESPONSE_BYTES ? finish() : reject(error)));
        },
      );
      request.on('error', reject);
      if (body !== null) request.write(body);
      request.end();
    });
  };
}

/** Agents and fetch for one allow list; the engine builds them once per process and reuses them. */
export function createGuard(allowSetting: string | readonly string[] | null | undefined) {
  const allow = parseAllowList(allowSetting);
  const agents = createGuardedAgents(allow);
  return { allow, agents, guardedFetch: createGuardedFetch(agents, allow) };
}
