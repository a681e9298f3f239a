import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { pageSecurityHeaders, renderPage } from '../http/html.js';
import { clientAssetResponse, getClientAssets, warmClientAssets } from '../http/client-assets.js';
import { ApiReferencePage, type ReferenceOperation } from '../../client/pages/api-reference-page.js';
import { NotFoundPage } from '../../client/pages/not-found-page.js';

/** The stable names stay for what cannot know the hash (a bookmark, an old page, the browser asking for /favicon.ico). */
const stableName = { '/assets/base.css': 'style', '/assets/favicon.svg': 'icon' } as const;

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
    // The browser files: content-hashed names, cached for a year.
    .get('/assets/:file{(?:survey|app|base|favicon)-[0-9a-f]+\\.(?:js|css|svg)}', async (c, next) => (await clientAssetResponse(c)) ?? next())
    .get('/assets/app/:file{[\\w-]+\\.js}', async (c, next) => (await clientAssetResponse(c)) ?? next())
    .get('/assets/:file{(?:base\\.css|favicon\\.svg)}', async (c) => {
      const { shell } = await getClientAssets();
      c.header('cache-control', 'no-cache');
      return c.redirect(shell[stableName[c.req.path as keyof typeof stableName]], 302);
    })
    .get('/favicon.ico', (c) => c.redirect('/assets/favicon.svg', 301))
    .use(pageSecurityHeaders)
    .get('/api/docs', (c) => renderPage(c, <ApiReferencePage operations={(reference ??= toReference(getOpenApi()))} version={getOpenApi().info.version} />))
    .get('*', (c, next) => (c.req.path.startsWith('/api/') ? next() : renderPage(c, <NotFoundPage />, 404)));
}
