import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { pageSecurityHeaders, renderPage } from '../http/html.js';
import { clientAssetResponse, warmClientAssets } from '../http/client-assets.js';
import { ApiReferencePage, type ReferenceOperation } from '../../client/pages/api-reference-page.js';
import { NotFoundPage } from '../../client/pages/not-found-page.js';

const asset = (name: string) => readFileSync(new URL(`../../client/styles/${name}`, import.meta.url), 'utf8');
const baseCss = asset('base.css');
const favicon = asset('favicon.svg');
const cached = 'public, max-age=3600';

type Doc = { info: { version: string }; paths: Record<string, Record<string, any>> };

function typeOf(schema: any): string {
  if (!schema) return 'any';
  if (schema.enum) return schema.enum.join(' | ');
  if (schema.format) return `${schema.type ?? 'string'} (${schema.format})`;
  return schema.type ?? (schema.anyOf ? schema.anyOf.map(typeOf).join(' | ') : 'any');
}

function toReference(doc: Doc): ReferenceOperation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const success = Object.entries(op.responses as Record<string, any>).find(([s]) => s.startsWith('2'));
      const responseSchema = success?.[1]?.content?.['application/json']?.schema;
      const requestSchema = op.requestBody?.content?.['application/json']?.schema;
      return {
        method,
        path,
        summary: op.summary,
        tag: op.tags?.[0] ?? 'Other',
        parameters: (op.parameters ?? []).map((p: any) => ({ name: p.name, in: p.in, required: p.required, type: typeOf(p.schema) })),
        requestSchema: requestSchema ? JSON.stringify(requestSchema, null, 2) : undefined,
        responseStatus: success?.[0],
        responseSchema: responseSchema ? JSON.stringify(responseSchema, null, 2) : undefined,
      };
    }),
  );
}

/** `getOpenApi` makes the API document on first use (app.ts); the reference page is made from it then, once. */
export function pageRoutes(getOpenApi: () => Doc) {
  let reference: ReferenceOperation[] | undefined;
  warmClientAssets(); // bundle the survey page's script now, not when the first respondent arrives
  return new Hono<AppEnv>()
    // The survey page's bundle and stylesheet: content-hashed names, cached for a year.
    .get('/assets/:file{(?:survey|app)-[0-9a-f]+\\.(?:js|css)}', async (c, next) => (await clientAssetResponse(c)) ?? next())
    .get('/assets/app/:file{[\\w-]+\\.js}', async (c, next) => (await clientAssetResponse(c)) ?? next())
    .get('/assets/base.css', (c) =>
      c.body(baseCss, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': cached }),
    )
    .get('/assets/favicon.svg', (c) => c.body(favicon, 200, { 'content-type': 'image/svg+xml', 'cache-control': cached }))
    .get('/favicon.ico', (c) => c.redirect('/assets/favicon.svg', 301))
    .use(pageSecurityHeaders)
    .get('/api/docs', (c) => renderPage(c, <ApiReferencePage operations={(reference ??= toReference(getOpenApi()))} version={getOpenApi().info.version} />))
    .get('*', (c, next) => (c.req.path.startsWith('/api/') ? next() : renderPage(c, <NotFoundPage />, 404)));
}
