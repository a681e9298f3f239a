import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Strict CSP for every page: our own scripts and styles only, no inline code, no framing. */
export const pageSecurityHeaders: MiddlewareHandler = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    formAction: ["'self'"],
    // Only our own pages in frames: the workspace shows the survey preview (/survey-preview/:id) in one.
    frameSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  // Survey and unsubscribe URLs carry a token: never send them to another site. Not 'no-referrer', though:
  // under it browsers send `Origin: null` with plain form posts, which the same-origin check must refuse,
  // and the survey form must work without JavaScript.
  referrerPolicy: 'same-origin',
  crossOriginEmbedderPolicy: false,
});

export function renderPage(c: Context, page: VNode, status: ContentfulStatusCode = 200, headers?: Record<string, string>) {
  return c.html('<!doctype html>' + renderToString(page), status, headers);
}
