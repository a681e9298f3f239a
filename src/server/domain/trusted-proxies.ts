import { BlockList, isIP } from 'node:net';

/**
 * Which hops in front of us are our own proxies (KEYPULSE_TRUST_PROXY): none, the last `count` hops, or the
 * hops whose address is in a list (exact addresses or CIDR ranges).
 */
export type TrustedProxies =
  | { kind: 'none' }
  | { kind: 'hops'; count: number }
  | { kind: 'addresses'; list: BlockList };

/** Parses KEYPULSE_TRUST_PROXY; null when it is not valid (the config refuses to start with it). */
export function parseTrustProxy(raw: string | null | undefined): TrustedProxies | null {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'false' || value === '0') return { kind: 'none' };
  // 'true' meant "behind a proxy" before hops could be counted: one hop is what that setup had.
  if (value === 'true') return { kind: 'hops', count: 1 };
  if (/^\d+$/.test(value)) return Number(value) <= 100 ? { kind: 'hops', count: Number(value) } : null;
  const list = new BlockList();
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return null;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(address!, type);
      continue;
    }
    const prefix = /^\d+$/.test(bits) ? Number(bits) : NaN;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) return null;
    list.addSubnet(address!, prefix, type);
  }
  return { kind: 'addresses', list };
}

/** One hop as written by a proxy or a socket: `::ffff:`-mapped IPv4 as plain IPv4, no brackets or port. */
export function normalizeAddress(hop: string): string {
  let address = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address. The chain is every X-Forwarded-For entry followed by the socket's address; each proxy
 * appends the address it was reached from, so only the right end of the chain is written by us. The client
 * is the right-most hop that is not one of our proxies: anything to its left, the first entry included, is
 * whatever the client chose to send.
 */
export function clientAddress(forwardedFor: string | null | undefined, socketAddress: string, trusted: TrustedProxies): string {
  const socket = normalizeAddress(socketAddress);
  if (trusted.kind === 'none') return socket;
  const chain = [
    ...(forwardedFor ?? '')
      .split(',')
      .map(normalizeAddress)
      .filter(Boolean),
    socket,
  ];
  if (trusted.kind === 'hops') return chain[Math.max(0, chain.length - 1 - trusted.count)]!;
  for (let i = chain.length - 1; i > 0; i--) {
    if (!isTrusted(trusted.list, chain[i]!)) return chain[i]!;
  }
  return chain[0]!;
}
