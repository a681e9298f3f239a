import { usePageTitle } from '../use-page-title.js';

// PLACEHOLDER: replaced by the page's implementation.
export default function Page() {
  usePageTitle('Campaign new');
  return <h1>Campaign new</h1>;
}
