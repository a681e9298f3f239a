import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeAddress, parseTrustProxy } from '../../src/server/domain/trusted-proxies.js';
import { loadConfig } from '../../src/server/config.js';

const trust = (raw: string | null) => parseTrustProxy(raw)!;

describe('KEYPULSE_TRUST_PROXY', () => {
  it('reads a number of hops, `true` as one hop, and nothing or `false` as no proxy', () => {
    expect(parseTrustProxy(null)).toEqual({ kind: 'none' });
    expect(parseTrustProxy('false')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('0')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('2')).toEqual({ kind: 'hops', count: 2 });
    expect(parseTrustProxy('TRUE')).toEqual({ kind: 'hops', count: 1 });
  });

  it('reads a list of addresses and ranges, and refuses anything else', () => {
    expect(parseTrustProxy('10.0.0.5, 10.1.0.0/16, fd00::/8')?.kind).toBe('addresses');
    for (const bad of ['yes', 'proxy.internal', '10.0.0.0/33', '10.0.0.1/8/2', '10.0.0.300', 'fd00::/129']) {
      expect(parseTrustProxy(bad), bad).toBeNull();
    }
  });

  it('a wrong setting stops the server at start with a message that says what it wants', () => {
    expect(() => loadConfig({ KEYPULSE_TRUST_PROXY: 'yes please' })).toThrow(/KEYPULSE_TRUST_PROXY: must be a number of proxy hops/);
    expect(loadConfig({ KEYPULSE_TRUST_PROXY: ' 1 ' }).trustProxy).toBe('1');
  });
});

describe('the client address', () => {
  it('without a trusted proxy is the socket, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.7', trust(null))).toBe('198.51.100.7');
  });

  it('behind one proxy is the hop that proxy added, not a forged first entry', () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the address it saw.
    expect(clientAddress('1.2.3.4, 198.51.100.7', '10.0.0.2', trust('1'))).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7', '10.0.0.2', trust('true'))).toBe('198.51.100.7');
    // Two proxies (CDN, then the load balancer): two hops from the right.
    expect(clientAddress('1.2.3.4, 198.51.100.7, 172.16.0.9', '10.0.0.2', trust('2'))).toBe('198.51.100.7');
  });

  it('behind proxies listed by address is the right-most hop that is not one of them', () => {
    const ours = trust('10.0.0.2, 172.16.0.0/12');
    expect(clientAddress('1.2.3.4, 198.51.100.7, 172.16.0.9', '10.0.0.2', ours)).toBe('198.51.100.7');
    // Reached directly, not through our proxy: the socket is the client and the header is ignored.
    expect(clientAddress('1.2.3.4', '198.51.100.7', ours)).toBe('198.51.100.7');
    // Every hop ours (a health check from the proxy itself): the left-most is the best we know.
    expect(clientAddress('172.16.0.9', '10.0.0.2', ours)).toBe('172.16.0.9');
  });

  it('compares addresses in one form: IPv4-mapped IPv6, brackets and ports removed', () => {
    expect(normalizeAddress('::ffff:10.0.0.2')).toBe('10.0.0.2');
    expect(normalizeAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(normalizeAddress(' 198.51.100.7:5123 ')).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7', '::ffff:10.0.0.2', trust('10.0.0.2'))).toBe('198.51.100.7');
  });
});
