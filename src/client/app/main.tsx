import { render } from 'preact';
import { App } from './app.js';
import { currentUser, readEmbeddedUser } from './session.js';

currentUser.value = readEmbeddedUser();
const root = document.getElementById('app')!;
if (currentUser.value) {
  root.textContent = '';
  render(<App />, root);
} else {
  location.assign(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`);
}
