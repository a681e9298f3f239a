import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { currentUser } from './session.js';
import type { Role } from '../../shared/schemas/user.js';

interface NavItem {
  href: string;
  label: string;
  roles: Role[];
}

const nav: NavItem[] = [
  { href: '/my-day', label: 'My day', roles: ['account_manager'] },
  { href: '/overview', label: 'Overview', roles: ['executive', 'admin'] },
  { href: '/accounts', label: 'Accounts', roles: ['account_manager', 'executive', 'admin'] },
  { href: '/tasks', label: 'Tasks', roles: ['account_manager', 'executive', 'admin'] },
  { href: '/program/selection', label: 'Program', roles: ['account_manager', 'executive', 'admin'] },
  { href: '/campaigns', label: 'Campaigns', roles: ['account_manager', 'executive', 'admin'] },
  { href: '/surveys', label: 'Surveys', roles: ['account_manager', 'executive', 'admin'] },
  { href: '/outbox', label: 'Email log', roles: ['account_manager', 'executive', 'admin'] },
  { href: '/admin/users', label: 'Admin', roles: ['admin'] },
];

/** `/accounts/123` is inside "Accounts"; `/` is My day or Overview, depending on the role. */
function isCurrent(href: string, path: string, role: Role): boolean {
  if (path === '/') return href === (role === 'account_manager' ? '/my-day' : '/overview');
  const section = href.split('/')[1];
  return path.split('/')[1] === section;
}

/**
 * Header, role-aware navigation, sign-out, and the main landmark. After each navigation the focus moves to
 * the new page's heading, so keyboard and screen-reader users start reading there.
 */
export function Layout({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const user = currentUser.value!;
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // Pages render their heading after loading; wait a frame for it.
    requestAnimationFrame(() => {
      const heading = main.current?.querySelector<HTMLElement>('h1');
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
    });
  }, [path]);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header no-print">
        <a class="brand" href="/">
          Keypulse
        </a>
        <nav aria-label="Main">
          <ul>
            {nav
              .filter((item) => item.roles.includes(user.role))
              .map((item) => (
                <li key={item.href}>
                  <a href={item.href} aria-current={isCurrent(item.href, path, user.role) ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <form method="post" action="/signout" class="signout">
          <span class="who">
            {user.name} <span class="muted">({user.role.replace('_', ' ')})</span>
          </span>
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
      </header>
      <main id="main" ref={main}>
        {children}
      </main>
    </>
  );
}
