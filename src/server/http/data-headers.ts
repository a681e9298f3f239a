import type { MiddlewareHandler } from 'hono';

const DATA_TYPE = /^(application\/([\w.-]+\+)?json|text\/csv)\b/i;

/**
 * Every JSON and CSV answer — API, survey autosave, downloads, errors alike — is personal data or about it:
 * never kept by a browser or shared cache (`no-store`), never sniffed into something executable (`nosniff`).
 * Decided on the finished response, so error envelopes from `onError` get it too.
 */
export const dataResponseHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (!DATA_TYPE.test(c.res.headers.get('content-type') ?? '')) return;
  c.res.headers.set('x-content-type-options', 'nosniff');
  c.res.headers.set('cache-control', 'no-store');
};
