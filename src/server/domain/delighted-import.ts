import { respondentLanguages } from '../../shared/i18n/languages.js';
import { normalizeHeading } from './csv.js';

/**
 * Reading Delighted's exports: its web CSV exports (headers as the app wrote them, "Response ID", "Score",
 * "Comment", "Email", "Created at", one column per person property) and the JSON its API returned
 * (`/v1/survey_responses.json`, `/v1/people.json`, `/v1/unsubscribes.json`, `/v1/bounces.json`: arrays of objects,
 * times as UNIX seconds). Both become the same plain records here; nothing touches the database.
 *
 * Header names are matched liberally (case, spaces, `_`, `-`, `.` ignored; a few aliases); a column that is none
 * of the known ones is a person property ("Company", "Properties: Company", "person_properties.company" all give
 * the property `Company`/`company`).
 */

export class DelightedRowError extends Error {}

/** A header or property name reduced to letters and digits, so "Response ID", "response_id" and "ResponseId" agree. */
const normalizeKey = normalizeHeading;

type Field = 'id' | 'personId' | 'email' | 'name' | 'score' | 'comment' | 'createdAt' | 'updatedAt' | 'surveyType' | 'tags' | 'at' | 'ignored';

const aliases: Record<string, Field> = {
  id: 'id',
  responseid: 'id',
  surveyresponseid: 'id',
  person: 'personId',
  personid: 'personId',
  email: 'email',
  emailaddress: 'email',
  personemail: 'email',
  name: 'name',
  personname: 'name',
  score: 'score',
  npsscore: 'score',
  rating: 'score',
  comment: 'comment',
  comments: 'comment',
  feedback: 'comment',
  createdat: 'createdAt',
  responsetimestamp: 'createdAt',
  responsedate: 'createdAt',
  respondedat: 'createdAt',
  timestamp: 'createdAt',
  date: 'createdAt',
  updatedat: 'updatedAt',
  surveytype: 'surveyType',
  type: 'surveyType',
  tags: 'tags',
  unsubscribedat: 'at',
  bouncedat: 'at',
  // Known but not kept: they say nothing Keypulse can use, or they link back to a service that is gone.
  permalink: 'ignored',
  notes: 'ignored',
  additionalanswers: 'ignored',
  phonenumber: 'ignored',
  phone: 'ignored',
  lastsentat: 'ignored',
  lastrespondedat: 'ignored',
  nextsurveyscheduledat: 'ignored',
  channel: 'ignored',
};

/** Prefixes that mark a property column in a CSV: "Properties: Company", "person_properties.company", "Property - plan". */
const propertyPrefix = /^\s*(person[ _]?properties|properties|property)\s*[:.\-_]\s*/i;

/**
 * The header must name what a file of this kind cannot do without; otherwise the wrong file was picked (a
 * portfolio sheet as the responses, say) and the answer is one clear message, not an error on every row.
 */
export function missingColumns(kind: 'responses' | 'people' | 'unsubscribes' | 'bounces', headers: string[]): string | null {
  const fields = new Set(headers.map((h) => aliases[normalizeKey(h)]));
  if (kind === 'responses') {
    if (!fields.has('id')) return 'a response id column ("Response ID" or "id")';
    if (!fields.has('score')) return 'a "Score" column';
    return null;
  }
  if (kind === 'people') return fields.has('email') ? null : 'an "Email" column';
  return fields.has('email') || fields.has('personId') ? null : 'an "Email" or "Person ID" column';
}

/** A record as parsed, before its values are checked. */
export interface RawDelighted {
  id: string | null;
  personId: string | null;
  email: string | null;
  name: string | null;
  score: unknown;
  comment: string | null;
  createdAt: unknown;
  updatedAt: unknown;
  surveyType: string | null;
  /** Person properties, keys as written. */
  properties: Record<string, string>;
}

/** PostgreSQL text cannot hold U+0000: an export's stray NUL is dropped rather than failing the row in the database. */
const clean = (value: string) => value.replace(/\u0000/g, '');

const text = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  const s = clean(String(value)).trim();
  return s === '' ? null : s;
};

/** One CSV row (header → cell) as a raw record. */
export function fromCsvRow(row: Record<string, string>): RawDelighted {
  const raw: RawDelighted = { id: null, personId: null, email: null, name: null, score: null, comment: null, createdAt: null, updatedAt: null, surveyType: null, properties: {} };
  for (const [header, value] of Object.entries(row)) {
    if (propertyPrefix.test(header)) {
      const key = header.replace(propertyPrefix, '').trim();
      if (key && text(value) !== null) raw.properties[key] = text(value)!;
      continue;
    }
    const field = aliases[normalizeKey(header)];
    if (field === 'ignored' || field === 'tags') continue;
    if (field === 'at') raw.createdAt = text(value);
    else if (field === 'comment') raw.comment = value === undefined ? null : clean(String(value)).trim() || null;
    else if (field) (raw as unknown as Record<string, unknown>)[field] = text(value);
    else if (header.trim() && text(value) !== null) raw.properties[header.trim()] = text(value)!;
  }
  return raw;
}

const stringProperties = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (text(v) !== null && typeof v !== 'object') out[k] = text(v)!;
  }
  return out;
};

