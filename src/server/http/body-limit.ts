import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Hono's `bodyLimit`, without its cost on the common case. Hono's version first touches `c.req.raw.body`, which
 * on Node makes @hono/node-server build a full WHATWG Request and a web stream over the socket for every
 * request — the JSON or text body is then read through that stream instead of straight from the socket.
 * When the client declares the length (every browser and HTTP client does for a JSON or form body) the limit
 * is checked on the header alone and the body is left for the handler to read directly; chunked bodies,
 * whose size is only known by reading them, still go through Hono's reader.
 */
export function limitBody(options: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }): MiddlewareHandler {
  const reader = bodyLimit(options);
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length, 10) > options.maxSize ? options.onError(c) : next();
    }
    return reader(c, next);
  };
}
