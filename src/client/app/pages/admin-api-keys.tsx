import { usePageTitle } from '../use-page-title.js';

// PLACEHOLDER: replaced by the page's implementation.
export default function Page() {
  usePageTitle('Admin api keys');
  return <h1>Admin api keys</h1>;
}
