interface StoredCookie {
  host: string;
  name: string;
  value: string;
  path: string;
}

type Fetcher = (url: string, init: RequestInit) => Response | Promise<Response>;

/**
 * Just enough of a browser for redirect flows across two sites: a cookie jar (per host and path, honouring
 * Max-Age=0) and redirects that the test follows by hand. `fetcherFor` sends a URL to the in-process app or
 * over the network.
 */
export class CookieBrowser {
  private jar: StoredCookie[] = [];
  constructor(private readonly fetcherFor: (url: URL) => Fetcher) {}

  async request(url: string | URL, init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {}) {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookies = this.jar.filter((c) => c.host === target.host && pathMatches(target.pathname, c.path));
    if (cookies.length) headers.cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const response = await this.fetcherFor(target)(target.href, {
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) this.store(target, line);
    return response;
  }

  cookie(host: string, name: string): StoredCookie | undefined {
    return this.jar.find((c) => c.host === host && c.name === name);
  }

  /** Puts a cookie back as it was (to replay an old request). */
  restore(cookie: StoredCookie): void {
    this.jar = this.jar.filter((c) => !(c.host === cookie.host && c.name === cookie.name && c.path === cookie.path));
    this.jar.push({ ...cookie });
  }

  private store(target: URL, line: string): void {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const equals = pair!.indexOf('=');
    const name = pair!.slice(0, equals);
    const value = pair!.slice(equals + 1);
    let path = '/';
    let expired = false;
    for (const attribute of attributes) {
      const [key, attrValue = ''] = attribute.split('=');
      if (key!.toLowerCase() === 'path') path = attrValue;
      if (key!.toLowerCase() === 'max-age' && Number(attrValue) <= 0) expired = true;
      if (key!.toLowerCase() === 'expires' && Date.parse(attrValue) < Date.now()) expired = true;
    }
    this.jar = this.jar.filter((c) => !(c.host === target.host && c.name === name && c.path === path));
    if (!expired) this.jar.push({ host: target.host, name, value, path });
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return requestPath.startsWith(cookiePath.endsWith('/') ? cookiePath : `${cookiePath}/`);
}
