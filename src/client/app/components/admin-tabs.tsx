import type { ComponentChildren } from 'preact';
import { isAdmin } from '../session.js';

const tabs = [
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/api-keys', label: 'API keys' },
  { href: '/admin/rules', label: 'Follow-up rules' },
  { href: '/admin/event-types', label: 'Event types' },
  { href: '/admin/indicators', label: 'Partnership signals' },
  { href: '/admin/settings', label: 'Settings' },
  { href: '/admin/webhooks', label: 'Webhooks' },
  { href: '/admin/chat', label: 'Slack and Teams' },
  { href: '/admin/hubspot', label: 'HubSpot' },
  { href: '/admin/import-delighted', label: 'Import from Delighted' },
  { href: '/admin/audit-log', label: 'Audit log' },
];

/**
 * The frame of every admin page: its heading, the tabs between them, and for anyone but an admin a clear
 * "Admins only" instead of the page (the API refuses them anyway; the navigation does not offer it).
 */
export function AdminFrame({ current, title, children }: { current: string; title: string; children: ComponentChildren }) {
  if (!isAdmin()) {
    return (
      <>
        <h1>Admins only</h1>
        <div class="state error" role="alert">
          <p>
            {title} is for admins only. Ask an admin of your Keypulse if something here needs changing. <a href="/">Back to the start page</a>
          </p>
        </div>
      </>
    );
  }
  return (
    <>
      <h1>Admin: {title}</h1>
      <nav aria-label="Admin">
        <ul class="tabs">
          {tabs.map((t) => (
            <li key={t.href}>
              <a href={t.href} aria-current={t.href === current ? 'page' : undefined}>
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="admin-panel">{children}</div>
    </>
  );
}
