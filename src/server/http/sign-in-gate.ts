import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';
import { AppError } from './errors.js';
import { collectOperations } from './openapi.js';

/** A method and a path pattern in the OpenAPI form (`/api/things/{id}`). */
export type PublicRoute = readonly [method: string, path: string];

const toMatcher = ([method, path]: PublicRoute) => {
  const pattern = path
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return { method: method.toUpperCase(), path: new RegExp(`^${pattern}/?$`) };
};

/**
 * A signed-out request is answered 401 before any route runs, so no lookup, validation or 404 can tell a
 * stranger which ids exist. Denied by default: public are only the operations documented with
 * `describe({ public: true })` (the same flag that gives them `security: []` in the OpenAPI document) and the
 * few undocumented routes listed in `alsoPublic`. Mount after `authenticate`.
 */
export function signInGate(app: Hono<any>, alsoPublic: readonly PublicRoute[]): MiddlewareHandler<AppEnv> {
  let matchers: ReturnType<typeof toMatcher>[] | undefined;
  // Read on the first request, when every router is mounted (this middleware is added before they are).
  const publicRoutes = () =>
    (matchers ??= [
      ...collectOperations(app)
        .filter((op) => op.meta.public)
        .map((op): PublicRoute => [op.method, op.path]),
      ...alsoPublic,
    ].map(toMatcher));
  return async (c, next) => {
    if (!c.var.auth) {
      const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
      const path = c.req.path;
      if (!publicRoutes().some((r) => r.method === method && r.path.test(path))) {
        throw new AppError('unauthorized', 'sign in or send an API key');
      }
    }
    await next();
  };
}
