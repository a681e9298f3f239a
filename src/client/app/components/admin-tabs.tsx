import type { ComponentChildren } from 'preact';
import { isAdmin } from '../session.js';

/** Eleven pages in three groups: a sidebar on a wide screen, three short rows on a phone. */
const groups = [
  {
    label: 'People and access',
    pages: [
      { href: '/admin/users', label: 'Users' },
      { href: '/admin/api-keys', label: 'API keys' },
      { href: '/admin/audit-log', label: 'Audit log' },
    ],
  },
  {
    label: 'Feedback loop',
    pages: [
      { href: '/admin/rules', label: 'Follow-up rules' },
      { href: '/admin/event-types', label: 'Event types' },
      { href: '/admin/indicators', label: 'Partnership signals' },
      { href: '/admin/settings', label: 'Settings' },
    ],
  },
  {
    label: 'Connections',
    pages: [
      { href: '/admin/webhooks', label: 'Webhooks' },
      { href: '/admin/chat', label: 'Slack and Teams' },
      { href: '/admin/hubspot', label: 'HubSpot' },
      { href: '/admin/import-delighted', label: 'Import from Delighted' },
    ],
  },
];

/**
 * The frame of every admin page: its heading, the navigation between them, and for anyone but an admin a clear
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
      <div class="admin-layout">
        <nav aria-label="Admin" class="admin-nav">
          {groups.map((group, i) => (
            <div class="admin-nav-group" key={group.label}>
              <span class="admin-nav-label" id={`admin-nav-${i}`}>
                {group.label}
              </span>
              <ul aria-labelledby={`admin-nav-${i}`}>
                {group.pages.map((page) => (
                  <li key={page.href}>
                    <a href={page.href} aria-current={page.href === current ? 'page' : undefined}>
                      {page.label}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <div class="admin-panel">{children}</div>
      </div>
    </>
  );
}
