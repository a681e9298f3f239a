import { humanize } from '../format.js';
import { AuditAction, auditActionLabels, type AuditEntry } from '../../../shared/schemas/audit.js';

/** The action filter's choices: every action of an area at once, then each on its own. */
const areaNames: Record<string, string> = {
  auth: 'Sign-in and passwords',
  user: 'Users',
  api_key: 'API keys',
  settings: 'Settings',
  follow_up_rule: 'Follow-up rules',
  account: 'Accounts',
  campaign: 'Campaigns',
  export: 'Exports',
  contact: 'Contacts',
  audit_log: 'Audit log',
};

export interface ActionGroup {
  area: string;
  label: string;
  /** Comma-separated, as the API takes it. */
  all: string;
  actions: { value: AuditAction; label: string }[];
}

export const actionGroups: ActionGroup[] = (() => {
  const groups = new Map<string, ActionGroup>();
  for (const action of AuditAction.options) {
    const area = action.slice(0, action.indexOf('.'));
    const group = groups.get(area) ?? { area, label: areaNames[area] ?? humanize(area), all: '', actions: [] };
    group.actions.push({ value: action, label: auditActionLabels[action] });
    groups.set(area, group);
  }
  return [...groups.values()].map((g) => ({ ...g, all: g.actions.map((a) => a.value).join(',') }));
})();

export const actionLabel = (action: string) => (auditActionLabels as Record<string, string>)[action] ?? humanize(action);

/** Who acted, in words: their email then, or what acted when nobody did. */
export function actorText(entry: AuditEntry): string {
  if (entry.actorEmail) return entry.actorEmail;
  if (entry.via === 'system') return 'Keypulse (automatic)';
  return 'Nobody signed in';
}

export function viaText(entry: AuditEntry): string | null {
  if (entry.via === 'api_key') return 'with an API key';
  if (entry.via === 'oidc') return 'through single sign-on';
  return null;
}

const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);
const words = (value: unknown) => (typeof value === 'string' ? humanize(value).toLowerCase() : '');
/** Field and setting names as words: "minDaysBetweenSurveys" → "min days between surveys". */
const list = (value: unknown) =>
  Array.isArray(value) ? value.map((v) => String(v).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()).join(', ') : '';

/** The entry's details as a short phrase ("from Customer to Key account", "Responses, 120 rows"). */
export function detailText(entry: AuditEntry): string {
  const d = entry.details ?? {};
  switch (entry.action) {
    case 'user.created':
      return `as ${words(d.role)}`;
    case 'user.role_changed':
    case 'account.stage_changed':
      return `from ${words(d.from)} to ${words(d.to)}`;
    case 'user.updated':
    case 'follow_up_rule.changed':
      return list(d.fields) ? `changed: ${list(d.fields)}` : '';
    case 'settings.changed':
      return `changed: ${list(d.keys)}`;
    case 'export.downloaded': {
      const rows = typeof d.rows === 'number' ? `, ${d.rows} ${d.rows === 1 ? 'row' : 'rows'}` : '';
      return `${humanize(text(d.what) ?? 'export')}${rows}`;
    }
    case 'audit_log.pruned':
      return `${text(d.count) ?? '?'} entries older than ${text(d.olderThanDays) ?? '?'} days`;
  }
  // Other areas' details: their plain values (ids, counts, names), never nested objects.
  return Object.entries(d)
    .filter(([key, value]) => text(value) !== null && key !== 'email' && key !== 'name')
    .map(([key, value]) => `${humanize(key).toLowerCase()}: ${text(value)}`)
    .join(' · ');
}

const targetPages: Record<string, (id: string) => string> = {
  account: (id) => `/accounts/${id}`,
  campaign: (id) => `/campaigns/${id}`,
  user: () => '/admin/users',
  follow_up_rule: () => '/admin/rules',
  pulse_event_type: () => '/admin/event-types',
  api_key: () => '/admin/api-keys',
};

/** What was acted on, named as the entry recorded it, and its page when it has one. */
export function targetOf(entry: AuditEntry): { label: string; href: string | null } | null {
  if (!entry.targetType) return null;
  const d = entry.details ?? {};
  const name = text(d.email) ?? text(d.name) ?? (entry.targetId ? `${entry.targetId.slice(0, 8)}…` : '');
  const page = entry.targetId ? targetPages[entry.targetType]?.(entry.targetId) : undefined;
  return { label: `${humanize(entry.targetType)}: ${name}`, href: page ?? null };
}
