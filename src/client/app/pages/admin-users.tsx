import { usePageTitle } from '../use-page-title.js';

// PLACEHOLDER: replaced by the page's implementation.
export default function Page() {
  usePageTitle('Admin users');
  return <h1>Admin users</h1>;
}
