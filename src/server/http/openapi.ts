import type { Hono } from 'hono';
import * as z from 'zod';
import { OPENAPI_META, type MetaPart, type OperationMeta } from './validate.js';
import { ErrorEnvelope } from '../../shared/schemas/common.js';
import { buildWebhooksSection } from './openapi-webhooks.js';

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const errorResponses = {
  400: 'Invalid input: see error.issues',
  401: 'Not signed in, or a bad API key',
  403: 'Not allowed for your role, or a cross-site request',
  404: 'Not found (or not yours)',
  409: 'Conflicts with existing data',
  413: 'Body larger than 1 MB',
  415: 'Wrong Content-Type',
  422: 'Understood but cannot be processed',
  429: 'Too many requests: see Retry-After',
};

export interface OpenApiOperation {
  method: string;
  path: string;
  meta: OperationMeta;
  inputs: Extract<MetaPart, { kind: 'input' }>[];
}

/** Reads the operations straight off the mounted routes: what is served is what is documented. */
export function collectOperations(app: Hono<any>): OpenApiOperation[] {
  const byKey = new Map<string, OpenApiOperation>();
  for (const route of app.routes) {
    const part = (route.handler as unknown as Record<symbol, MetaPart | undefined>)[OPENAPI_META];
    if (!part || route.method === 'ALL') continue;
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const key = `${route.method} ${path}`;
    const op = byKey.get(key) ?? { method: route.method.toLowerCase(), path, meta: {}, inputs: [] };
    if (part.kind === 'operation') op.meta = part.meta;
    else op.inputs.push(part);
    byKey.set(key, op);
  }
  return [...byKey.values()];
}

export function buildOpenApiDocument(app: Hono<any>, info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of collectOperations(app)) {
    const parameters: unknown[] = [];
    let requestBody: unknown;
    for (const input of op.inputs) {
      if (input.target === 'json') {
        requestBody = { required: true, content: { 'application/json': { schema: toJsonSchema(input.schema, 'input') } } };
        continue;
      }
      const json = toJsonSchema(input.schema, 'input');
      const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((json.required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries(properties)) {
        const where = input.target === 'param' ? 'path' : 'query';
        parameters.push({ name, in: where, required: where === 'path' || (required.has(name) && schema.default === undefined), schema });
      }
    }
    if (!requestBody && op.meta.requestBody) requestBody = { required: true, ...op.meta.requestBody };
    const responses: Record<string, unknown> = {};
    for (const [status, body] of Object.entries(op.meta.responses ?? { 204: undefined })) {
      if (!body) responses[status] = { description: 'No content' };
      else if ('contentType' in body) responses[status] = { description: body.description, content: { [body.contentType]: {} } };
      else responses[status] = { description: 'Success', content: { 'application/json': { schema: toJsonSchema(body as z.ZodType, 'output') } } };
    }
    for (const [status, description] of Object.entries(errorResponses)) {
      responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.meta.summary,
      description: op.meta.description,
      tags: op.meta.tags,
      ...(op.meta.public ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Keypulse API',
      version: info.version,
      description:
        'Customer feedback for key-account management. Authenticate with the session cookie from POST /api/auth/login ' +
        '(state-changing browser requests must carry a same-site Origin header) or with `Authorization: Bearer <API key>`.',
    },
    servers: [{ url: info.serverUrl }],
    security: [{ cookieAuth: [] }, { bearerAuth: [] }],
    components: {
      securitySchemes: {
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'kp_session' },
        bearerAuth: { type: 'http', scheme: 'bearer' },
      },
      schemas: { Error: toJsonSchema(ErrorEnvelope, 'output') },
    },
    paths,
    webhooks: buildWebhooksSection(),
  };
}
