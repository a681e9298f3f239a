import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for HubSpot's REST API that the real SDK (@hubspot/api-client) talks to (pass `url` as the
 * base path). It implements exactly the endpoints Keypulse's adapter calls, with HubSpot's shapes:
 * - POST /crm/v3/objects/{companies|contacts}/search — filterGroups (hs_lastmodifieddate / lastmodifieddate GTE),
 *   sorts, properties, limit, after; the 10,000-result cap is enforced (400 past it);
 * - GET /crm/v3/owners/ — limit, after;
 * - POST /crm/v4/associations/{companies/contacts|contacts/companies}/batch/read — `{ inputs: [{ id }] }`;
 * - POST /crm/v3/objects/contacts/batch/read — `{ inputs, properties }`;
 * - POST /crm/v3/objects/{companies|contacts}/batch/update — `{ inputs: [{ id, properties }] }` (at most 100);
 * - GET/POST /crm/v3/properties/{objectType} and /crm/v3/properties/{objectType}/groups.
 * Every request needs `Authorization: Bearer <token>` (401 with HubSpot's error body otherwise).
 */

export const FAKE_HUBSPOT_TOKEN = 'pat-eu1-fake-0000-1111-2222-abcd';

export interface FakeRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}

export interface FakeOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface RecordedHubspotRequest {
  method: string;
  path: string;
  body: any;
}

export interface FakeHubspot {
  url: string;
  token: string;
  companies: Map<string, FakeRecord>;
  contacts: Map<string, FakeRecord>;
  owners: FakeOwner[];
  /** company id → contact ids */
  associations: Map<string, string[]>;
  properties: { companies: Map<string, any>; contacts: Map<string, any> };
  groups: { companies: Map<string, any>; contacts: Map<string, any> };
  requests: RecordedHubspotRequest[];
  addCompany(id: string, properties: Record<string, string | null>, modifiedAt: Date): void;
  addContact(id: string, companyId: string, properties: Record<string, string | null>, modifiedAt: Date): void;
  /** Changes a company as a HubSpot user would: its properties and its last-modified time. */
  editCompany(id: string, properties: Record<string, string | null>, modifiedAt: Date): void;
  /** Changes a contact as a HubSpot user would. */
  editContact(id: string, properties: Record<string, string | null>, modifiedAt: Date): void;
  /** After `n` more successful company searches, every search drops the connection until `heal()`: a crash mid-sync. */
  failSearchesAfter(n: number): void;
  heal(): void;
  close(): Promise<void>;
}

const COMPANY_DEFAULTS = ['name', 'domain', 'hs_object_id', 'createdate', 'hs_lastmodifieddate'];

