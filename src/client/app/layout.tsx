import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { currentUser } from './session.js';
import { LogoMark } from './components/logo.js';
import { keepTablesLabelled } from './components/table-labels.js';
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
  { href: '/emails', label: 'Email log', roles: ['account_manager', 'executive', 'admin'] },
  { href: '/admin/users', label: 'Admin', roles: ['admin'] },
];

/** `/accounts/123` is inside "Accounts"; `/` is My day or Overview, depending on the role. */
function isCurrent(href: string, path: string, role: Role): boolean {
  if (path === '/') return href === (role === 'account_manager' ? '/my-day' : '/overview');
  const section = href.split('/')[1];
  return path.split('/')[1] === section;
}

/** How long after a navigation the focus may still move to the new page's heading. */
const HEADING_WAIT_MS = 10_000;

/**
 * Moves the focus to the page heading once the new page shows it. A page's code and data load after the URL
 * changes, and meanwhile the router keeps the old page (and its heading) on screen, so one frame is not enough:
 * until the user moves the focus themselves, whenever the focus is lost (on the body, because the heading it was
 * on went away) and a heading is there, it goes to that heading. Returns the clean-up.
 */
function focusHeadingWhenReady(main: HTMLElement): () => void {
  let ours: HTMLElement | null = null;
  const settle = () => {
    const active = document.activeElement;
    const userMovedOn = active && active !== document.body && active !== ours;
    if (userMovedOn && ours) return stop();
    if (active === ours && ours?.isConnected) return;
    const heading = main.querySelector<HTMLElement>('h1');
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
    ours = heading;
  };
  const observer = new MutationObserver(settle);
  const frame = requestAnimationFrame(settle);
  const timer = setTimeout(() => stop(), HEADING_WAIT_MS);
  observer.observe(main, { childList: true, subtree: true });
  // A click or a key press is the user taking over: never pull the focus back after that.
  document.addEventListener('pointerdown', stop, true);
  document.addEventListener('keydown', stop, true);
  function stop() {
    observer.disconnect();
    document.removeEventListener('pointerdown', stop, true);
    document.removeEventListener('keydown', stop, true);
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  }
  return stop;
}

/**
 * The signed-in person's own menu: their password and sessions, and signing out. A <details> element, so it
 * opens with the keyboard and without any script; it closes again when the page changes.
 */
function ProfileMenu({ name, role, path }: { name: string; role: Role; path: string }) {
  const menu = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (menu.current) menu.current.open = false;
  }, [path]);
  return (
    <details class="profile-menu" ref={menu}>
      <summary>
        <span class="who">
          {name} <span class="muted">({role.replace('_', ' ')})</span>
        </span>
      </summary>
      <ul>
        <li>
          <a href="/profile" aria-current={path === '/profile' ? 'page' : undefined}>
            Password and sessions
          </a>
        </li>
        <li>
          <form method="post" action="/signout" id="signout-form">
            <button type="submit" class="secondary">
              Sign out
            </button>
          </form>
        </li>
      </ul>
    </details>
  );
}

/**
 * Header, role-aware navigation, the profile menu (password, sessions, sign-out), and the main landmark. After each navigation the focus moves to
 * the new page's heading, so keyboard and screen-reader users start reading there.
 */
export function Layout({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const user = currentUser.value!;
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // On a phone the navigation folds behind a "Menu" button (CSS hides the button on wider screens).
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    return focusHeadingWhenReady(main.current!);
  }, [path]);
  useEffect(() => keepTablesLabelled(main.current!), []);
  const closeOnEscape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !menuOpen) return;
    setMenuOpen(false);
    menuButton.current?.focus();
  };
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header no-print" onKeyDown={closeOnEscape}>
        <a class="brand" href="/">
          <LogoMark />
          <span class="wordmark">Keypulse</span>
        </a>
        <button
          type="button"
          class="nav-toggle secondary"
          ref={menuButton}
          aria-expanded={menuOpen ? 'true' : 'false'}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <span class="bars" aria-hidden="true" />
          Menu
        </button>
        <nav aria-label="Main" id="main-nav" class={menuOpen ? 'open' : undefined}>
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
        <ProfileMenu name={user.name} role={user.role} path={path} />
      </header>
      <main id="main" ref={main}>
        {children}
      </main>
    </>
  );
}
