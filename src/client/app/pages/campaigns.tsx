import { usePageTitle } from '../use-page-title.js';

// PLACEHOLDER: replaced by the page's implementation.
export default function Page() {
  usePageTitle('Campaigns');
  return <h1>Campaigns</h1>;
}