export async function startFakeHubspot(options: { now: () => Date; token?: string }): Promise<FakeHubspot> {
  const token = options.token ?? FAKE_HUBSPOT_TOKEN;
  const companies = new Map<string, FakeRecord>();
  const contacts = new Map<string, FakeRecord>();
  const owners: FakeOwner[] = [];
  const associations = new Map<string, string[]>();
  const properties = { companies: new Map<string, any>(), contacts: new Map<string, any>() };
  const groups = { companies: new Map<string, any>(), contacts: new Map<string, any>() };
  const requests: RecordedHubspotRequest[] = [];
  let searchesLeft: number | null = null;

  for (const name of ['name', 'domain', 'industry', 'annualrevenue', 'hubspot_owner_id', 'renewal_date', 'hs_lastmodifieddate']) {
    properties.companies.set(name, { name, label: name, type: 'string', fieldType: 'text', groupName: 'companyinformation' });
  }
  for (const name of ['firstname', 'lastname', 'email', 'jobtitle', 'hs_language', 'lastmodifieddate']) {
    properties.contacts.set(name, { name, label: name, type: 'string', fieldType: 'text', groupName: 'contactinformation' });
  }
  groups.companies.set('companyinformation', { name: 'companyinformation', label: 'Company information', displayOrder: 0, archived: false });
  groups.contacts.set('contactinformation', { name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false });

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, category: string, message: string) =>
    send(res, status, { status: 'error', message, correlationId: '00000000-0000-0000-0000-000000000000', category });
  const picked = (record: FakeRecord, names: string[] | undefined, defaults: string[]) => {
    const wanted = new Set([...(names ?? []), ...defaults]);
    return Object.fromEntries([...wanted].map((n) => [n, record.properties[n] ?? null]));
  };
  const publicObject = (record: FakeRecord, names: string[] | undefined, defaults: string[]) => ({
    id: record.id,
    properties: picked(record, names, defaults),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    archived: false,
  });
  const batch = (results: unknown[]) => {
    const at = options.now().toISOString();
    return { status: 'COMPLETE', results, startedAt: at, completedAt: at };
  };
  const stamp = (record: FakeRecord, key: string, at: Date) => {
    record.updatedAt = at.toISOString();
    record.properties[key] = at.toISOString();
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : undefined;
    const path = url.pathname;
    requests.push({ method: req.method ?? 'GET', path, body });
    if (req.headers.authorization !== `Bearer ${token}`) {
      return error(res, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
    }

    const search = path.match(/^\/crm\/v3\/objects\/(companies|contacts)\/search$/);
    if (req.method === 'POST' && search) {
      const isCompanies = search[1] === 'companies';
      const modifiedKey = isCompanies ? 'hs_lastmodifieddate' : 'lastmodifieddate';
      if (isCompanies && searchesLeft !== null) {
        if (searchesLeft <= 0) return req.socket.destroy();
        searchesLeft -= 1;
      }
      const limit = Math.min(Number(body.limit ?? 10), 200);
      const after = Number(body.after ?? 0);
      if (after + limit > 10_000) return error(res, 400, 'VALIDATION_ERROR', 'There was a problem with the request.');
      let list = [...(isCompanies ? companies : contacts).values()];
      for (const group of body.filterGroups ?? []) {
        for (const f of group.filters ?? []) {
          if (f.propertyName !== modifiedKey || f.operator !== 'GTE') return error(res, 400, 'VALIDATION_ERROR', `unsupported filter in fake: ${JSON.stringify(f)}`);
          list = list.filter((c) => new Date(c.properties[modifiedKey]!).getTime() >= Number(f.value));
        }
      }
      const sort = body.sorts?.[0];
      if (sort && (sort.propertyName !== modifiedKey || sort.direction !== 'ASCENDING')) return error(res, 400, 'VALIDATION_ERROR', 'unsupported sort in fake');
      list.sort((a, b) => new Date(a.properties[modifiedKey]!).getTime() - new Date(b.properties[modifiedKey]!).getTime() || Number(a.id) - Number(b.id));
      const page = list.slice(after, after + limit);
      const next = after + limit < list.length ? { next: { after: String(after + limit), link: '' } } : undefined;
      const defaults = isCompanies ? COMPANY_DEFAULTS : ['firstname', 'lastname', 'email', 'hs_object_id', 'createdate', 'lastmodifieddate'];
      return send(res, 200, { total: list.length, results: page.map((c) => publicObject(c, body.properties, defaults)), ...(next ? { paging: next } : {}) });
    }

    if (req.method === 'GET' && (path === '/crm/v3/owners/' || path === '/crm/v3/owners')) {
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const after = Number(url.searchParams.get('after') ?? 0);
      const page = owners.slice(after, after + limit).map((o) => ({
        ...o,
        id: o.id,
        userId: Number(o.id) + 1000,
        type: 'PERSON',
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
        archived: false,
      }));
      return send(res, 200, { results: page, ...(after + limit < owners.length ? { paging: { next: { after: String(after + limit), link: '' } } } : {}) });
    }

    if (req.method === 'POST' && path === '/crm/v4/associations/companies/contacts/batch/read') {
      const results = (body.inputs as { id: string }[]).map(({ id }) => ({
        from: { id },
        to: (associations.get(id) ?? []).map((contactId) => ({ toObjectId: Number(contactId), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 280, label: null }] })),
      }));
      return send(res, 200, batch(results));
    }

    if (req.method === 'POST' && path === '/crm/v4/associations/contacts/companies/batch/read') {
      const results = (body.inputs as { id: string }[]).map(({ id }) => ({
        from: { id },
        to: [...associations]
          .filter(([, contactIds]) => contactIds.includes(String(id)))
          .map(([companyId]) => ({ toObjectId: Number(companyId), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }] })),
      }));
      return send(res, 200, batch(results));
    }

    if (req.method === 'POST' && path === '/crm/v3/objects/contacts/batch/read') {
      if (body.inputs.length > 100) return error(res, 400, 'VALIDATION_ERROR', 'too many inputs');
      const found = (body.inputs as { id: string }[]).map(({ id }) => contacts.get(String(id))).filter((c): c is FakeRecord => !!c);
      return send(res, 200, batch(found.map((c) => publicObject(c, body.properties, ['createdate', 'lastmodifieddate', 'hs_object_id']))));
    }

    const update = path.match(/^\/crm\/v3\/objects\/(companies|contacts)\/batch\/update$/);
    if (req.method === 'POST' && update) {
      const store = update[1] === 'companies' ? companies : contacts;
      const defined = update[1] === 'companies' ? properties.companies : properties.contacts;
      if (!Array.isArray(body.inputs) || body.inputs.length > 100) return error(res, 400, 'VALIDATION_ERROR', 'inputs: 1 to 100');
      for (const input of body.inputs) {
        if (!store.has(String(input.id))) return error(res, 404, 'OBJECT_NOT_FOUND', `no ${update[1]} ${input.id}`);
        for (const name of Object.keys(input.properties)) {
          if (!defined.has(name)) return error(res, 400, 'VALIDATION_ERROR', `Property "${name}" does not exist`);
        }
      }
      const at = options.now();
      const results = body.inputs.map((input: { id: string; properties: Record<string, string> }) => {
        const record = store.get(String(input.id))!;
        Object.assign(record.properties, input.properties);
        stamp(record, update[1] === 'companies' ? 'hs_lastmodifieddate' : 'lastmodifieddate', at);
        return publicObject(record, Object.keys(input.properties), []);
      });
      return send(res, 200, batch(results));
    }

    const groupPath = path.match(/^\/crm\/v3\/properties\/(companies|contacts)\/groups$/);
    if (groupPath) {
      const store = groups[groupPath[1] as 'companies' | 'contacts'];
      if (req.method === 'GET') return send(res, 200, { results: [...store.values()] });
      if (req.method === 'POST') {
        if (store.has(body.name)) return error(res, 409, 'CONFLICT', 'group exists');
        const group = { name: body.name, label: body.label, displayOrder: body.displayOrder ?? -1, archived: false };
        store.set(body.name, group);
        return send(res, 201, group);
      }
    }

    const propertyPath = path.match(/^\/crm\/v3\/properties\/(companies|contacts)$/);
    if (propertyPath) {
      const store = properties[propertyPath[1] as 'companies' | 'contacts'];
      if (req.method === 'GET') return send(res, 200, { results: [...store.values()] });
      if (req.method === 'POST') {
        if (store.has(body.name)) return error(res, 409, 'OBJECT_ALREADY_EXISTS', 'property exists');
        if (!groups[propertyPath[1] as 'companies' | 'contacts'].has(body.groupName)) return error(res, 400, 'VALIDATION_ERROR', 'no such group');
        if (!body.label || !body.type || !body.fieldType) return error(res, 400, 'VALIDATION_ERROR', 'label, type and fieldType are required');
        const property = { ...body, options: body.options ?? [], createdAt: options.now().toISOString(), updatedAt: options.now().toISOString() };
        store.set(body.name, property);
        return send(res, 201, property);
      }
    }
    return error(res, 404, 'OBJECT_NOT_FOUND', `fake HubSpot has no ${req.method} ${path}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => error(res, 500, 'INTERNAL', String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const record = (id: string, props: Record<string, string | null>, at: Date, key: string): FakeRecord => ({
    id,
    properties: { ...props, hs_object_id: id, createdate: at.toISOString(), [key]: at.toISOString() },
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  });

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    companies,
    contacts,
    owners,
    associations,
    properties,
    groups,
    requests,
    addCompany(id, props, at) {
      companies.set(id, record(id, props, at, 'hs_lastmodifieddate'));
    },
    addContact(id, companyId, props, at) {
      contacts.set(id, record(id, props, at, 'lastmodifieddate'));
      associations.set(companyId, [...(associations.get(companyId) ?? []), id]);
    },
    editCompany(id, props, at) {
      const c = companies.get(id)!;
      Object.assign(c.properties, props);
      stamp(c, 'hs_lastmodifieddate', at);
    },
    editContact(id, props, at) {
      const c = contacts.get(id)!;
      Object.assign(c.properties, props);
      stamp(c, 'lastmodifieddate', at);
    },
    failSearchesAfter(n) {
      searchesLeft = n;
    },
    heal() {
      searchesLeft = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
