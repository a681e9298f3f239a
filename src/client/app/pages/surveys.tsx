import { usePageTitle } from '../use-page-title.js';

// PLACEHOLDER: replaced by the page's implementation.
export default function Page() {
  usePageTitle('Surveys');
  return <h1>Surveys</h1>;
}
