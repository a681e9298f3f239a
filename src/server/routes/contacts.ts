import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { conflict } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { assertUserReference, loadAccountFor, loadContactFor } from '../http/access.js';
import { csvRequestBody, parseCsvUpload } from '../http/csv-upload.js';
import { isUniqueViolation } from '../db/errors.js';
import {
  findContactByEmail,
  insertContact,
  listContacts,
  softDeleteContact,
  toContact,
  updateContactRow,
} from '../db/queries/contacts.js';
import { parseContactImport } from '../domain/contact-import.js';
import { audit } from '../http/audit.js';
import { eraseContactData } from '../db/queries/contact-erasure.js';
import { exportPersonalData } from '../db/queries/personal-data-export.js';
import { ContactErasure, PersonalDataExport } from '../../shared/schemas/personal-data.js';
import { IdParams, pageOf } from '../../shared/schemas/common.js';
import {
  Contact,
  ContactImportQuery,
  ContactImportResult,
  ContactListQuery,
  CreateContact,
  UpdateContact,
  type ContactImportRowResult,
} from '../../shared/schemas/contact.js';

const emailTaken = () => conflict('this account already has a contact with this email', 'email');

export const contactRoutes = new Hono<AppEnv>()
  .get(
    '/accounts/:id/contacts',
    describe({ summary: "List an account's contacts", tags: ['Contacts'], responses: { 200: pageOf(Contact) } }),
    valid('param', IdParams),
    valid('query', ContactListQuery),
    async (c) => {
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const page = await listContacts(c.var.deps.db, account.id, c.req.valid('query'));
      return c.json({ ...page, data: page.data.map(toContact) });
    },
  )
  .post(
    '/accounts/:id/contacts',
    describe({ summary: 'Add a contact to an account', tags: ['Contacts'], responses: { 201: Contact } }),
    valid('param', IdParams),
    valid('json', CreateContact),
    async (c) => {
      const { db, clock } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'edit');
      const body = c.req.valid('json');
      if (body.counterpartId) await assertUserReference(db, 'counterpartId', body.counterpartId, false);
      try {
        return c.json(toContact(await insertContact(db, account.id, body, clock.now())), 201);
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken();
        throw error;
      }
    },
  )
  .post(
    '/accounts/:id/contacts/import',
    describe({
      summary:
        'Import contacts from CSV (columns: name, email, title, level, role, language). Existing emails are updated; ' +
        'each bad row is reported with its line number and nothing of it is written. dryRun=true only checks.',
      tags: ['Contacts'],
      requestBody: csvRequestBody,
      responses: { 200: ContactImportResult },
    }),
    valid('param', IdParams),
    valid('query', ContactImportQuery),
    async (c) => {
      const { db, clock } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'edit');
      const { dryRun } = c.req.valid('query');
      const parsed = await parseCsvUpload(c, parseContactImport);

      const rows: ContactImportRowResult[] = [];
      for (const row of parsed) {
        if (!row.ok) {
          rows.push({ line: row.line, status: 'error', email: row.email, contactId: null, errors: row.errors });
          continue;
        }
        const { role, ...fields } = row.value;
        const values = { ...fields, buyingRole: role };
        const existing = await findContactByEmail(db, account.id, values.email);
        if (dryRun) {
          rows.push({ line: row.line, status: existing ? 'updated' : 'created', email: values.email, contactId: existing?.id ?? null, errors: [] });
          continue;
        }
        try {
          const saved = existing
            ? await updateContactRow(db, existing.id, values, clock.now())
            : await insertContact(db, account.id, { title: null, language: 'en', ...values, relationshipStrength: 3, unsubscribed: false, bounced: false }, clock.now());
          rows.push({ line: row.line, status: existing ? 'updated' : 'created', email: values.email, contactId: saved!.id, errors: [] });
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          rows.push({ line: row.line, status: 'error', email: values.email, contactId: null, errors: [{ column: 'email', message: 'was added by someone else meanwhile; import again' }] });
        }
      }
      const tally = (s: ContactImportRowResult['status']) => rows.filter((r) => r.status === s).length;
      return c.json({ dryRun, created: tally('created'), updated: tally('updated'), failed: tally('error'), rows });
    },
  )
  .get(
    '/contacts/:id',
    describe({ summary: 'Get a contact', tags: ['Contacts'], responses: { 200: Contact } }),
    valid('param', IdParams),
    async (c) => c.json(toContact(await loadContactFor(c, c.req.valid('param').id, 'view'))),
  )
  .patch(
    '/contacts/:id',
    describe({ summary: 'Update a contact', tags: ['Contacts'], responses: { 200: Contact } }),
    valid('param', IdParams),
    valid('json', UpdateContact),
    async (c) => {
      const { db, clock } = c.var.deps;
      const contact = await loadContactFor(c, c.req.valid('param').id, 'edit');
      const changes = c.req.valid('json');
      if (changes.counterpartId) await assertUserReference(db, 'counterpartId', changes.counterpartId, false);
      try {
        return c.json(toContact((await updateContactRow(db, contact.id, changes, clock.now()))!));
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken();
        throw error;
      }
    },
  )
  .delete(
    '/contacts/:id',
    describe({ summary: 'Remove a contact (their past answers are kept)', tags: ['Contacts'] }),
    valid('param', IdParams),
    async (c) => {
      const contact = await loadContactFor(c, c.req.valid('param').id, 'edit');
      await softDeleteContact(c.var.deps.db, contact.id, c.var.deps.clock.now());
      return c.body(null, 204);
    },
  )
  // Personal data (GDPR). Both work on removed contacts too, and both are for those who may change the account:
  // admins and its manager (another manager: 404; executives, who only read: 403).
  .post(
    '/contacts/:id/erase',
    describe({
      summary: "Erase a contact's personal data for good (GDPR art. 17)",
      description:
        'In one transaction: name, email and title; the words they wrote (scores and choices stay as anonymous numbers, ' +
        'so NPS and trends do not move); the address on their invitations and the content of every email to them; and ' +
        'their name and words wherever Keypulse copied them (follow-up tasks and comments, emails to the team). The ' +
        'contact leaves every list and their address is never surveyed again. Erasing again answers the same and ' +
        'changes nothing.',
      tags: ['Contacts'],
      responses: { 200: ContactErasure },
    }),
    valid('param', IdParams),
    async (c) => {
      const { db, clock } = c.var.deps;
      const contact = await loadContactFor(c, c.req.valid('param').id, 'edit', { includeRemoved: true });
      const outcome = await db.transaction(async (tx) => {
        const result = await eraseContactData(tx, contact.id, clock.now());
        // Counts only: the audit log must not keep what was just erased.
        if (result.erasedNow) await audit(c, 'contact.erased', { type: 'contact', id: contact.id }, { accountId: contact.accountId, ...result.counts }, { db: tx });
        return result;
      });
      return c.json({ contactId: contact.id, erasedAt: outcome.erasedAt.toISOString() } satisfies ContactErasure);
    },
  )
  .get(
    '/contacts/:id/export',
    describe({
      summary: 'Everything held about a contact, as a JSON file (GDPR art. 15)',
      description:
        'The contact, the account and the people map, invitations, answers, emails sent to them (with their content ' +
        'where still stored), follow-up tasks raised from their answers, and unsubscribe or bounce flags.',
      tags: ['Contacts'],
      responses: { 200: PersonalDataExport },
    }),
    valid('param', IdParams),
    async (c) => {
      const { db, clock, config } = c.var.deps;
      const contact = await loadContactFor(c, c.req.valid('param').id, 'edit', { includeRemoved: true });
      const data = await exportPersonalData(db, contact.id, { now: clock.now(), companyName: config.companyName });
      await audit(c, 'contact.exported', { type: 'contact', id: contact.id }, { accountId: contact.accountId });
      return c.json(data, 200, {
        'content-disposition': `attachment; filename="keypulse-contact-${contact.id}.json"`,
        // Personal data: never kept by a browser or proxy cache.
        'cache-control': 'no-store',
      });
    },
  );