/**
 * One object of an API array as a raw record. `person` is the person's id, or the whole person when the export was
 * made with `expand[]=person`; unsubscribes and bounces name them `person_id`, `email`, `unsubscribed_at`/`bounced_at`.
 */
export function fromJsonObject(value: unknown): RawDelighted {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new DelightedRowError('is not an object');
  const o = value as Record<string, unknown>;
  const person = o.person && typeof o.person === 'object' ? (o.person as Record<string, unknown>) : null;
  return {
    id: text(o.id),
    personId: text(person ? person.id : (o.person ?? o.person_id)),
    email: text(o.email ?? person?.email),
    name: text(o.name ?? person?.name),
    score: o.score ?? null,
    comment: typeof o.comment === 'string' ? clean(o.comment).trim() || null : null,
    createdAt: o.created_at ?? o.unsubscribed_at ?? o.bounced_at ?? null,
    updatedAt: o.updated_at ?? null,
    surveyType: text(o.survey_type),
    properties: { ...stringProperties(person?.properties), ...stringProperties(o.properties), ...stringProperties(o.person_properties) },
  };
}

/**
 * A time as Delighted wrote it: UNIX seconds (the API; milliseconds accepted too), ISO 8601, or the web export's
 * "2025-03-04 10:22:11 UTC" / "2025-03-04 10:22:11 -0800". A time without a zone is read as UTC.
 */
export function parseDelightedTime(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number' || /^\d{9,13}(\.\d+)?$/.test(String(value).trim())) {
    const n = Number(value);
    if (!Number.isFinite(n)) return null;
    const d = new Date(n > 1e12 ? n : n * 1000);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  let s = String(value).trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return null;
  const [, day, time, zone] = m;
  const offset = !zone || /^(z|utc|gmt)$/i.test(zone) ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  s = `${day}T${time ? (time.length === 4 ? `0${time}` : time) : '00:00'}${time && time.split(':').length === 2 ? ':00' : ''}${offset}`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A response checked: what an imported answer needs. */
export interface DelightedResponse {
  id: string;
  personId: string | null;
  email: string;
  name: string | null;
  score: number;
  comment: string | null;
  createdAt: Date;
  properties: Record<string, string>;
}

/** What the import does with a survey type: NPS answers are imported, the other kinds are reported as skipped. */
export function surveyTypeOf(raw: RawDelighted): 'nps' | { skip: string } {
  const type = normalizeKey(raw.surveyType ?? 'nps');
  if (type === 'nps' || type === 'netpromoterscore') return 'nps';
  return { skip: `survey type "${raw.surveyType}" is not imported (Keypulse imports NPS answers only)` };
}

/**
 * Checks a response once its person is known (`person` from the people file when the row has only the id).
 * Throws DelightedRowError saying what is wrong.
 */
export function checkResponse(raw: RawDelighted, person: { email: string | null; name: string | null } | undefined, now: Date): DelightedResponse {
  if (!raw.id) throw new DelightedRowError('the response has no id');
  if (raw.id.length > 200) throw new DelightedRowError('the response id is longer than 200 characters');
  const email = (raw.email ?? person?.email ?? '').toLowerCase();
  if (!email) throw new DelightedRowError(raw.personId ? `person ${raw.personId} has no email (add the people file)` : 'the response has no email');
  if (!emailPattern.test(email) || email.length > 254) throw new DelightedRowError('the email is not a valid address');
  const scoreText = text(raw.score);
  const score = scoreText === null ? NaN : Number(scoreText);
  if (!Number.isInteger(score) || score < 0 || score > 10) throw new DelightedRowError('the score must be a whole number from 0 to 10');
  const createdAt = parseDelightedTime(raw.createdAt);
  if (!createdAt) throw new DelightedRowError('created_at is missing or not a time');
  if (createdAt.getTime() > now.getTime() + 86_400_000) throw new DelightedRowError('created_at is in the future');
  const comment = raw.comment ? raw.comment.slice(0, 5000) : null;
  return { id: raw.id, personId: raw.personId, email, name: raw.name ?? person?.name ?? null, score, comment, createdAt, properties: raw.properties };
}

/** A property by name, ignoring case, spaces and `_` ("Company", "company", "COMPANY_NAME" ≠ "company"). */
export function findProperty(properties: Record<string, string>, name: string): string | null {
  const wanted = normalizeKey(name);
  for (const [k, v] of Object.entries(properties)) if (normalizeKey(k) === wanted && v.trim()) return v.trim();
  return null;
}

/** The contact's language from a `locale` or `language` property ("pt-BR" → pt), when Keypulse speaks it; else English. */
export function languageOf(properties: Record<string, string>): string {
  const tag = (findProperty(properties, 'locale') ?? findProperty(properties, 'language') ?? '').toLowerCase().split(/[-_]/)[0]!;
  return (respondentLanguages as readonly string[]).includes(tag) ? tag : 'en';
}

/** The email's domain, lower case. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** A display name for someone Delighted knew by email only: "anna.smith@x.com" → "anna.smith". */
export function contactNameOf(name: string | null, email: string): string {
  const n = name?.trim();
  return (n && n.length <= 200 ? n : email.slice(0, email.indexOf('@'))).slice(0, 200) || email;
}
