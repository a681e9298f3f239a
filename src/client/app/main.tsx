import { render } from 'preact';
import { App } from './app.js';
import { currentUser, readEmbeddedInstallation, readEmbeddedUser } from './session.js';
import { setCurrency } from './format.js';

currentUser.value = readEmbeddedUser();
const installation = readEmbeddedInstallation();
if (installation) setCurrency(installation.currency);
const root = document.getElementById('app')!;
if (currentUser.value) {
  root.textContent = '';
  render(<App />, root);
} else {
  location.assign(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`);
}

// `npm run dev`: reload when the server says the browser files were rebuilt (or the server restarted).
const liveReload = document.querySelector<HTMLMetaElement>('meta[name="kp-live-reload"]')?.content;
if (liveReload) {
  let first: string | null = null;
  new EventSource(liveReload).addEventListener('build', (event) => {
    if (first === null) first = event.data;
    else if (event.data !== first) location.reload();
  });
}
