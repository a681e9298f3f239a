/**
 * The workspace app's top-level sections. The server serves the app shell for these paths (to a signed-in
 * user); the browser's router handles links within them. Everything else (/api, /s, /u, /signin, /outbox,
 * /assets) is the server's own.
 */
export const APP_SECTIONS = ['my-day', 'accounts', 'tasks', 'campaigns', 'surveys', 'overview', 'program', 'admin', 'profile', 'emails'] as const;

/** `/`, `/accounts`, `/accounts/…` — but not `/accountsx` nor `/api/…`. */
export const APP_PATH = new RegExp(`^/(?:(?:${APP_SECTIONS.join('|')})(?:/.*)?)?$`);
